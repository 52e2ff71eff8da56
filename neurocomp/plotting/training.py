"""The one plot of a training record: a model's ``learning_curve_`` over ``epoch``.

Every trained model in neurocomp (MLP, RBM, CNN, ...) keeps ``learning_curve_``, an
xarray Dataset over ``epoch`` with epoch 0 = before training (issue 22), so one
function draws them all; :mod:`neurocomp.plotting.gates` and
:mod:`neurocomp.plotting.boltzmann` re-export it under their old names.
"""

from __future__ import annotations

from neurocomp._validation import ValidationError
from neurocomp.plotting._core import axis_label, get_ax, plain_log_ticks

__all__ = ["plot_learning_curve"]


def plot_learning_curve(curve, *, variables=None, ax=None, logy: bool = False, variable: str | None = None, **kwargs):
    """Training curves against epoch (epoch 0 = before training).

    Parameters
    ----------
    curve : xarray.Dataset
        A model's ``learning_curve_`` (or an experiment's Dataset holding such
        variables), with dim ``epoch``.
    variables : list of str, optional
        Variables to draw; default every data variable over ``epoch``.
    ax : matplotlib Axes, optional
    logy : bool, default False
        Logarithmic y axis (losses spanning decades).
    variable : str, optional
        One variable to draw (shorthand for ``variables=[variable]``).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for every line.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from neurocomp.dnn.mlp import MLP, make_xor
    >>> X, y = make_xor()
    >>> net = MLP((3,), n_epochs=5, rng=0).fit(X, y)
    >>> plot_learning_curve(net.learning_curve_).get_xlabel()
    'epoch'
    """
    if not hasattr(curve, "data_vars") or "epoch" not in getattr(curve, "dims", ()):
        raise ValidationError(f"curve must be an xarray Dataset over 'epoch' (a model's learning_curve_); "
                              f"got {type(curve).__name__}")
    over_epoch = [n for n, v in curve.data_vars.items() if "epoch" in v.dims]
    if variable is not None:
        if variables is not None:
            raise TypeError("plot_learning_curve: pass variable or variables, not both")
        variables = [variable]
    variables = over_epoch if variables is None else list(variables)
    if not variables:
        raise ValidationError(f"curve must hold a variable over 'epoch'; got {list(curve.data_vars)}")
    for name in variables:
        if name not in over_epoch:
            raise ValidationError(f"variable must be one of {sorted(over_epoch)} (the variables over 'epoch'); got {name!r}")
    ax = get_ax(ax)
    epoch = curve["epoch"] if "epoch" in curve.coords else range(curve.sizes["epoch"])
    for name in variables:
        da = curve[name]
        style = {"marker": "o", "ms": 3} if curve.sizes["epoch"] <= 60 else {}
        label = str(da.attrs.get("long_name") or name).split(":")[0] if len(variables) > 1 else None
        ax.plot(epoch, da.values, label=label, **{**style, **kwargs})
    if logy:
        ax.set_yscale("log")
        plain_log_ticks(ax)
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
    first = curve[variables[0]]
    ylabel = axis_label(first, variables[0])
    ax.set_ylabel(ylabel[len("training "):] if len(variables) > 1 and ylabel.startswith("training ") else ylabel)
    if len(variables) > 1:
        ax.legend(frameon=False)
    return ax
