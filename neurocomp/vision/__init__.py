"""Models of the ventral stream, from pixels to deep networks, all giving layer activations in one format.

Yamins et al. (2014) compared a family of models of the ventral visual stream
and found that the better a model categorises objects, the better it predicts
IT. The lineage runs from Hubel & Wiesel's simple and complex cells through
Fukushima's Neocognitron and HMAX (Riesenhuber & Poggio 1999; Serre et al.
2007) to CNNs trained by backpropagation. This package holds that family:

* :class:`~neurocomp.vision.baselines.Pixels` and
  :class:`~neurocomp.vision.baselines.V1Like` (Pinto et al. 2008);
* :class:`~neurocomp.vision.hmax.HMAX` (layers s1, c1, s2, c2);
* :class:`~neurocomp.vision.neocognitron.Neocognitron` (layers s1 … c3);
* the numpy :class:`~neurocomp.dnn.cnn.CNN` of 2 to 5 blocks, trained or not, and any
  PyTorch model through :func:`~neurocomp.dnn.cnn.torch_activations`.

Each model's ``activations(images, layers=None, stimulus_id=None, batch_size=None)``
returns a (presentation × neuroid) DataArray with ``stimulus_id``, ``layer`` and
``neuroid_id`` coords (built by :func:`neurocomp._layers.layer_activations`), so
:func:`neurocomp.analysis.layer_region_scores` and RSA take any of them.
:func:`get_model` makes one by name.
"""

from neurocomp.vision.baselines import Pixels, V1Like
from neurocomp.vision.hmax import HMAX
from neurocomp.vision.neocognitron import Neocognitron
from neurocomp.vision.registry import MODELS, get_model, model_names

__all__ = ["Pixels", "V1Like", "HMAX", "Neocognitron", "get_model", "model_names", "MODELS"]
