"""Experiments on the simulated visual cortex: V1 tuning, and the Yamins layer-to-area mapping.

``gratings_v1`` measures orientation tuning and phase sensitivity of the
simulated V1 (Hubel & Wiesel 1962; energy model, Adelson & Bergen 1985;
normalisation, Heeger 1992) against the Gabor theory.

``ventral_stream`` is the flagship: objects on natural backgrounds, a
simulated, spiking V1 → V4 → IT (Fukushima 1980; Riesenhuber & Poggio 1999),
a numpy CNN trained on the objects' categories and an untrained copy, and
every layer scored against every region with cross-validated regression and
noise ceilings (Yamins et al. 2014), through :mod:`neurocomp.analysis`.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp._validation import ValidationError
from neurocomp.cortex.ventral import REGIONS
from neurocomp.experiments._registry import ExperimentResult, Length, Range, check_work, experiment
from neurocomp.random import as_generator

__all__ = ["ventral_stream", "gratings_v1"]


def _blas_single_thread():
    """Small matrix products run faster on one BLAS thread, much faster on a shared machine."""
    from neurocomp._threads import one_blas_thread

    return one_blas_thread()


def _ventral_stream_memory(*, image_size, n_per_category, n_train_per_category, variations, n_v1, n_v4, n_it,
                            n_repetitions, fc_units, n_epochs, n_splits, n_bootstrap, **_):
    """Rough peak bytes: images, spike counts and rates of every neuroid, CNN activations of every layer.

    Refuses a run of days: CNN training (about 1.2e4 operations per pixel and image, forward and
    backward) and the cross-validated regressions of every layer on every neuroid.
    """
    n_levels, n_categories = len(variations), 8
    n_test = n_per_category * n_categories * n_levels
    n_train = n_train_per_category * n_categories * n_levels
    pixels = image_size**2
    neuroids = n_v1 + n_v4 + n_it
    images = 8 * (n_test + n_train) * pixels
    recordings = 8 * 3 * n_test * n_repetitions * neuroids
    model_v1 = 8 * 4 * n_v1 * pixels  # filter bank (quadrature pairs) at image size
    activations = 4 * 2 * (n_test + 256) * (48 * pixels + fc_units)  # trained and untrained; training is batched
    training = 1.2e4 * pixels * n_train * n_epochs
    scoring = 2 * 6 * n_splits * (n_test * min(n_test, 48 * pixels) * neuroids + n_bootstrap * n_test * neuroids)
    check_work(training + scoring, "this ventral_stream run")
    return images + recordings + model_v1 + activations


@experiment("ventral_stream", memory=_ventral_stream_memory)
def ventral_stream(
    *,
    image_size: Annotated[int, Range(24, 64)] = 32,
    n_per_category: Annotated[int, Range(2, 1000)] = 15,
    n_train_per_category: Annotated[int, Range(2, 10_000)] = 200,
    variations: Annotated[list[str], Length(1, 3)] = ["low", "medium", "high"],  # noqa: B006 (specs need a literal default)
    n_v1: Annotated[int, Range(1, 100_000)] = 100,
    n_v4: Annotated[int, Range(1, 100_000)] = 100,
    n_it: Annotated[int, Range(1, 100_000)] = 100,
    n_repetitions: Annotated[int, Range(2, 1000)] = 10,
    duration: Annotated[float, Range(0, 10, low_open=True)] = 0.1,
    n_epochs: Annotated[int, Range(1, 1000)] = 6,
    fc_units: Annotated[int, Range(1, 8192)] = 256,
    learning_rate: Annotated[float, Range(0, 10, low_open=True)] = 0.02,
    method: Literal["ridge", "pls"] = "ridge",
    normalization: Literal["r2_over_ceiling", "ratio_squared"] = "r2_over_ceiling",
    n_splits: Annotated[int, Range(2, 100)] = 10,
    n_bootstrap: Annotated[int, Range(0, 100_000)] = 200,
    save_data: bool = True,
    rng=None,
) -> ExperimentResult:
    """Which CNN layer predicts which simulated visual area? (Yamins et al. 2014)

    1. Render ``n_per_category`` test images per category and variation level
       (objects on natural backgrounds) and, independently,
       ``n_train_per_category`` training images per category and level.
    2. Simulate V1, V4 and IT on the test images and draw Poisson responses
       (``n_repetitions`` × ``duration`` s windows).
    3. Train the CNN on the training images' categories; keep an untrained copy
       (same architecture and initialisation, no training) as the control.
    4. Score every layer of both networks against every region with
       :func:`neurocomp.analysis.layer_region_scores` (cross-validated
       ``method`` regression, split-half noise ceiling, ``normalization``).
    5. With ``save_data``, keep the simulated recordings and the trained
       network's activations (float32, compressed; see
       :mod:`neurocomp.cortex.export`): the run writes them as
       ``recordings.nc`` and ``activations.nc`` beside ``results.nc``, the files
       ``neurocomp regress`` reads.

    Parameters
    ----------
    image_size : int, default 32
        Side of the images in pixels (divisible by 4).
    n_per_category : int, default 15
        Test images per category and variation level (the recorded stimuli).
    n_train_per_category : int, default 200
        Training images of the CNN per category and variation level.
    variations : list of {"low", "medium", "high"}
        Variation levels of position, scale and rotation (:data:`neurocomp.cortex.stimuli.VARIATION_LEVELS`).
    n_v1, n_v4, n_it : int, default 100
        Simulated neuroids recorded per region.
    n_repetitions : int, default 10
        Repetitions of every test image (Poisson responses, for the noise ceiling).
    duration : float, default 0.1
        Counting window of each response, in s.
    n_epochs : int, default 6
        Training epochs of the CNN.
    fc_units : int, default 256
        Units of the CNN's fully connected layer.
    learning_rate : float, default 0.02
        SGD learning rate of the CNN.
    method : {"ridge", "pls"}
        Regression from a layer's activations to a region's responses.
    normalization : {"r2_over_ceiling", "ratio_squared"}
        How raw scores are divided by the noise ceiling (see :func:`neurocomp.analysis.ceil_score`).
    n_splits : int, default 10
        Cross-validation splits of the presentations.
    n_bootstrap : int, default 200
        Bootstrap resamples for the confidence intervals (0: none).
    save_data : bool, default True
        Keep the simulated recordings and the trained network's activations as extra data.
    rng : None, int, SeedSequence or Generator
        The random stream (stimuli, recordings, networks and scoring each get a child).

    Returns
    -------
    ExperimentResult
        dataset: ``raw_score``, ``ceiled_score``, ``ci_low``, ``ci_high``
        (network × layer × region), ``ceiling`` (region), ``test_accuracy``
        (network), ``decoding_accuracy`` (region × variation) and its binomial
        standard error ``decoding_accuracy_se`` over the held-out presentations; figures
        ``layer_region`` (trained and untrained), ``decoding``, ``stimuli``;
        the table of ceiled scores per layer and region. With ``save_data``,
        extra ``recordings`` (repetition x presentation x neuroid, Hz, ``region``
        coord) and ``activations`` (presentation x neuroid, ``layer`` coord).

    References
    ----------
    .. [1] Yamins, D. L. K., Hong, H., Cadieu, C. F., Solomon, E. A., Seibert, D. & DiCarlo, J. J.
       (2014). Performance-optimized hierarchical models predict neural responses in higher
       visual cortex. PNAS 111, 8619-8624.
    """
    from neurocomp.analysis import layer_region_scores
    from neurocomp.cortex import category_decoding, object_images, ventral_recordings
    from neurocomp.cortex.stimuli import VARIATION_LEVELS
    from neurocomp.dnn.cnn import CNN, LAYERS

    if image_size % 4:
        raise ValidationError(f"image_size must be divisible by 4 (the CNN pools twice by 2); got {image_size}")
    bad = [v for v in variations if v not in VARIATION_LEVELS]
    if bad or not variations or len(set(variations)) != len(variations):
        raise ValidationError(f"variations must be distinct levels among {list(VARIATION_LEVELS)}; got {variations}")
    n_test_cat = n_per_category * len(variations)
    # stratified shuffle splits with a 10% test share need >= 10 images of every category
    need = max(n_splits, 10)
    if n_test_cat < need:
        raise ValidationError(
            f"n_per_category x len(variations) must be >= {need} images per category for "
            f"{n_splits} stratified splits at 90% train; got {n_per_category} x {len(variations)} = {n_test_cat}"
        )
    gen = as_generator(rng)
    stim_rng, train_rng, rec_rng, net_rng, score_rng, dec_rng = gen.spawn(6)

    test_images = object_images(n_per_category=n_per_category, variations=variations, size=image_size, rng=stim_rng)
    train_images = object_images(n_per_category=n_train_per_category, variations=variations, size=image_size, rng=train_rng)
    recordings = ventral_recordings(test_images, n_v1=n_v1, n_v4=n_v4, n_it=n_it,
                                    n_repetitions=n_repetitions, duration=duration, rng=rec_rng)

    net_seed = int(net_rng.integers(2**31 - 1))
    kwargs = dict(fc_units=fc_units, learning_rate=learning_rate, rng=net_seed)
    labels = train_images["object_name"].values
    trained = CNN(n_epochs=n_epochs, **kwargs).fit(train_images, labels)
    untrained = CNN(n_epochs=0, **kwargs).fit(train_images, labels)
    truth = test_images["object_name"].values
    accuracy = {"trained": trained.score(test_images, truth), "untrained": untrained.score(test_images, truth)}

    scores, acts_of = {}, {}
    score_seed = int(score_rng.integers(2**31 - 1))
    with _blas_single_thread():
        for name, net in (("trained", trained), ("untrained", untrained)):
            acts = acts_of[name] = net.activations(test_images)
            scores[name] = layer_region_scores(
                acts, recordings, method=method, normalization=normalization, n_splits=n_splits,
                n_bootstrap=n_bootstrap, layers=list(LAYERS), regions=list(REGIONS), rng=score_seed,
                progress=None,
            )

    # linear category decodability of each simulated region, per variation level
    mean_resp = recordings.mean("repetition")
    dec = np.full((3, len(variations)), np.nan)
    dec_se = np.full((3, len(variations)), np.nan)
    k = min(5, n_per_category)
    if k >= 2:
        for i, region in enumerate(REGIONS):
            for j, v in enumerate(variations):
                sub = mean_resp.sel(neuroid=mean_resp.region == region, presentation=mean_resp.variation == v)
                dec[i, j] = category_decoding(sub, n_splits=k, rng=dec_rng)
                # every presentation is held out once across the k folds: binomial SE over them
                n_held_out = sub.sizes["presentation"]
                dec_se[i, j] = np.sqrt(dec[i, j] * (1 - dec[i, j]) / n_held_out)

    keep = ["raw_score", "raw_score_error", "ceiled_score", "ci_low", "ci_high", "best_probability", "tied_with_best",
            "preferred_depth", "preferred_depth_low", "preferred_depth_high", "depth_difference",
            "depth_difference_low", "depth_difference_high", "heldout_score", "same_data_score", "selection_bias",
            "committed_layer"]
    stacked = xr.concat([scores[n][keep] for n in ("trained", "untrained")], dim="network")
    stacked = stacked.assign_coords(network=["trained", "untrained"])
    first = scores["trained"]
    ds = stacked.assign(
        ceiling=first["ceiling"],
        ceiling_error=first["ceiling_error"],
        n_neuroids=first["n_neuroids"],
        test_accuracy=xr.DataArray([accuracy["trained"], accuracy["untrained"]], dims=("network",),
                                   attrs={"units": "1", "long_name": "CNN category accuracy on the test images"}),
        decoding_accuracy=xr.DataArray(dec, dims=("region", "variation"),
                                       coords={"region": list(REGIONS), "variation": list(variations)},
                                       attrs={"units": "1", "long_name": "linear category decoding accuracy (held out)"}),
        decoding_accuracy_se=xr.DataArray(
            dec_se, dims=("region", "variation"), coords={"region": list(REGIONS), "variation": list(variations)},
            attrs={"units": "1", "long_name": "standard error of the decoding accuracy (binomial, over the "
                   "held-out presentations: sqrt(p (1 - p) / n))"}),
        loss_curve=xr.DataArray(np.asarray(trained.loss_curve_), dims=("epoch",),
                                attrs={"units": "nat", "long_name": "training cross-entropy"}),
    )
    if save_data:
        from neurocomp.cortex.export import saved_data

        both = xr.concat([acts_of["trained"], acts_of["untrained"].assign_coords(
            layer=("neuroid", np.char.add("untrained_", acts_of["untrained"]["layer"].values.astype(str))),
            neuroid_id=("neuroid", np.char.add("untrained_", acts_of["untrained"]["neuroid_id"].values.astype(str))))],
            dim="neuroid")
        extra = saved_data(recordings, both)
    else:
        extra = {}
    ds.attrs.update({k: v for k, v in first.attrs.items() if isinstance(v, (int, float, str))})
    ds.attrs["hierarchy_untrained"] = scores["untrained"].attrs["hierarchy"]
    ds.attrs["chance_accuracy"] = 1.0 / len(trained.classes_)
    ds.attrs["n_decoding_presentations"] = int((test_images["variation"].values == variations[0]).sum())

    summary = _ventral_summary(scores, accuracy, normalization, method)
    table = _ventral_table(scores)
    figures = _ventral_figures(scores, ds, test_images)
    return ExperimentResult(dataset=ds, figures=figures, summary=summary, table=table, extra=extra)


def _interval(ds, var, **sel):
    return [round(float(ds[f"{var}_low"].sel(**sel)), 4), round(float(ds[f"{var}_high"].sel(**sel)), 4)]


def _ventral_summary(scores, accuracy, normalization, method):
    """summary.json: the hierarchy with its intervals, layers committed on held-out stimuli, trained vs untrained."""
    t, u = scores["trained"], scores["untrained"]
    out = {"cnn_test_accuracy": accuracy["trained"], "untrained_test_accuracy": accuracy["untrained"],
           "hierarchy": t.attrs["hierarchy"], "hierarchy_untrained": u.attrs["hierarchy"]}
    for r in REGIONS:
        out[f"preferred_depth_{r}"] = round(float(t["preferred_depth"].sel(region=r)), 4)
        out[f"preferred_depth_{r}_ci"] = _interval(t, "preferred_depth", region=r)
    for pair in t["region_pair"].values:
        out[f"depth_difference_{pair}"] = round(float(t["depth_difference"].sel(region_pair=pair)), 4)
        out[f"depth_difference_{pair}_ci"] = _interval(t, "depth_difference", region_pair=pair)
    for r in REGIONS:
        c = t["ceiled_score"].sel(region=r)
        best = str(c.idxmax("layer").values)
        out[f"best_layer_{r}"] = best
        out[f"best_layer_{r}_ci"] = [round(float(t["ci_low"].sel(region=r, layer=best)), 4),
                                     round(float(t["ci_high"].sel(region=r, layer=best)), 4)]
        out[f"layers_tied_with_best_{r}"] = [str(x) for x in t["layer"].values[t["tied_with_best"].sel(region=r).values]]
    for r in REGIONS:
        out[f"committed_layer_{r}"] = [str(x) for x in t["committed_layer"].sel(region=r).values]
        out[f"heldout_score_{r}_trained"] = round(float(t["heldout_score"].sel(region=r)), 4)
        out[f"heldout_score_{r}_untrained"] = round(float(u["heldout_score"].sel(region=r)), 4)
        out[f"selection_bias_{r}"] = round(float(t["selection_bias"].sel(region=r)), 4)
        out[f"best_ceiled_{r}_trained"] = round(float(t["ceiled_score"].sel(region=r).max()), 4)
        out[f"best_ceiled_{r}_untrained"] = round(float(u["ceiled_score"].sel(region=r).max()), 4)
    out.update({f"ceiling_{r}": round(float(t["ceiling"].sel(region=r)), 4) for r in REGIONS})
    out["normalization"] = normalization
    out["method"] = method
    return out


def _ventral_table(scores):
    """Ceiled score per layer and region; best layer marked '*', layers tied with it (paired CI) '='."""
    rows = []
    for name in ("trained", "untrained"):
        ds = scores[name]
        for layer in ds["layer"].values:
            row = {"network": name, "layer": str(layer)}
            for r in REGIONS:
                c = ds["ceiled_score"].sel(region=r)
                v = float(c.sel(layer=layer))
                lo, hi = float(ds["ci_low"].sel(region=r, layer=layer)), float(ds["ci_high"].sel(region=r, layer=layer))
                mark = "*" if layer == c.idxmax("layer") else ("=" if bool(ds["tied_with_best"].sel(region=r, layer=layer)) else " ")
                row[r] = f"{v:.3f} [{lo:.3f}, {hi:.3f}]{mark}" if np.isfinite(lo) else f"{v:.3f}{mark}"
            rows.append(row)
        row = {"network": name, "layer": "preferred depth"}
        for r in REGIONS:
            row[r] = f"{float(ds['preferred_depth'].sel(region=r)):.3f} " + "[{:.3f}, {:.3f}]".format(
                *_interval(ds, "preferred_depth", region=r))
        rows.append(row)
        row = {"network": name, "layer": "held-out committed"}
        for r in REGIONS:
            layers = "/".join(dict.fromkeys(str(x) for x in ds["committed_layer"].sel(region=r).values))
            row[r] = f"{float(ds['heldout_score'].sel(region=r)):.3f} ({layers})"
        rows.append(row)
    first = scores["trained"]
    rows.append({"network": "", "layer": "noise ceiling", **{r: f"{float(first['ceiling'].sel(region=r)):.3f}" for r in REGIONS}})
    return pd.DataFrame(rows)


def _ventral_figures(scores, ds, images):
    import matplotlib.pyplot as plt

    from neurocomp.plotting.analysis import plot_layer_region_scores
    from neurocomp.plotting.cortex import plot_decoding, plot_stimuli

    from neurocomp.plotting.analysis import plot_preferred_depth

    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained", width_ratios=[1, 1, 0.55])
    for ax, name in zip(axes, ("trained", "untrained")):
        plot_layer_region_scores(scores[name], ax=ax)
        acc = float(ds["test_accuracy"].sel(network=name))
        ax.set_title(f"{name} CNN (category accuracy {acc:.2f})", fontsize=9)
    lim = max(a.get_ylim()[1] for a in axes[:2])
    for a in axes[:2]:
        a.set_ylim(min(a.get_ylim()[0] for a in axes[:2]), lim)
    for i, name in enumerate(("trained", "untrained")):
        plot_preferred_depth(scores[name], ax=axes[2], offset=0.08 * (i - 0.5), label=name,
                             color="k" if name == "trained" else "0.6", ls="-" if name == "trained" else "--")
    axes[2].legend(fontsize=7, frameon=False)
    axes[2].set_title(f"hierarchy: {scores['trained'].attrs['hierarchy']} (trained)", fontsize=9)
    fig.suptitle("Which layer predicts which area? Star: best layer with its 95% interval; bands: paired "
                 "bootstrap over held-out stimuli, splits and neuroids", fontsize=9)
    fig_dec, ax = plt.subplots(figsize=(4.5, 3.5), layout="constrained")
    plot_decoding(ds["decoding_accuracy"], ax=ax, chance=ds.attrs["chance_accuracy"], error=ds["decoding_accuracy_se"])
    n_held = int(ds.attrs.get("n_decoding_presentations", 0))
    ax.set_title("simulated areas: category decodability\n"
                 f"(error bars: \u00b1 SE over {n_held} held-out images per level)" if n_held else
                 "simulated areas: category decodability (error bars: \u00b1 SE)", fontsize=9)
    fig_stim, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    plot_stimuli(images, ax=ax)
    ax.set_title("test images (one per category and variation level)", fontsize=9)
    return {"layer_region": fig, "decoding": fig_dec, "stimuli": fig_stim}


def _gratings_v1_memory(*, n_v1, image_size, orientation_step, n_phases, contrasts, **_):
    """Rough peak bytes: the grating stack (orientation x phase x pixels) and every unit's responses to it."""
    n_orientations = int(180 / orientation_step) + 1
    stack = 8 * 2 * n_orientations * n_phases * image_size**2
    filters = 8 * 4 * n_v1 * image_size**2
    responses = 8 * 4 * n_v1 * n_orientations * n_phases * max(1, len(contrasts))
    return stack * max(1, len(contrasts)) + filters + responses


@experiment("gratings_v1", memory=_gratings_v1_memory)
def gratings_v1(
    *,
    n_v1: Annotated[int, Range(2, 100_000)] = 60,
    image_size: Annotated[int, Range(24, 128)] = 32,
    orientation_step: Annotated[float, Range(0, 45, low_open=True)] = 2.5,
    n_phases: Annotated[int, Range(4, 256)] = 8,
    contrasts: list[Annotated[float, Range(0, 1)]] = [0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.0],  # noqa: B006
    rng=None,
) -> ExperimentResult:
    """V1 tuning: orientation bandwidth, phase sensitivity and contrast response vs theory.

    Full-field gratings at each V1 unit's preferred wavelength sweep orientation
    and phase; the phase-averaged orientation tuning's half width at half height
    is compared with the Gabor prediction ``2 arcsin(sqrt(ln 2) / (4 pi sigma f))``,
    and the modulation ratio F1/F0 at the preferred orientation with 16 / (3 pi)
    (half-squared simple cells) and 0 (energy-model complex cells). A contrast
    series shows the saturating (normalised) contrast response.

    Parameters
    ----------
    n_v1 : int, default 60
        V1 units simulated (simple and complex cells of the hand-built V1).
    image_size : int, default 32
        Side of the grating images in pixels.
    orientation_step : float, default 2.5
        Step of the orientation sweep, in degrees (0 to 180).
    n_phases : int, default 8
        Spatial phases of each grating, evenly spaced over a cycle.
    contrasts : list of float
        Michelson contrasts (0-1) of the contrast series.
    rng : None, int, SeedSequence or Generator
        Samples the V1 units.

    Returns
    -------
    ExperimentResult
        dataset: ``tuning`` (orientation, neuroid; Hz above baseline), ``hwhh`` (neuroid; deg),
        ``f1_f0`` (neuroid; dimensionless), ``contrast_response`` (contrast, neuroid; Hz above
        baseline), with the theory values in attrs; figure ``v1_tuning``; summary and table of
        simulated against theory.

    References
    ----------
    .. [1] Hubel, D. H. & Wiesel, T. N. (1962). Receptive fields, binocular interaction and
       functional architecture in the cat's visual cortex. J. Physiol. 160, 106-154.
    .. [2] Adelson, E. H. & Bergen, J. R. (1985). Spatiotemporal energy models for the
       perception of motion. J. Opt. Soc. Am. A 2, 284-299.
    .. [3] Heeger, D. J. (1992). Normalization of cell responses in cat striate cortex. Vis.
       Neurosci. 9, 181-197.
    .. [4] Skottun, B. C. et al. (1991). Classifying simple and complex cells on the basis of
       response modulation. Vision Res. 31, 1079-1086.
    """
    import matplotlib.pyplot as plt

    from neurocomp.cortex import VentralStream, gratings
    from neurocomp.cortex.ventral import V1_SIGMA_PER_WAVELENGTH, V1_WAVELENGTHS
    from neurocomp.plotting import cortex as cplot

    model = VentralStream(n_v1=n_v1, n_v4=0, n_it=0, image_size=image_size, rng=rng)
    table = model.neuroids
    ori = np.arange(0.0, 180.0, orientation_step)
    phases = np.linspace(0, 2 * np.pi, n_phases, endpoint=False)
    n_ori = ori.size
    tuning = np.full((n_ori, n_v1), np.nan)
    f1f0 = np.full(n_v1, np.nan)
    hwhh = np.full(n_v1, np.nan)
    contrast_resp = np.full((len(contrasts), n_v1), np.nan)
    for wl in V1_WAVELENGTHS:
        units = np.flatnonzero(table.preferred_wavelength.values == wl)
        if units.size == 0:
            continue
        g = gratings(ori, [1 / wl], phases, [1.0], size=image_size, aperture=False)
        r = (model.rates(g).values - model.baseline_rate).reshape(n_ori, n_phases, -1)[:, :, units]
        tuning[:, units] = r.mean(1)
        pref = table.preferred_orientation.values[units]
        d = (ori[:, None] - pref[None, :] + 90) % 180 - 90  # (ori, unit)
        k = np.argmin(np.abs(d), axis=0)
        at_pref = r[k, :, np.arange(units.size)]  # (unit, phase)
        f = np.fft.rfft(at_pref, axis=1)
        f1f0[units] = 2 * np.abs(f[:, 1]) / np.abs(f[:, 0])
        norm = tuning[:, units] / tuning[k, units]
        for col, u in enumerate(units):  # interpolation per curve (a few dozen units)
            pos = d[:, col] >= 0
            order = np.argsort(d[pos, col])
            hwhh[u] = np.interp(0.5, norm[pos, col][order][::-1], d[pos, col][order][::-1])
        gc = gratings(np.unique(pref), [1 / wl], phases, contrasts, size=image_size, aperture=False)
        rc = model.rates(gc).values - model.baseline_rate  # rows: (orientation, phase, contrast)
        rc = rc.reshape(np.unique(pref).size, n_phases, len(contrasts), -1)
        oi = np.searchsorted(np.unique(pref), pref)
        contrast_resp[:, units] = rc[oi, :, :, units].mean(axis=1).T

    theory = float(np.degrees(2 * np.arcsin(np.sqrt(np.log(2)) / (4 * np.pi * V1_SIGMA_PER_WAVELENGTH))))
    ctype = table.cell_type.values[:n_v1]
    neuroid_coords = {k: ("neuroid", v.values[:n_v1], v.attrs) for k, v in table.coords.items()}
    ds = xr.Dataset(
        {
            "tuning": (("orientation", "neuroid"), tuning, {"units": "Hz", "long_name": "phase-averaged rate above baseline"}),
            "hwhh": (("neuroid",), hwhh, {"units": "deg", "long_name": "orientation half width at half height"}),
            "f1_f0": (("neuroid",), f1f0, {"units": "1", "long_name": "modulation ratio F1/F0 at the preferred orientation"}),
            "contrast_response": (("contrast", "neuroid"), contrast_resp, {"units": "Hz", "long_name": "rate above baseline"}),
        },
        coords={"orientation": ("orientation", ori, {"units": "deg"}), "contrast": ("contrast", list(contrasts)), **neuroid_coords},
        attrs={"hwhh_theory_deg": theory, "f1_f0_theory_simple": 16 / (3 * np.pi)},
    )
    # the Gabor prediction of the normalised tuning, over the offset from the preferred orientation
    offset = ori - ori[n_ori // 2]
    amp2 = np.exp(-16 * np.pi**2 * V1_SIGMA_PER_WAVELENGTH**2 * np.sin(np.deg2rad(offset) / 2) ** 2)
    gabor = xr.DataArray(amp2, dims=("orientation",), coords={"orientation": ("orientation", offset, {"units": "deg"})})
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), layout="constrained")
    cplot.plot_orientation_tuning(ds, ax=axes[0], theory=gabor)
    cplot.plot_phase_sensitivity(ds, ax=axes[1], theory=16 / (3 * np.pi))
    cplot.plot_contrast_response(ds, ax=axes[2])
    summary = {
        "hwhh_median_deg": float(np.nanmedian(hwhh)),
        "hwhh_theory_deg": theory,
        "f1_f0_simple_median": float(np.nanmedian(f1f0[ctype == "simple"])),
        "f1_f0_simple_theory": 16 / (3 * np.pi),
        "f1_f0_complex_max": float(np.nanmax(f1f0[ctype == "complex"])) if (ctype == "complex").any() else float("nan"),
        "c50_simple": float(np.interp(0.5, np.nanmean(contrast_resp[:, ctype == "simple"] / contrast_resp[-1, ctype == "simple"], axis=1), contrasts)),
    }
    rows = [{"quantity": "orientation HWHH [deg]", "simulated": summary["hwhh_median_deg"], "theory": theory},
            {"quantity": "F1/F0 simple", "simulated": summary["f1_f0_simple_median"], "theory": 16 / (3 * np.pi)},
            {"quantity": "F1/F0 complex (max)", "simulated": summary["f1_f0_complex_max"], "theory": 0.0}]
    return ExperimentResult(dataset=ds, figures={"v1_tuning": fig}, summary=summary, table=pd.DataFrame(rows))
