"""Entropy and mutual information of discrete data and spike trains, with honest bias handling.

A plug-in entropy, −Σ p̂ log p̂, is biased low when the data are few: unseen
states count as zero, and the bias is about (m − 1)/(2N) nats for m occupied
states and N samples (Miller 1955). This module gives the plug-in and Miller–Madow
estimates, the NSB estimator (Nemenman, Shafee & Bialek 2002) with its posterior
standard deviation, Strong et al.'s (1998) extrapolation in data size, mutual
information with shuffle or extrapolation bias correction, and block-entropy
estimates of the entropy rate of a symbol sequence.

Every estimator returns a labelled 0-d DataArray (float() gives the number) with
``units`` ``"nat"`` (or ``"bit"``), ``method`` and, where the estimator has one,
``sd`` in its attrs.

References
----------
Miller, G. A. (1955). Note on the bias of information estimates. In Information
    Theory in Psychology, 95–100.
Nemenman, I., Shafee, F. & Bialek, W. (2002). Entropy and inference, revisited.
    NIPS 14, 471–478.
Strong, S. P., Koberle, R., de Ruyter van Steveninck, R. R. & Bialek, W. (1998).
    Entropy and information in neural spike trains. Phys. Rev. Lett. 80, 197–200.
Wolpert, D. H. & Wolf, D. R. (1995). Estimating functions of probability
    distributions from a finite set of samples. Phys. Rev. E 52, 6841–6854.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import special

from neurocomp._validation import ValidationError, check_int, check_option
from neurocomp.random import as_generator

__all__ = ["entropy", "counts_from_samples", "word_counts", "mutual_information", "entropy_rate",
           "extrapolated_entropy"]

METHODS = ("plugin", "miller_madow", "nsb")
_LOG2 = np.log(2.0)


def _result(value, *, units, method, long_name="entropy", **attrs):
    scale = 1.0 if units == "nat" else 1.0 / _LOG2
    extra = {k: (v * scale if k in ("sd", "bias") and v is not None else v) for k, v in attrs.items()}
    return xr.DataArray(value * scale, attrs={"units": units, "long_name": long_name, "method": method, **extra})


def _check_counts(counts, n_states=None):
    c = np.asarray(counts)
    if c.ndim != 1 or c.size == 0:
        raise ValidationError(f"counts must be a non-empty 1-D array of counts per state; got shape {c.shape}")
    if c.dtype.kind not in "iuf" or (c.dtype.kind == "f" and (not np.isfinite(c).all() or np.any(c != np.round(c)))):
        raise ValidationError(f"counts must be non-negative integers; got {c.dtype} values such as "
                              f"{c[np.flatnonzero(c != np.round(c))[:3]] if c.dtype.kind == 'f' else c[:3]}")
    if (c < 0).any():
        raise ValidationError(f"counts must be non-negative integers; got {int((c < 0).sum())} negative value(s)")
    c = c.astype(np.int64)
    if c.sum() == 0:
        raise ValidationError("counts must contain at least one observation; got all zeros")
    K = len(c) if n_states is None else check_int("n_states", n_states, 1, 10**15)
    if K < np.count_nonzero(c):
        raise ValidationError(f"n_states={K} is smaller than the {np.count_nonzero(c)} states observed")
    return c, K


def counts_from_samples(samples) -> np.ndarray:
    """Counts of the distinct values in ``samples`` (any hashable array), one per observed state.

    Parameters
    ----------
    samples : array_like of shape (n,) or (n, ...)
        Observations; with more than one dim each row is one symbol (e.g. a word of spikes).

    Returns
    -------
    numpy.ndarray of int
        The count of each distinct value (or row), in sorted order of the values.

    Examples
    --------
    >>> counts_from_samples([3, 1, 3, 3]).tolist()
    [1, 3]
    """
    s = np.asarray(samples)
    if s.size == 0:
        raise ValidationError("samples must not be empty")
    if s.ndim > 1:  # rows are multi-dimensional symbols (e.g. words)
        s = s.reshape(s.shape[0], -1)
        _, counts = np.unique(s, axis=0, return_counts=True)
    else:
        _, counts = np.unique(s, return_counts=True)
    return counts


def _plugin(c):
    n = c[c > 0].astype(float)
    N = n.sum()
    return float(-(n / N * np.log(n / N)).sum())


def _nsb(c, K):
    """NSB mean and posterior SD in nats: a Dirichlet prior mixture flat in the expected entropy."""
    n = c[c > 0].astype(float)
    N = n.sum()
    K0 = K - len(n)  # states never seen
    logb = np.linspace(np.log(1e-8), np.log(1e6), 4000)
    b = np.exp(logb)
    # Evidence P(n|β) and the Jacobian dξ/dβ of the prior-mean entropy ξ(β) = ψ(Kβ+1) − ψ(β+1).
    loglik = (special.gammaln(K * b) - special.gammaln(N + K * b)
              + special.gammaln(n[:, None] + b).sum(0) - len(n) * special.gammaln(b))
    dxi = K * special.polygamma(1, K * b + 1) - special.polygamma(1, b + 1)
    logw = loglik + np.log(np.maximum(dxi, 1e-300)) + logb  # d log β = dβ / β
    w = np.exp(logw - logw.max())
    A = N + K * b
    a = n[:, None] + b  # occupied states
    psiA1 = special.digamma(A + 1)
    mean_b = psiA1 - ((a * special.digamma(a + 1)).sum(0) + K0 * b * special.digamma(b + 1)) / A
    # Second moment of H under Dirichlet(a) (Wolpert & Wolf 1995), zero-count states grouped.
    psiA2 = special.digamma(A + 2)
    trA2 = special.polygamma(1, A + 2)
    f = a * (special.digamma(a + 1) - psiA2)
    f0 = b * (special.digamma(b + 1) - psiA2)
    sum_f = f.sum(0) + K0 * f0
    sum_f2 = (f**2).sum(0) + K0 * f0**2
    sum_a2 = (a**2).sum(0) + K0 * b**2
    cross = (sum_f**2 - sum_f2) - trA2 * (A**2 - sum_a2)
    diag = ((a * (a + 1) * ((special.digamma(a + 2) - psiA2) ** 2 + special.polygamma(1, a + 2) - trA2)).sum(0)
            + K0 * b * (b + 1) * ((special.digamma(b + 2) - psiA2) ** 2 + special.polygamma(1, b + 2) - trA2))
    second_b = (cross + diag) / (A * (A + 1))
    Z = np.trapezoid(w, logb)
    mean = np.trapezoid(w * mean_b, logb) / Z
    second = np.trapezoid(w * second_b, logb) / Z
    return float(mean), float(np.sqrt(max(second - mean**2, 0.0)))


def entropy(counts, *, method: str = "nsb", n_states: int | None = None, units: str = "nat") -> xr.DataArray:
    """Entropy of a discrete distribution from counts per state.

    Parameters
    ----------
    counts : array of non-negative int, shape (n,)
        How often each state was seen (use :func:`counts_from_samples` or
        :func:`word_counts` to make them).
    method : {"nsb", "miller_madow", "plugin"}
        ``"plugin"``: −Σ p̂ log p̂ (biased low); ``"miller_madow"``: plug-in +
        (m − 1)/(2N) for m occupied states; ``"nsb"``: the Bayesian estimate under
        the NSB prior, with its posterior SD in ``attrs["sd"]``.
    n_states : int, optional
        Number of possible states K (default: ``len(counts)``). NSB needs it;
        states never observed count as zeros.
    units : {"nat", "bit"}

    Returns
    -------
    xarray.DataArray
        0-d; ``float()`` gives the estimate.

    Raises
    ------
    ValueError
        Negative or non-integer counts, no observations, ``n_states`` smaller than
        the number of observed states.

    References
    ----------
    Nemenman, I., Shafee, F. & Bialek, W. (2002). NIPS 14, 471–478.

    Examples
    --------
    >>> c = [4, 12, 4, 5, 3, 1, 5, 1, 2, 2, 2, 2, 11, 3, 4, 12, 12, 1, 2]
    >>> round(float(entropy(c, n_states=100)), 3)
    2.806
    >>> round(float(entropy(c, method="plugin")), 3)
    2.635
    """
    check_option("method", method, METHODS)
    check_option("units", units, ["nat", "bit"])
    c, K = _check_counts(counts, n_states)
    N = int(c.sum())
    m = int(np.count_nonzero(c))
    if method == "plugin":
        return _result(_plugin(c), units=units, method=method, n_samples=N)
    if method == "miller_madow":
        return _result(_plugin(c) + (m - 1) / (2 * N), units=units, method=method, n_samples=N)
    if K == 1:
        return _result(0.0, units=units, method=method, sd=0.0, n_samples=N, n_states=1)
    mean, sd = _nsb(c, K)
    return _result(mean, units=units, method=method, sd=sd, n_samples=N, n_states=K)


def word_counts(spikes, word_length: int, *, axis: int = -1) -> np.ndarray:
    """Counts of the binary words of ``word_length`` bins in spike trains (overlapping windows).

    Parameters
    ----------
    spikes : array (..., time) of 0/1
        Binned spike trains (any leading dims: trials, neurons); counts > 1 are refused.
    word_length : int
        Bins per word (the word is read as a binary number).
    axis : int
        The time axis.

    Returns
    -------
    ndarray of int, shape (2**word_length,)
        Count of each word, index = the word as a binary number.

    Examples
    --------
    >>> word_counts([[0, 1, 1, 0]], 2).tolist()
    [0, 1, 1, 1]
    """
    x = np.moveaxis(np.asarray(spikes), axis, -1)
    L = check_int("word_length", word_length, 1, 24)
    if x.shape[-1] < L:
        raise ValidationError(f"word_length={L} is longer than the {x.shape[-1]} time bins")
    if not np.isin(x, (0, 1)).all():
        raise ValidationError("spikes must be binned 0/1 (at most one spike per bin); use a smaller bin width")
    x = x.astype(np.int64).reshape(-1, x.shape[-1])
    codes = np.zeros((x.shape[0], x.shape[1] - L + 1), np.int64)
    for k in range(L):
        codes = (codes << 1) | x[:, k:x.shape[1] - L + 1 + k]
    return np.bincount(codes.ravel(), minlength=2**L)


def extrapolated_entropy(samples, *, fractions=(1.0, 0.9, 0.8, 0.7, 0.6, 0.5), n_repeats: int = 10,
                         units: str = "nat", rng=None) -> xr.DataArray:
    """Strong et al.'s (1998) extrapolation of the plug-in entropy to infinite data.

    The plug-in entropy of random subsets of a fraction f of the samples is fitted by
    H(f) = H∞ + a/(fN) + b/(fN)², and H∞ is returned; ``attrs["sd"]`` is the SD of
    H∞ over refits to half the repeats (a rough error).

    Parameters
    ----------
    samples : array (n,) or (n, d)
        The observations (rows are symbols).
    fractions : sequence of float in (0, 1]
    n_repeats : int
        Random subsets per fraction.
    units : {"nat", "bit"}
    rng : None, int or Generator

    Returns
    -------
    xarray.DataArray
        0-d: the extrapolated entropy H∞ in ``units`` (attrs ``units``, ``long_name``, ``method``, ``sd`` in ``units``,
        ``n_samples``).

    References
    ----------
    .. [1] Strong, S. P., Koberle, R., de Ruyter van Steveninck, R. R. & Bialek, W. (1998).
       Entropy and information in neural spike trains. Phys. Rev. Lett. 80, 197-200.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).integers(0, 50, 400)
    >>> round(float(extrapolated_entropy(x, rng=0)), 1)      # true value log(50) = 3.91
    3.9
    """
    s = np.asarray(samples)
    if s.shape[0] < 10:
        raise ValidationError(f"samples must hold at least 10 observations; got {s.shape[0]}")
    fr = np.asarray(fractions, dtype=float)
    if fr.ndim != 1 or len(fr) < 3 or (fr <= 0).any() or (fr > 1).any():
        raise ValidationError(f"fractions must be at least 3 numbers in (0, 1]; got {list(fractions)}")
    n_repeats = check_int("n_repeats", n_repeats, 2, 10_000)
    g = as_generator(rng)
    N = s.shape[0]
    x, y = [], []
    for f in fr:
        k = max(2, int(round(f * N)))
        for _ in range(n_repeats if f < 1 else 1):
            idx = g.choice(N, k, replace=False)
            x.append(1.0 / k)
            y.append(_plugin(counts_from_samples(s[idx])))
    x, y = np.asarray(x), np.asarray(y)
    coef = np.polyfit(x, y, 2)
    halves = []
    for _ in range(20):
        pick = g.random(len(x)) < 0.5
        if pick.sum() >= 4 and len(np.unique(x[pick])) >= 3:
            halves.append(np.polyfit(x[pick], y[pick], 2)[-1])
    sd = float(np.std(halves, ddof=1)) if len(halves) > 1 else float("nan")
    return _result(float(coef[-1]), units=units, method="strong_extrapolation", sd=sd, n_samples=N)


def mutual_information(stimulus, response, *, method: str = "plugin", correction: str = "shuffle",
                       n_shuffles: int = 20, units: str = "nat", rng=None) -> xr.DataArray:
    """Mutual information between a discrete stimulus and a discrete response, with bias correction.

    I(S; R) = H(R) − Σ_s p(s) H(R | s), each entropy by ``method``.

    Parameters
    ----------
    stimulus : array (n_trials,)
        Stimulus label of each trial.
    response : array (n_trials,) or (n_trials, d)
        Response of each trial (a symbol, e.g. a spike count or a word).
    method : {"plugin", "miller_madow", "nsb"}
        Entropy estimator.
    correction : {"shuffle", "extrapolation", "none"}
        ``"shuffle"``: subtract the mean MI of ``n_shuffles`` stimulus-shuffled data
        sets (the bias an independent pair would show); its SD is ``attrs["sd"]``.
        ``"extrapolation"``: Strong et al.'s (1998) extrapolation in data size, here the
        leading term: a fit of I(N) = I∞ + a/N to the MI of random subsets of 50–100 %
        of the trials (``n_shuffles`` subsets per fraction); ``attrs["bias"]`` is the raw
        minus the extrapolated value.
    n_shuffles : int
    units : {"nat", "bit"}
    rng : None, int or Generator

    Returns
    -------
    xarray.DataArray
        0-d; attrs ``bias`` (the subtracted shuffle mean) and ``sd``.

    References
    ----------
    Panzeri, S., Senatore, R., Montemurro, M. A. & Petersen, R. S. (2007).
        Correcting for the sampling bias problem in spike train information measures.
        J. Neurophysiol. 98, 1064–1072.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.random.default_rng(0)
    >>> s = g.integers(0, 4, 400); r = g.integers(0, 8, 400)          # independent
    >>> bool(abs(float(mutual_information(s, r, rng=0))) < 0.03)
    True
    """
    check_option("method", method, METHODS)
    check_option("correction", correction, ["shuffle", "extrapolation", "none"])
    check_option("units", units, ["nat", "bit"])
    s = np.asarray(stimulus)
    r = np.asarray(response)
    if s.ndim != 1 or r.shape[0] != s.shape[0]:
        raise ValidationError(f"stimulus must be 1-D and response must have one row per trial; got shapes "
                              f"{s.shape} and {r.shape}")
    if s.shape[0] < 2:
        raise ValidationError("need at least two trials")
    r_codes = np.unique(r.reshape(r.shape[0], -1), axis=0, return_inverse=True)[1].ravel()
    K = int(r_codes.max()) + 1
    g = as_generator(rng)

    def mi(labels, codes=r_codes):
        total = float(entropy(np.bincount(codes, minlength=K), method=method, n_states=K))
        cond = 0.0
        for lab in np.unique(labels):
            sel = labels == lab
            cond += sel.mean() * float(entropy(np.bincount(codes[sel], minlength=K), method=method, n_states=K))
        return total - cond

    raw = mi(s)
    if correction == "extrapolation":
        n_shuffles = check_int("n_shuffles", n_shuffles, 2, 100_000)
        n = s.shape[0]
        x, y = [1.0 / n], [raw]
        for f in (0.9, 0.8, 0.7, 0.6, 0.5):
            k = max(2, int(round(f * n)))
            for _ in range(n_shuffles):
                idx = g.choice(n, k, replace=False)
                x.append(1.0 / k)
                y.append(mi(s[idx], r_codes[idx]))
        coef = np.polyfit(x, y, 1)  # a quadratic term is too noisy to fit over a factor of 2 in N
        return _result(float(coef[-1]), units=units, method=method, long_name="mutual information",
                       bias=float(raw - coef[-1]), sd=None)
    if correction == "none":
        return _result(raw, units=units, method=method, long_name="mutual information", bias=0.0, sd=None)
    n_shuffles = check_int("n_shuffles", n_shuffles, 2, 100_000)
    shuffled = np.array([mi(g.permutation(s)) for _ in range(n_shuffles)])
    return _result(raw - shuffled.mean(), units=units, method=method, long_name="mutual information",
                   bias=float(shuffled.mean()), sd=float(shuffled.std(ddof=1)))


def entropy_rate(sequence, *, max_order: int = 6, method: str = "miller_madow", units: str = "nat") -> xr.Dataset:
    """Entropy rate of a symbol sequence from block entropies.

    H_L is the entropy of overlapping blocks of L symbols; the conditional entropies
    h_L = H_L − H_{L−1} fall towards the entropy rate h as L grows (for a Markov
    chain of order k, h_L = h for L > k), while the naive "entropy of the string"
    H_1 counts only symbol frequencies and ignores every dependence.

    Parameters
    ----------
    sequence : array (n,) or str
        The symbols.
    max_order : int
        Longest block.
    method : {"plugin", "miller_madow", "nsb"}
        Entropy estimator of each block distribution.
    units : {"nat", "bit"}

    Returns
    -------
    xarray.Dataset
        ``block_entropy`` H_L and ``conditional_entropy`` h_L over ``order`` L; attrs
        ``rate_extrapolated``: Strong et al.'s (1998) extrapolation of H_L / L to 1/L → 0
        (a line through the longer half of the block lengths).

    References
    ----------
    Cover, T. M. & Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §4.2.
    Strong, S. P. et al. (1998). Phys. Rev. Lett. 80, 197–200.

    Examples
    --------
    >>> out = entropy_rate("ab" * 500, max_order=3, method="plugin", units="bit")
    >>> round(float(out.conditional_entropy[0]), 3)     # by symbol frequency: 1 bit per symbol
    1.0
    >>> bool(abs(out.conditional_entropy[1:]).max() < 1e-3)     # by rate: the next symbol is certain
    True
    """
    seq = np.asarray(list(sequence)) if isinstance(sequence, str) else np.asarray(sequence)
    if seq.ndim != 1:
        raise ValidationError(f"sequence must be 1-D; got shape {seq.shape}")
    max_order = check_int("max_order", max_order, 1, 64)
    if seq.size <= max_order:
        raise ValidationError(f"sequence of {seq.size} symbols is too short for max_order={max_order}")
    check_option("method", method, METHODS)
    _, codes = np.unique(seq, return_inverse=True)
    alphabet = int(codes.max()) + 1
    H = []
    for L in range(1, max_order + 1):
        blocks = np.lib.stride_tricks.sliding_window_view(codes, L)
        c = counts_from_samples(blocks)
        K = alphabet**L if method == "nsb" else None
        H.append(float(entropy(c, method=method, n_states=K if K and K < 10**15 else None)))
    H = np.asarray(H)
    h = np.diff(np.concatenate([[0.0], H]))
    scale = 1.0 if units == "nat" else 1.0 / _LOG2
    order = xr.DataArray(np.arange(1, max_order + 1), dims="order", attrs={"units": "1", "long_name": "block length"})
    # Strong et al.'s extrapolation in word length: H_L / L is linear in 1/L for large L (H_L ≈ h L + const);
    # fit the longest half of the block lengths (at least two) and read h at 1/L = 0.
    if max_order >= 2:
        Ls = np.arange(1, max_order + 1)
        tail = Ls >= max(1, (max_order + 1) // 2)
        rate_extrapolated = float(np.polyfit(1.0 / Ls[tail], H[tail] / Ls[tail], 1)[-1]) if tail.sum() >= 2 else float(h[-1])
    else:
        rate_extrapolated = float(H[0])
    return xr.Dataset(
        {"block_entropy": ("order", H * scale, {"units": units, "long_name": "block entropy H_L"}),
         "conditional_entropy": ("order", h * scale, {"units": units, "long_name": "conditional entropy h_L = H_L - H_(L-1)"})},
        coords={"order": order}, attrs={"method": method, "alphabet_size": alphabet, "n_symbols": int(seq.size),
                                        "rate_extrapolated": rate_extrapolated * scale},
    )
