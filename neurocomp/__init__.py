"""neurocomp: computational neuroscience simulations, labelled and reproducible.

Modules are imported on demand (``import neurocomp.hopfield``); importing the
package itself stays cheap so that the command line starts fast.
``neurocomp.experiment`` (the decorator that registers your own experiment,
see :func:`neurocomp.experiments.experiment`) is loaded on first use.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "experiment"]


def __getattr__(name):
    if name == "experiment":
        from neurocomp.experiments._registry import experiment

        return experiment
    if name.isidentifier() and not name.startswith("_"):
        import importlib

        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    # the public submodules too, so that tab completion offers neurocomp.hopfield before it is imported
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")}
    return sorted(set(globals()) | {"experiment"} | modules)
