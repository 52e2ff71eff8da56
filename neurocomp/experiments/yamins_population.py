"""Yamins et al. (2014), Figure 2: across models, categorisation performance predicts IT predictivity.

Each run of ``yamins_population_model`` builds one model of the family
(:mod:`neurocomp.vision`: pixels, V1-like, HMAX, Neocognitron, and the numpy CNN
of 2-4 blocks, width 4-16, trained for a budget of 0-150 steps), then measures on
one fixed image set and one fixed simulated ventral stream (``data_seed``; the
same for every model):

* **performance** -- held-out linear category decoding (5-fold ridge classifier)
  from the model's top layer, as Yamins et al. read categories from each model's
  output features;
* **IT and V4 predictivity** -- the ceiled score (r^2 / noise ceiling) of the
  layer *committed on held-out stimuli* (chosen on one half of the stimuli,
  scored on the other, both ways; :func:`neurocomp.analysis.layer_region_scores`),
  so that deeper models do not gain from choosing among more layers.

``neurocomp sweep analyses/yamins2014_population.toml --workers 2`` runs the
population; the sweep's ``summary.json`` gains the correlation across models
(``performance_it_r`` with a bootstrap interval over models,
``performance_v4_r``) and the figure is the scatter with the models named by
family.

References
----------
Yamins, D. L. K. et al. (2014). Performance-optimized hierarchical models predict
neural responses in higher visual cortex. PNAS 111, 8619-8624.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp._validation import ValidationError
from neurocomp.experiments._registry import ExperimentResult, Range, experiment

__all__ = ["yamins_population_model", "POPULATION", "model_family"]

#: The bundled population: 4 classic models and 27 CNNs (depth x width x training steps).
POPULATION = ["pixels", "v1_like", "hmax", "neocognitron"] + [
    f"cnn_d{d}_w{w}_s{s}" for d in (2, 3, 4) for w in (4, 8, 16) for s in (0, 40, 150)
]
_CNN = re.compile(r"cnn_d(\d)_w(\d+)_s(\d+)")


def model_family(name: str) -> str:
    """The family a population name belongs to: its model name, or "CNN untrained"/"CNN trained".

    Parameters
    ----------
    name : str
        A model name, e.g. of :data:`POPULATION` (``"cnn_d<depth>_w<width>_s<steps>"`` for a CNN
        trained for that many SGD steps, ``s0`` untrained).

    Returns
    -------
    str
        The family label used in figures and tables.

    Examples
    --------
    >>> model_family("cnn_d3_w8_s40"), model_family("hmax")
    ('CNN trained', 'hmax')
    """
    m = _CNN.fullmatch(name)
    if m:
        return "CNN untrained" if int(m.group(3)) == 0 else "CNN trained"
    return name


def _build(name: str, rng):
    from neurocomp.vision import get_model

    m = _CNN.fullmatch(name)
    if m:
        depth, width, steps = (int(g) for g in m.groups())
        if steps == 0:
            return get_model("cnn_untrained", depth=depth, width=width, fc_units=64, rng=rng)
        return get_model("cnn_trained", depth=depth, width=width, fc_units=64, n_epochs=100, max_steps=steps,
                         learning_rate=0.02, rng=rng)
    if name in ("pixels", "v1_like"):
        return get_model(name)
    if name in ("hmax", "neocognitron"):
        return get_model(name, rng=rng)
    raise ValidationError(
        f"model must be pixels, v1_like, hmax, neocognitron or cnn_d<depth>_w<width>_s<steps>; got {name!r}")


@functools.lru_cache(maxsize=2)
def _data(data_seed, image_size, n_per_category, n_train_per_category, n_v4, n_it, n_repetitions, duration):
    """Images and recordings shared by every model of the population (cached per worker)."""
    from neurocomp.cortex import object_images, ventral_recordings
    from neurocomp.random import as_generator

    stim, train, rec = as_generator(data_seed).spawn(3)
    test_images = object_images(n_per_category=n_per_category, size=image_size, rng=stim)
    train_images = object_images(n_per_category=n_train_per_category, size=image_size, rng=train)
    recordings = ventral_recordings(test_images, n_v1=1, n_v4=n_v4, n_it=n_it, n_repetitions=n_repetitions,
                                    duration=duration, rng=rec)
    recordings = recordings.sel(neuroid=recordings.region != "V1")
    return test_images, train_images, recordings


def _subsample(acts, max_units, gen):
    """At most ``max_units`` units per layer (a fixed random subset), to bound the mapping's cost."""
    keep = []
    layer = acts["layer"].values
    for name in dict.fromkeys(layer.tolist()):
        idx = np.flatnonzero(layer == name)
        keep.append(np.sort(gen.choice(idx, max_units, replace=False)) if idx.size > max_units else idx)
    return acts.isel(neuroid=np.concatenate(keep))


@experiment("yamins_population_model")
def yamins_population_model(
    *,
    model: str = "cnn_d2_w8_s150",
    data_seed: Annotated[int, Range(0, 2**31 - 1)] = 2014,
    image_size: Annotated[int, Range(32, 64)] = 32,
    n_per_category: Annotated[int, Range(4, 200)] = 10,
    n_train_per_category: Annotated[int, Range(4, 1000)] = 100,
    n_v4: Annotated[int, Range(2, 2000)] = 100,
    n_it: Annotated[int, Range(2, 2000)] = 100,
    n_repetitions: Annotated[int, Range(2, 100)] = 10,
    duration: Annotated[float, Range(0, 10, low_open=True)] = 0.1,
    n_splits: Annotated[int, Range(2, 50)] = 5,
    max_units: Annotated[int, Range(10, 100_000)] = 2000,
    rng=None,
) -> ExperimentResult:
    """One model of the population: its categorisation performance and its V4 and IT predictivity.

    Parameters
    ----------
    model : str
        ``pixels``, ``v1_like``, ``hmax``, ``neocognitron`` or
        ``cnn_d<depth>_w<width>_s<steps>`` (depth 2-4 conv blocks, first-block
        width, SGD steps of 32 images; ``s0`` = untrained).
    data_seed : int
        Seeds the images and the simulated stream: keep it fixed across a
        population so that every model sees the same stimuli and neuroids.
    image_size, n_per_category, n_train_per_category : int
        Test images per category and variation level (3 levels, 8 categories)
        and training images (for the CNNs and the Neocognitron).
    n_v4, n_it, n_repetitions, duration
        The simulated recordings (see :func:`neurocomp.cortex.ventral_recordings`).
    n_splits : int
        Cross-validation splits within each half of the stimuli.
    max_units : int
        Units kept per layer (random subset) before the mapping.
    rng : seed
        The model's initialisation and training.

    Returns
    -------
    ExperimentResult
        dataset: ``performance`` (held-out category decoding accuracy from the
        top layer), ``it_score``/``v4_score`` (ceiled, layer committed on held-out
        stimuli), ``it_score_same_data``/``v4_score_same_data`` (best layer chosen
        and scored on the same stimuli), ``n_layers``; attrs ``family`` and the
        committed layers.

    References
    ----------
    .. [1] Yamins, D. L. K., Hong, H., Cadieu, C. F., Solomon, E. A., Seibert, D. & DiCarlo, J. J.
       (2014). Performance-optimized hierarchical models predict neural responses in higher
       visual cortex. PNAS 111, 8619-8624.

    Examples
    --------
    >>> res = yamins_population_model(model="pixels", n_per_category=4, n_train_per_category=4,
    ...                               n_v4=10, n_it=10, n_splits=2, rng=0)  # doctest: +SKIP
    """
    if not (_CNN.fullmatch(model) or model in ("pixels", "v1_like", "hmax", "neocognitron")):
        raise ValidationError(
            f"model must be pixels, v1_like, hmax, neocognitron or cnn_d<depth>_w<width>_s<steps>; got {model!r}")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):  # small products: one thread is much faster
        return _one_model(model, data_seed, image_size, n_per_category, n_train_per_category, n_v4, n_it,
                          n_repetitions, duration, n_splits, max_units, rng)


def _one_model(model, data_seed, image_size, n_per_category, n_train_per_category, n_v4, n_it, n_repetitions,
               duration, n_splits, max_units, rng):
    from neurocomp.analysis import layer_region_scores
    from neurocomp.cortex import category_decoding
    from neurocomp.random import as_generator

    gen = as_generator(rng)
    model_rng, sub_rng, dec_rng, score_rng = gen.spawn(4)
    test_images, train_images, recordings = _data(data_seed, image_size, n_per_category, n_train_per_category,
                                                  n_v4, n_it, n_repetitions, duration)
    est = _build(model, int(model_rng.integers(2**31 - 1)))
    est.fit(train_images, train_images["object_name"].values)
    acts = est.activations(test_images)
    layers = list(dict.fromkeys(acts["layer"].values.tolist()))
    top = acts.sel(neuroid=acts["layer"] == layers[-1])
    performance = category_decoding(_subsample(top, max_units, sub_rng), n_splits=5, rng=dec_rng)
    acts = _subsample(acts, max_units, sub_rng)
    scores = layer_region_scores(acts, recordings, layers=layers, regions=["V4", "IT"], n_splits=n_splits,
                                 n_bootstrap=0, heldout=True, rng=score_rng)

    def scalar(value, long_name):
        return xr.DataArray(float(value), attrs={"units": "1", "long_name": long_name})

    ds = xr.Dataset({
        "performance": scalar(performance, "held-out category decoding accuracy from the top layer"),
        "it_score": scalar(scores["heldout_score"].sel(region="IT"), "IT ceiled score, layer committed on held-out stimuli"),
        "v4_score": scalar(scores["heldout_score"].sel(region="V4"), "V4 ceiled score, layer committed on held-out stimuli"),
        "it_score_same_data": scalar(scores["ceiled_score"].sel(region="IT").max(), "IT best ceiled score, same data"),
        "v4_score_same_data": scalar(scores["ceiled_score"].sel(region="V4").max(), "V4 best ceiled score, same data"),
        "n_layers": xr.DataArray(len(layers), attrs={"units": "1", "long_name": "layers scored"}),
    }, attrs={"family": model_family(model), "model": model,
              "committed_layer_IT": "/".join(scores["committed_layer"].sel(region="IT").values.tolist()),
              "committed_layer_V4": "/".join(scores["committed_layer"].sel(region="V4").values.tolist())})
    summary = {k: float(ds[k]) for k in ("performance", "it_score", "v4_score")}
    summary.update(model=model, family=model_family(model))
    table = pd.DataFrame([{"model": model, **summary}])
    return ExperimentResult(dataset=ds, figures={}, summary=summary, table=table)


def _population_table(ds) -> pd.DataFrame:
    dim = "model"
    names = [str(v) for v in ds[dim].values]
    def col(v):
        x = ds[v]
        while x.ndim > 1:
            x = x.mean([d for d in x.dims if d != dim])
        return np.asarray(x.values, float).reshape(-1)
    return pd.DataFrame({"model": names, "family": [model_family(n) for n in names],
                         **{v: col(v) for v in ("performance", "it_score", "v4_score", "it_score_same_data")}})


def _r_with_ci(x, y, n_boot=2000, seed=0):
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size < 3:
        return float("nan"), [float("nan"), float("nan")]
    r = float(np.corrcoef(x, y)[0, 1])
    gen = np.random.default_rng(seed)
    idx = gen.integers(0, x.size, size=(n_boot, x.size))
    xb, yb = x[idx], y[idx]
    xb = xb - xb.mean(1, keepdims=True)
    yb = yb - yb.mean(1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rb = (xb * yb).sum(1) / np.sqrt((xb**2).sum(1) * (yb**2).sum(1))
    lo, hi = np.nanpercentile(rb, [2.5, 97.5])
    return r, [float(lo), float(hi)]


def population_summary(ds) -> dict:
    """Across the population: Pearson r of performance with IT and V4 predictivity, bootstrap 95% CI over models."""
    t = _population_table(ds)
    r_it, ci_it = _r_with_ci(t["performance"].values, t["it_score"].values)
    r_v4, ci_v4 = _r_with_ci(t["performance"].values, t["v4_score"].values)
    r_same, _ = _r_with_ci(t["performance"].values, t["it_score_same_data"].values)
    ok = np.isfinite(t["performance"].values) & np.isfinite(t["it_score"].values)
    return {"n_models": int(ok.sum()), "performance_it_r": r_it, "performance_it_r_ci": ci_it,
            "performance_v4_r": r_v4, "performance_v4_r_ci": ci_v4,
            "performance_it_r_same_data_layer": r_same,
            "best_it_model": str(t["model"].values[np.nanargmax(t["it_score"].values)]),
            "best_it_score": float(np.nanmax(t["it_score"].values))}


def population_figure(ds):
    """Yamins Figure 2: IT (and V4) predictivity against categorisation performance, by family."""
    from matplotlib.figure import Figure

    t = _population_table(ds)
    s = population_summary(ds)
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, sharex=True)
    styles = {"pixels": ("s", "0.4"), "v1_like": ("D", "C4"), "hmax": ("^", "C2"), "neocognitron": ("v", "C5"),
              "CNN untrained": ("o", "C7"), "CNN trained": ("o", "C3")}
    for ax, var, region, key in ((axes[0], "it_score", "IT", "performance_it_r"), (axes[1], "v4_score", "V4", "performance_v4_r")):
        for fam, (marker, color) in styles.items():
            sub = t[t["family"] == fam]
            if len(sub):
                ax.scatter(sub["performance"], sub[var], marker=marker, color=color, s=30, label=fam,
                           edgecolor="k", linewidth=0.4)
        for _, row in t[~t["family"].str.startswith("CNN")].iterrows():
            ax.annotate(row["model"], (row["performance"], row[var]), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
        ci = s.get(key + "_ci", [np.nan, np.nan])
        ax.set_title(f"{region}: r = {s[key]:.2f} [{ci[0]:.2f}, {ci[1]:.2f}] over {s['n_models']} models\n"
                     "(layer committed on held-out stimuli)", fontsize=9)
        ax.set_xlabel("categorisation performance (held-out accuracy, top layer)")
        ax.set_ylabel(f"{region} predictivity, r\u00b2 / noise ceiling")
        ax.axvline(1 / 8, color="0.6", ls="--", lw=0.8)
    axes[0].legend(fontsize=7, frameon=False, title="family", title_fontsize=7)
    fig.suptitle("Yamins et al. (2014) Fig. 2 on the simulated stream (95% CI: bootstrap over models; "
                 "dashed: chance)", fontsize=9)
    return {"population_scatter": fig}


yamins_population_model.sweep_summary = population_summary
yamins_population_model.sweep_figure = population_figure
