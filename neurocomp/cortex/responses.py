"""Spiking recordings from simulated rates, and the measures used to check them.

Rates of the simulated ventral stream (:mod:`neurocomp.cortex.ventral`;
Hubel & Wiesel 1962, Adelson & Bergen 1985, Heeger 1992, Fukushima 1980,
Riesenhuber & Poggio 1999) become Poisson spike counts in a counting window,
repeated presentations giving trial-to-trial variability: recordings shaped
(repetition × presentation × neuroid) with a ``region`` coord, as in the
datasets Yamins et al. (2014) regressed network layers onto.

For a Poisson count ``N`` with mean ``lambda = r T``: ``Var N = lambda``, so the
Fano factor is 1, and the reliability of the mean over ``n`` repetitions is
``var_s(lambda) / (var_s(lambda) + mean_s(lambda) / n)`` (signal variance over
stimuli against the noise variance of the mean) — the value that split-half
correlation with the Spearman–Brown correction estimates.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._deprecation import renamed_kwargs
from neurocomp._validation import ValidationError, check_array, check_int, check_positive
from neurocomp.random import as_generator

#: Variance of the trial-to-trial gain of the simulated recordings (Goris et al. 2014).
OVERDISPERSION = 0.1

__all__ = [
    "poisson_recordings",
    "ventral_recordings",
    "fano_factor",
    "split_half_reliability",
    "expected_reliability",
    "category_decoding",
    "position_tolerance",
    "receptive_field_diameter",
]


def _check_rates(rates, name="rates") -> xr.DataArray:
    if not isinstance(rates, xr.DataArray) or rates.dims != ("presentation", "neuroid"):
        dims = getattr(rates, "dims", None)
        raise ValidationError(f"{name} must be a DataArray with dims ('presentation', 'neuroid'); got {dims or type(rates).__name__}")
    values = check_array(name, rates.values, ndim=2)
    if (values < 0).any():
        bad = np.argwhere(values < 0)[:3].tolist()
        raise ValidationError(
            f"{name} must be >= 0 Hz; got {int((values < 0).sum())} negative value(s), first at index {bad}"
        )
    return rates


def poisson_recordings(rates: xr.DataArray, *, n_repetitions: int = 10, duration: float = 0.2,
                       overdispersion: float = 0.0, rng=None) -> xr.DataArray:
    """Poisson (or gamma-Poisson) spike counts in a window, returned as rates per repetition.

    With ``overdispersion`` ``s2 > 0`` every trial's rate is multiplied by a gain
    ``G ~ Gamma(1/s2, s2)`` (mean 1, variance ``s2``), independently per trial
    and neuroid: the modulated Poisson model of Goris, Movshon & Simoncelli
    (2014), whose count variance is ``lambda + s2 lambda^2``, i.e. Fano factor
    ``1 + s2 lambda`` -- above 1 and rising with the mean count, as recorded.

    Parameters
    ----------
    rates : DataArray (presentation, neuroid)
        Mean firing rates in Hz (>= 0).
    n_repetitions : int
        Repeated presentations of every stimulus (>= 1; >= 2 for a noise ceiling).
    duration : float
        Counting window in seconds (> 0).
    overdispersion : float
        Variance of the multiplicative gain (>= 0; 0 = Poisson).
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    xarray.DataArray
        Shape (n_repetitions, n_presentations, n_neuroids), dims
        ("repetition", "presentation", "neuroid"), spike count / duration in Hz;
        coords of ``rates`` plus ``repetition``; attrs ``duration`` (s).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> rates = xr.DataArray(np.random.default_rng(0).uniform(5, 50, size=(30, 8)), dims=("presentation", "neuroid"),
    ...                      coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(30)])},
    ...                      attrs={"units": "Hz"})
    >>> rec = poisson_recordings(rates, n_repetitions=20, duration=0.2, rng=0)
    >>> rec.dims, rec.shape
    (('repetition', 'presentation', 'neuroid'), (20, 30, 8))
    >>> round(float(fano_factor(rec).mean()), 1)                           # Poisson: 1
    1.0
    """
    rates = _check_rates(rates)
    n_rep = check_int("n_repetitions", n_repetitions, low=1)
    T = check_positive("duration", duration)
    if not np.isfinite(overdispersion) or overdispersion < 0:
        raise ValidationError(f"overdispersion must be a finite number >= 0; got {overdispersion!r}")
    gen = as_generator(rng)
    lam = rates.values * T
    if overdispersion > 0:
        gain = gen.gamma(1.0 / overdispersion, overdispersion, size=(n_rep,) + lam.shape)
        counts = gen.poisson(lam[None] * gain)
    else:
        counts = gen.poisson(lam[None], size=(n_rep,) + lam.shape)
    out = xr.DataArray(
        counts / T,
        dims=("repetition", "presentation", "neuroid"),
        coords={**{k: v for k, v in rates.coords.items()}, "repetition": np.arange(n_rep)},
        name="response",
        attrs={"units": "Hz", "long_name": "spike count / window", "duration": T, "overdispersion": float(overdispersion)},
    )
    return out


def ventral_recordings(
    images,
    *,
    n_v1: int = 200,
    n_v4: int = 200,
    n_it: int = 200,
    n_repetitions: int = 10,
    duration: float = 0.1,
    overdispersion: float = OVERDISPERSION,
    rng=None,
    return_model: bool = False,
):
    """Simulate recordings of V1, V4 and IT for a set of images.

    Builds a :class:`~neurocomp.cortex.ventral.VentralStream` and draws
    gamma-Poisson responses (``overdispersion``, default 0.1: Fano factor
    1 + 0.1 x mean count, 1.1-1.5 for 1-5 spikes per window; see
    :func:`poisson_recordings`) counted in a 0.1 s window (Yamins et al. 2014
    counted 70-170 ms after image onset). Build and run use independent streams
    spawned from ``rng``.

    Parameters
    ----------
    images : xarray.DataArray or array_like
        Images, dims (presentation, y, x) with grey levels in [0, 1], or an array (n, H, W)
        (see :func:`neurocomp.cortex.ventral.as_images`).
    n_v1, n_v4, n_it : int, default 200
        Neuroids sampled per region.
    n_repetitions : int, default 10
        Repetitions of every image.
    duration : float, default 0.1
        Counting window in s.
    overdispersion : float, default 0.1
        Gamma-Poisson overdispersion s²: count variance λ + s² λ² (0: Poisson).
    rng : None, int, SeedSequence or Generator
        The random stream (model build and responses get independent children).
    return_model : bool, default False
        Also return the :class:`~neurocomp.cortex.ventral.VentralStream`.

    Returns
    -------
    xarray.DataArray
        (repetition, presentation, neuroid) responses in Hz with ``region`` and
        ``stimulus_id`` coords; also the model if ``return_model``.

    References
    ----------
    .. [1] Yamins, D. L. K. et al. (2014). Performance-optimized hierarchical models predict
       neural responses in higher visual cortex. PNAS 111, 8619-8624.

    Examples
    --------
    >>> from neurocomp.cortex import gratings
    >>> rec = ventral_recordings(gratings(size=24), n_v1=4, n_v4=4, n_it=4, n_repetitions=3, rng=0)
    >>> rec.dims, rec.shape, rec.attrs["units"]
    (('repetition', 'presentation', 'neuroid'), (3, 4, 12), 'Hz')
    """
    from neurocomp.cortex.ventral import VentralStream

    gen = as_generator(rng)
    build_rng, run_rng = gen.spawn(2)
    size = np.shape(images)[-1]
    model = VentralStream(n_v1=n_v1, n_v4=n_v4, n_it=n_it, image_size=size, rng=build_rng)
    rec = poisson_recordings(model.rates(images), n_repetitions=n_repetitions, duration=duration,
                             overdispersion=overdispersion, rng=run_rng)
    return (rec, model) if return_model else rec


def _check_recordings(recordings, name="recordings", min_reps=1) -> xr.DataArray:
    if not isinstance(recordings, xr.DataArray) or tuple(recordings.dims) != ("repetition", "presentation", "neuroid"):
        dims = getattr(recordings, "dims", None)
        raise ValidationError(
            f"{name} must be a DataArray with dims ('repetition', 'presentation', 'neuroid'); got {dims or type(recordings).__name__}"
        )
    if recordings.sizes["repetition"] < min_reps:
        raise ValidationError(f"{name} must have at least {min_reps} repetitions; got {recordings.sizes['repetition']}")
    check_array(name, recordings.values)
    return recordings


def fano_factor(recordings: xr.DataArray) -> xr.DataArray:
    """Fano factor of spike counts (variance / mean over repetitions), per presentation and neuroid.

    The trial-to-trial Fano factor: the variance is taken over repeated
    presentations of the same stimulus. (For one spike train cut into
    consecutive counting windows, see
    :func:`neurocomp.spiking.windowed_fano_factor`, named ``fano_factor``
    there before 0.2.)

    Counts are recovered as response × ``duration`` (attr). Entries with a
    zero mean count are NaN.

    Parameters
    ----------
    recordings : xarray.DataArray
        Rates, dims (repetition x presentation x neuroid), at least 2
        repetitions, with ``attrs["duration"]`` (s).

    Returns
    -------
    xarray.DataArray
        Dims (presentation x neuroid), units ``"1"``; ``ddof=1``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> rates = xr.DataArray(np.full((5, 3), 20.0), dims=("presentation", "neuroid"),
    ...                      coords={"stimulus_id": ("presentation", list("abcde"))})
    >>> rec = poisson_recordings(rates, n_repetitions=50, duration=0.5, rng=0)
    >>> fano_factor(rec).dims
    ('presentation', 'neuroid')
    """
    rec = _check_recordings(recordings, min_reps=2)
    T = rec.attrs.get("duration")
    if T is None:
        raise ValidationError("recordings must carry attrs['duration'] (seconds) to recover spike counts")
    counts = rec * T
    mean = counts.mean("repetition")
    var = counts.var("repetition", ddof=1)
    ff = (var / mean).where(mean > 0)
    ff.attrs = {"units": "1", "long_name": "Fano factor"}
    return ff


def split_half_reliability(recordings: xr.DataArray, *, n_splits: int = 10, rng=None) -> xr.DataArray:
    """Spearman–Brown corrected split-half correlation per neuroid, mean over random splits.

    The same estimator as a split-half noise ceiling (see
    :func:`neurocomp.analysis.noise_ceiling` for the Brain-Score definition and
    its medians); here as a self-contained check of the simulator.

    Parameters
    ----------
    recordings : xarray.DataArray
        Responses, dims (repetition, presentation, neuroid), at least 2 repetitions.
    n_splits : int, default 10
        Random splits of the repetitions into two halves.
    rng : None, int, SeedSequence or Generator
        Draws the splits.

    Returns
    -------
    xarray.DataArray
        Shape (n_neuroids,), dim "neuroid".

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> rates = xr.DataArray(np.random.default_rng(0).uniform(5, 50, size=(30, 8)), dims=("presentation", "neuroid"),
    ...                      coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(30)])})
    >>> rec = poisson_recordings(rates, n_repetitions=20, duration=0.2, rng=0)
    >>> round(float(split_half_reliability(rec, rng=0).mean()), 2)
    0.96
    >>> round(float(expected_reliability(rates, n_repetitions=20, duration=0.2).mean()), 2)   # theory
    0.96
    """
    from neurocomp.analysis.ceiling import spearman_brown  # the package's one Spearman-Brown prophecy

    rec = _check_recordings(recordings, min_reps=2)
    n_splits = check_int("n_splits", n_splits, low=1)
    gen = as_generator(rng)
    x = rec.values
    n_rep = x.shape[0]
    rs = []
    for _ in range(n_splits):  # a handful of splits; each split is vectorised over neuroids
        perm = gen.permutation(n_rep)
        a = x[perm[: n_rep // 2]].mean(0)
        b = x[perm[n_rep // 2 : 2 * (n_rep // 2)]].mean(0)
        a = a - a.mean(0)
        b = b - b.mean(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = (a * b).sum(0) / np.sqrt((a * a).sum(0) * (b * b).sum(0))
        rs.append(spearman_brown(r))
    out = np.nanmean(np.array(rs), axis=0) if np.isfinite(rs).any() else np.full(x.shape[2], np.nan)
    return xr.DataArray(
        out, dims=("neuroid",), coords={k: v for k, v in rec.coords.items() if v.dims == ("neuroid",)},
        name="reliability", attrs={"units": "1", "long_name": "split-half reliability (Spearman-Brown)"},
    )


def expected_reliability(rates: xr.DataArray, *, n_repetitions: int, duration: float,
                         overdispersion: float = 0.0) -> xr.DataArray:
    """Reliability of the mean over ``n_repetitions`` (gamma-)Poisson trials, from the true rates.

    ``var_s(lambda) / (var_s(lambda) + mean_s(lambda + s2 lambda^2) / n)`` with
    ``lambda = rate × duration`` and ``s2`` the ``overdispersion`` (variance over
    presentations with ddof=1).

    Parameters
    ----------
    rates : xarray.DataArray
        True rates in Hz, dims (presentation, neuroid).
    n_repetitions : int
        Repetitions averaged.
    duration : float
        Counting window in s.
    overdispersion : float, default 0.0
        Gamma-Poisson overdispersion s² (0: Poisson).

    Returns
    -------
    xarray.DataArray
        Reliability (dimensionless, 0-1) over dim ``neuroid``, with the neuroid coords of
        ``rates``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> rates = xr.DataArray([[10.0], [30.0]], dims=("presentation", "neuroid"),
    ...                      coords={"stimulus_id": ("presentation", ["a", "b"])})
    >>> round(float(expected_reliability(rates, n_repetitions=10, duration=0.1)[0]), 3)
    0.909
    """
    rates = _check_rates(rates)
    n = check_int("n_repetitions", n_repetitions, low=1)
    T = check_positive("duration", duration)
    lam = rates.values * T
    vs = lam.var(axis=0, ddof=1)
    noise = (lam + overdispersion * lam**2).mean(axis=0) / n
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = vs / (vs + noise)
    return xr.DataArray(rel, dims=("neuroid",), coords={k: v for k, v in rates.coords.items() if v.dims == ("neuroid",)},
                        name="reliability", attrs={"units": "1", "long_name": "expected reliability"})


@renamed_kwargs(alpha="penalty")
def category_decoding(responses: xr.DataArray, *, label: str = "object_name", n_splits: int = 5, penalty: float = 1.0,
                      rng=None) -> xr.DataArray:
    """Cross-validated accuracy of a linear classifier reading the category from responses.

    Parameters
    ----------
    responses : DataArray (presentation, neuroid)
        Rates or trial-averaged recordings, with a presentation coord ``label``.
    label : str
        Presentation coord holding the category.
    n_splits : int
        Stratified folds (each category needs at least ``n_splits`` presentations).
    penalty : float
        Ridge penalty of the classifier (features are z-scored on the training
        fold). Named ``alpha`` before 0.2 (still accepted, with a DeprecationWarning).
    rng : None, int, SeedSequence or Generator
        Seeds the shuffled folds.

    Returns
    -------
    xarray.DataArray
        0-d, ``accuracy``: mean held-out accuracy (units ``"1"``; attrs ``chance``
        = 1 / n_categories and ``n_splits``). ``float(...)`` gives the number
        (a bare float before 0.2).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> g = np.random.default_rng(0)
    >>> labels = np.repeat(["a", "b", "c"], 10)
    >>> X = np.repeat(5 * g.normal(size=(3, 8)), 10, axis=0) + g.normal(size=(30, 8))   # separable
    >>> resp = xr.DataArray(X, dims=("presentation", "neuroid"),
    ...                     coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(30)]),
    ...                             "object_name": ("presentation", labels)})
    >>> acc = category_decoding(resp, n_splits=5, rng=0)
    >>> float(acc), round(acc.attrs["chance"], 3)
    (1.0, 0.333)
    """
    from sklearn.linear_model import RidgeClassifier
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if not isinstance(responses, xr.DataArray) or responses.dims != ("presentation", "neuroid"):
        raise ValidationError(f"responses must be a DataArray with dims ('presentation', 'neuroid'); got {getattr(responses, 'dims', type(responses).__name__)}")
    if label not in responses.coords:
        raise ValidationError(f"label must name a presentation coord of responses; got {label!r}, coords are {sorted(responses.coords)}")
    n_splits = check_int("n_splits", n_splits, low=2)
    y = responses[label].values
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < n_splits:
        raise ValidationError(f"every category needs >= n_splits={n_splits} presentations; the smallest has {counts.min()}")
    X = check_array("responses", responses.values, ndim=2)
    seed = int(as_generator(rng).integers(2**31 - 1))
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    acc = []
    for tr, te in cv.split(X, y):
        clf = make_pipeline(StandardScaler(), RidgeClassifier(alpha=penalty)).fit(X[tr], y[tr])
        acc.append((clf.predict(X[te]) == y[te]).mean())
    return xr.DataArray(float(np.mean(acc)), name="accuracy", attrs={
        "units": "1", "long_name": "held-out category decoding accuracy", "chance": 1.0 / counts.size, "n_splits": n_splits})


def position_tolerance(responses_a: xr.DataArray, responses_b: xr.DataArray, *, min_std: float = 1e-6,
                       pair_by: str = "stimulus_id") -> xr.DataArray:
    """Per-neuroid correlation of the response profile over objects between two conditions.

    The same object shown in two conditions (e.g. at two positions) is paired by the
    presentation coordinate ``pair_by`` — never by row position; a neuroid whose
    preference among objects survives the change scores near 1. Neuroids that do not
    respond differentially in both conditions (s.d. below ``min_std``) are NaN.

    Parameters
    ----------
    responses_a, responses_b : DataArray (presentation, neuroid)
        Responses in the two conditions, with the same neuroids.
    min_std : float
        Neuroids whose response s.d. over objects is below this in either condition are NaN.
    pair_by : str
        Presentation coordinate naming the object; both arrays must hold the same unique
        values (by default the ``stimulus_id``, which :meth:`VentralStream.rates` gives the
        same for the i-th image of each condition).

    Returns
    -------
    xarray.DataArray
        Shape (n_neuroids,), dim "neuroid".

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> g = np.random.default_rng(0)
    >>> r = xr.DataArray(g.random((6, 2)), dims=("presentation", "neuroid"),
    ...                  coords={"stimulus_id": ("presentation", list("abcdef"))})
    >>> shuffled = r.isel(presentation=[5, 4, 3, 2, 1, 0])       # same objects, other order
    >>> position_tolerance(r, shuffled).round(6).values.tolist()
    [1.0, 1.0]
    """
    for name, r in (("responses_a", responses_a), ("responses_b", responses_b)):
        if not isinstance(r, xr.DataArray) or r.dims != ("presentation", "neuroid"):
            raise ValidationError(f"{name} must be a DataArray with dims ('presentation', 'neuroid'); got {getattr(r, 'dims', type(r).__name__)}")
        if pair_by not in r.coords or r[pair_by].dims != ("presentation",):
            raise ValidationError(f"{name} must carry a presentation coordinate {pair_by!r} naming each object, so the "
                                  f"two conditions are paired by it (pass pair_by= another coordinate)")
        if len(np.unique(r[pair_by].values)) != r.sizes["presentation"]:
            raise ValidationError(f"{name}'s {pair_by!r} values must be unique to pair the conditions")
    if responses_a.sizes["neuroid"] != responses_b.sizes["neuroid"]:
        raise ValidationError(f"responses_a and responses_b must have the same neuroids; got {responses_a.sizes['neuroid']} "
                              f"and {responses_b.sizes['neuroid']}")
    ids_a, ids_b = responses_a[pair_by].values, responses_b[pair_by].values
    if set(ids_a.tolist()) != set(ids_b.tolist()):
        missing = len(set(ids_a.tolist()) ^ set(ids_b.tolist()))
        raise ValidationError(f"responses_a and responses_b must show the same objects, paired by {pair_by!r}; "
                              f"{missing} value(s) appear in only one of them")
    order = {v: i for i, v in enumerate(ids_b.tolist())}
    b_aligned = responses_b.values[[order[v] for v in ids_a.tolist()]]
    a = responses_a.values - responses_a.values.mean(0)
    b = b_aligned - b_aligned.mean(0)
    sa, sb = a.std(0), b.std(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (a * b).mean(0) / (sa * sb)
    r[(sa < min_std) | (sb < min_std)] = np.nan
    coords = {k: v for k, v in responses_a.coords.items() if v.dims == ("neuroid",)}
    return xr.DataArray(r, dims=("neuroid",), coords=coords, name="tolerance",
                        attrs={"units": "1", "long_name": "response-profile correlation across conditions"})


def receptive_field_diameter(model, *, regions=("V1", "V4"), probe_radius: float = 1.5, step: int = 1) -> xr.DataArray:
    """Receptive-field diameter of every neuroid, mapped with a small bright spot.

    A disk of radius ``probe_radius`` pixels (luminance 0.9 on grey 0.5) is
    flashed at every ``step``-th pixel; the field is the set of positions where
    the rate above baseline exceeds half its maximum over positions, and its
    diameter is that of the disk of equal area, ``2 sqrt(n step^2 / pi)``
    (the classical half-maximum field, e.g. Gattass et al. 1988).

    Parameters
    ----------
    model : VentralStream
    regions : sequence of str
    probe_radius : float
        Spot radius in pixels (> 0).
    step : int
        Grid spacing of the probe positions in pixels (>= 1).

    Returns
    -------
    xarray.DataArray
        Shape (n_neuroids,), pixels; NaN for neuroids the spot does not drive.

    References
    ----------
    .. [1] Gattass, R., Sousa, A. P. B. & Gross, C. G. (1988). Visuotopic organization and
       extent of V3 and V4 of the macaque. J. Neurosci. 8, 1831-1845.

    Examples
    --------
    >>> from neurocomp.cortex import VentralStream
    >>> model = VentralStream(n_v1=4, n_v4=4, n_it=4, image_size=24, rng=0)
    >>> rf = receptive_field_diameter(model, step=2)
    >>> rf.attrs["units"], rf.groupby("region").median().round(1).values.tolist()   # V1, V4: V4's are larger
    ('pixel', [3.6, 16.9])
    """
    probe_radius = check_positive("probe_radius", probe_radius)
    step = check_int("step", step, low=1)
    size = model.image_size
    pos = np.arange(step // 2, size, step, dtype=float)
    cy, cx = np.meshgrid(pos, pos, indexing="ij")
    yy, xx = np.meshgrid(np.arange(size, dtype=float), np.arange(size, dtype=float), indexing="ij")
    d = np.hypot(xx[None] - cx.ravel()[:, None, None], yy[None] - cy.ravel()[:, None, None])
    imgs = 0.5 + 0.4 * np.clip(probe_radius + 0.5 - d, 0.0, 1.0)
    r = model.rates(imgs, regions=list(regions)) - model.baseline_rate
    resp = r.values
    peak = resp.max(axis=0)
    n = (resp > 0.5 * peak[None, :]).sum(axis=0)
    diam = np.where(peak > 1e-3, 2 * np.sqrt(n * step**2 / np.pi), np.nan)
    return xr.DataArray(diam, dims=("neuroid",), coords={k: v for k, v in r.coords.items() if v.dims == ("neuroid",)},
                        name="rf_diameter", attrs={"units": "pixel", "long_name": "half-maximum receptive field diameter"})
