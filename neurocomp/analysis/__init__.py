"""Model-to-brain analysis: cross-validated regression, noise ceilings, RSA and CKA.

Compare a model's units with recorded neuroids the way the literature does:

- :func:`neural_predictivity` -- cross-validated linear mapping (PLS as in
  Brain-Score, Schrimpf et al. 2018, or ridge with a per-neuroid penalty)
  scored by held-out Pearson r (Yamins et al. 2014);
- :func:`noise_ceiling` -- Spearman-Brown corrected split-half consistency,
  and :func:`ceil_score` with the normalisation named explicitly;
- :func:`layer_region_scores` -- every layer against every region, ceiled, with
  bootstrap confidence intervals;
- :func:`rdm`, :func:`compare_rdms`, :func:`rdm_ceiling` -- representational
  similarity analysis (Kriegeskorte et al. 2008); :func:`linear_cka` --
  centred kernel alignment (Kornblith et al. 2019).

Data use Brain-Score's vocabulary: dims ``presentation`` x ``neuroid`` (plus
``repetition``), ``stimulus_id`` on presentation, ``layer`` / ``region`` on
neuroid; data are aligned by ``stimulus_id``, never by position.

References
----------
Yamins, D. L. K. et al. (2014). Performance-optimized hierarchical models predict neural
responses in higher visual cortex. PNAS 111, 8619-8624.
Schrimpf, M. et al. (2018). Brain-Score: which artificial neural network for object
recognition is most brain-like? bioRxiv 407007.
Kriegeskorte, N., Mur, M. & Bandettini, P. (2008). Representational similarity analysis.
Front. Syst. Neurosci. 2, 4.
Kornblith, S. et al. (2019). Similarity of neural network representations revisited. ICML.
"""

import importlib

# Public names -> the module defining them. Loaded on first use (PEP 562), so that
# `neurocomp.cli` can import `neurocomp.analysis.cli` without paying for scikit-learn.
_WHERE = {
    "neural_predictivity": "predictivity",
    "noise_ceiling": "ceiling",
    "ceil_score": "ceiling",
    "spearman_brown": "ceiling",
    "layer_region_scores": "mapping",
    "PLSMapping": "regression",
    "RidgeMapping": "regression",
    "pearson_r": "regression",
    "rdm": "rsa",
    "compare_rdms": "rsa",
    "rdm_ceiling": "rsa",
    "linear_cka": "rsa",
}

__all__ = list(_WHERE)


def __getattr__(name):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"neurocomp.analysis.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'neurocomp.analysis' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
