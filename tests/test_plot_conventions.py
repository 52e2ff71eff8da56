"""Plot functions follow plot_x(data, *, ax=None) -> Axes (issue 22); old forms warn."""

from __future__ import annotations

import numpy as np
import pytest


def test_center_surround_plots_take_ax_and_return_it():
    import matplotlib.pyplot as plt

    from neurocomp import gates
    from neurocomp.plotting import gates as gplot

    image = np.zeros((20, 20))
    image[5:15, 5:15] = 1.0
    response = gates.center_surround(image, sigma_center=1.0, sigma_surround=3.0)
    fig, axes = plt.subplots(1, 3)
    assert gplot.plot_center_surround(response, ax=axes[1]) is axes[1]
    assert gplot.plot_luminance(image, ax=axes[0]) is axes[0]
    assert gplot.plot_dog_profile(gates.dog_kernel(1.0, 3.0), ax=axes[2]) is axes[2]
    assert axes[2].get_ylabel() == "weight"  # dimensionless: no "[1]"
    with pytest.warns(DeprecationWarning, match="plot_center_surround"):
        old = gplot.plot_center_surround(image, response, kernel=gates.dog_kernel(1.0, 3.0))
    assert isinstance(old, list) and len(old) == 3
    with pytest.raises(ValueError, match="response must be 2-D"):
        gplot.plot_center_surround(np.zeros(5))


def test_capacity_theory_is_computed_by_the_caller_and_drawn_by_the_plot():
    from neurocomp import hopfield as hf
    from neurocomp.plotting import hopfield as hplot

    th = hf.capacity_theory([0.05, 0.1, 0.13, 0.2])
    # AGS: about 1.6 % wrong bits at alpha_c, none retrieved above it; 1/2 erfc(1/sqrt(0.1)) at 0.05
    assert float(th["ags_error"].sel(load=0.13)) == pytest.approx(0.01, abs=0.01)
    assert np.isnan(float(th["ags_overlap"].sel(load=0.2)))
    from scipy.special import erfc

    assert float(th["one_step_error"].sel(load=0.05)) == pytest.approx(0.5 * erfc(1 / np.sqrt(0.1)), rel=1e-9)
    curve = hf.capacity_curve(60, [0.05, 0.2], trials=1, n_cues=2, rng=0)
    ax = hplot.plot_capacity(curve, theory=th)
    assert any("AGS" in t.get_text() for t in ax.get_legend().get_texts())
    assert not any("AGS" in t.get_text() for t in hplot.plot_capacity(curve).get_legend().get_texts())
    with pytest.warns(DeprecationWarning, match="capacity_theory"):
        hplot.plot_capacity(curve, theory=True)


def test_plot_sweep_lives_in_plotting_and_the_old_path_delegates():
    import numpy as np
    import xarray as xr

    from neurocomp import sweep
    from neurocomp.plotting.sweep import plot_sweep

    ds = xr.Dataset({"score": (("lr", "seed"), np.arange(6.0).reshape(3, 2), {"units": "1", "long_name": "score"})},
                    coords={"lr": [0.01, 0.1, 1.0], "seed": [0, 1]})
    a, b = plot_sweep(ds), sweep.plot_sweep(ds)
    assert [ln.get_ydata().tolist() for ln in a.lines] == [ln.get_ydata().tolist() for ln in b.lines]
    assert a.get_xscale() == "log"


def test_one_plot_learning_curve_draws_mlp_and_rbm_curves():
    from neurocomp.boltzmann import RBM
    from neurocomp.dnn.mlp import MLP, make_xor
    from neurocomp.plotting import boltzmann as bplot
    from neurocomp.plotting import gates as gplot
    from neurocomp.plotting.training import plot_learning_curve

    assert gplot.plot_learning_curve is plot_learning_curve is bplot.plot_learning_curve
    X, y = make_xor()
    net = MLP((3,), n_epochs=4, rng=0).fit(X, y, X_valid=X, y_valid=y)
    ax = plot_learning_curve(net.learning_curve_, logy=True)
    assert len(ax.lines) == 2 and ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"
    assert ax.lines[0].get_xdata()[0] == 0  # epoch 0 = before training
    rbm = RBM(n_hidden=3, n_epochs=2, rng=0).fit((np.random.default_rng(0).random((30, 6)) < 0.5).astype(float))
    ax = plot_learning_curve(rbm.learning_curve_, variable="reconstruction_error")
    assert len(ax.lines) == 1 and "reconstruction" in ax.get_ylabel()
    with pytest.raises(ValueError, match="variable"):
        plot_learning_curve(rbm.learning_curve_, variable="nope")
