"""neurocomp: computational neuroscience simulations, labelled and reproducible.

Modules are imported on demand (``import neurocomp.hopfield``); importing the
package itself stays cheap so that the command line starts fast.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
