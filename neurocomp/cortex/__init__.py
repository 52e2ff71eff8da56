"""Simulated visual cortex: stimuli, a V1 → V4 → IT model and its spiking recordings.

Hubel & Wiesel (1962) simple and complex cells, the energy model (Adelson &
Bergen 1985) with divisive normalisation (Heeger 1992), V4 and IT built the
way the Neocognitron (Fukushima 1980) and HMAX (Riesenhuber & Poggio 1999)
build them, and recordings shaped like the ones Yamins et al. (2014)
regressed network layers onto.

Submodules: :mod:`~neurocomp.cortex.stimuli` (gratings, objects on natural
backgrounds), :mod:`~neurocomp.cortex.ventral` (the model, rates in Hz),
:mod:`~neurocomp.cortex.responses` (Poisson spike counts, tuning and
decoding measures), :mod:`~neurocomp.cortex.export` (the flagship's recordings
and activations, written for ``neurocomp regress``).
"""

from neurocomp.cortex.responses import (
    category_decoding,
    expected_reliability,
    fano_factor,
    poisson_recordings,
    position_tolerance,
    receptive_field_diameter,
    split_half_reliability,
    ventral_recordings,
)
from neurocomp.cortex.stimuli import CATEGORIES, boundary_fragments, gratings, natural_backgrounds, object_images, render_objects
from neurocomp.cortex.ventral import REGIONS, VentralStream

__all__ = [
    "CATEGORIES",
    "REGIONS",
    "VentralStream",
    "boundary_fragments",
    "category_decoding",
    "expected_reliability",
    "fano_factor",
    "gratings",
    "natural_backgrounds",
    "object_images",
    "poisson_recordings",
    "position_tolerance",
    "receptive_field_diameter",
    "render_objects",
    "split_half_reliability",
    "ventral_recordings",
]
