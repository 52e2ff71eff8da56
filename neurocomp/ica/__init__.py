"""Independent component analysis: the cocktail party and the filters of V1.

* :class:`ICA` — natural-gradient infomax (Bell & Sejnowski 1995; Amari et
  al. 1996), extended infomax (Lee, Girolami & Sejnowski 1999) and FastICA
  (Hyvärinen 1999), as a scikit-learn transformer;
  :func:`amari_distance` scores a separation, :func:`match_sources` pairs
  recovered with true sources.
* :class:`Whitening` — PCA or ZCA whitening as a separate, inspectable step.
* :func:`cocktail_party` — speech-like, periodic and noise sources mixed by a
  seeded matrix; :func:`image_patches` — patches of natural photographs.
* :func:`fit_gabor` — a Gabor fitted to each filter, with Ringach's (2002)
  ``nx = σx f`` and ``ny = σy f``; :func:`energy_spread` — how localised a filter is.
"""

from neurocomp.ica._estimator import ICA, ICAConvergenceWarning, Whitening, amari_distance, match_sources
from neurocomp.ica.filters import energy_spread, fit_gabor, gabor
from neurocomp.ica.signals import cocktail_party, image_patches, sample_photos

__all__ = [
    "ICA",
    "ICAConvergenceWarning",
    "Whitening",
    "amari_distance",
    "match_sources",
    "cocktail_party",
    "image_patches",
    "sample_photos",
    "fit_gabor",
    "gabor",
    "energy_spread",
]
