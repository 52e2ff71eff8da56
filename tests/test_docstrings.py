"""numpydoc's validation over neurocomp's public API (issue 22).

Every public function, class and experiment must have a docstring (GL08), document
each parameter it takes (PR01) and no parameter it does not take (PR02), and a
function must say what it returns (RT01). Objects that do not yet are listed in
``tests/docstring_allowlist.txt`` (``<qualified name> <code>`` per line); that list
only SHRINKS: the test fails on a new problem and also on an entry that is now fixed
(delete its line). Run ``python tests/test_docstrings.py`` to print the current
problems in the allow-list's format.

Examples (numpydoc EX01) are enforced the same way for the public functions and
classes of the science packages (:data:`EXAMPLE_PACKAGES`), against their own
shrinking list ``tests/docstring_examples_allowlist.txt``; ``python
tests/test_docstrings.py --examples`` prints it. The examples themselves run as
doctests (``--doctest-modules`` in setup.cfg). Every built-in experiment must cite
the paper it reproduces in a References section.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import warnings
from pathlib import Path

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

#: numpydoc error codes this test enforces.
CODES = ("GL08", "PR01", "PR02", "RT01")
ALLOWLIST = Path(__file__).with_name("docstring_allowlist.txt")

#: Packages whose public functions and classes (simulations, estimators, analyses, figures)
#: must show an Example (numpydoc EX01), and the tools users script with (files, seeds,
#: sweeps, specs, the command line, the experiment registry). The experiments themselves
#: are not listed: an example would be a whole run (their specs are run by the test suite).
EXAMPLE_PACKAGES = (
    "neurocomp.analysis", "neurocomp.boltzmann", "neurocomp.cli", "neurocomp.control",
    "neurocomp.cortex", "neurocomp.criticality", "neurocomp.diffusion", "neurocomp.dnn",
    "neurocomp.experiments._registry", "neurocomp.gates", "neurocomp.hopfield", "neurocomp.ica",
    "neurocomp.information", "neurocomp.io", "neurocomp.plotting", "neurocomp.random",
    "neurocomp.rl", "neurocomp.rnn", "neurocomp.specs", "neurocomp.spiking", "neurocomp.sweep",
    "neurocomp.vae", "neurocomp.vision",
)
#: Plumbing inside those packages, left out: the CLI and the brian2 set-up.
EXAMPLE_EXEMPT = ("neurocomp.analysis.cli", "neurocomp.spiking.backend", "neurocomp.spiking._units")
EXAMPLES_ALLOWLIST = Path(__file__).with_name("docstring_examples_allowlist.txt")


def public_modules() -> list[str]:
    import neurocomp

    names = ["neurocomp"]
    for info in pkgutil.walk_packages(neurocomp.__path__, "neurocomp."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return names


def public_objects() -> dict[str, object]:
    """Qualified name -> object, for every function and class a public module exports."""
    found: dict[str, object] = {}
    for mod_name in public_modules():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module = importlib.import_module(mod_name)
        except ImportError:  # an optional dependency is missing: its module is not public here
            continue
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n, v in vars(module).items()
                     if not n.startswith("_") and getattr(v, "__module__", None) == mod_name]
        for name in names:
            obj = getattr(module, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            home = getattr(obj, "__module__", "") or ""
            if not home.startswith("neurocomp"):
                continue
            qualified = f"{home}.{obj.__qualname__}"
            if "<" in qualified:  # functions made inside functions
                continue
            found.setdefault(qualified, obj)
    return found


@functools.lru_cache(maxsize=1)
def validation_errors() -> dict[str, tuple[str, ...]]:
    """Qualified name -> numpydoc's error codes, for every public object (validated once per run).

    A docstring numpydoc cannot parse gives ``("PARSE  # <exception>",)``.
    """
    out = {}
    for qualified in sorted(public_objects()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = numpydoc_validate.validate(qualified)
            except Exception as exc:  # noqa: BLE001 - a docstring numpydoc cannot parse is a problem too
                out[qualified] = (f"PARSE  # {type(exc).__name__}",)
                continue
        out[qualified] = tuple(code for code, _message in result["errors"])
    return out


def problems() -> set[str]:
    """``"<qualified name> <code>"`` for every enforced check that fails."""
    out = set()
    for qualified, codes in validation_errors().items():
        for code in codes:
            if code in CODES or code.startswith("PARSE"):
                out.add(f"{qualified} {code}")
    return out


def needs_example(qualified: str) -> bool:
    """Whether the object belongs to a package whose public objects must show an Example."""
    module = qualified.rsplit(".", 1)[0]
    while module and not any(module == p or module.startswith(p + ".") for p in EXAMPLE_PACKAGES):
        module = module.rsplit(".", 1)[0] if "." in module else ""  # a method's owner class
    if not module:
        return False
    return not any(qualified.startswith(m + ".") for m in EXAMPLE_EXEMPT)


def missing_examples() -> set[str]:
    """``"<qualified name> EX01"`` for every object of :data:`EXAMPLE_PACKAGES` without an Examples section."""
    return {f"{q} EX01" for q, codes in validation_errors().items() if "EX01" in codes and needs_example(q)}


def read_allowlist(path: Path = ALLOWLIST) -> set[str]:
    lines = path.read_text().splitlines() if path.exists() else []
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


@pytest.fixture(scope="module")
def current():
    return problems()


def test_no_new_docstring_problems(current):
    new = sorted(p for p in current if p.split("  #")[0] not in read_allowlist())
    assert not new, "public objects whose docstrings fail numpydoc's checks (fix them):\n" + "\n".join(new)


def test_allowlist_only_shrinks(current):
    present = set(public_objects())  # entries of objects not present here (another unit's module) are left alone
    fixed = sorted(p for p in read_allowlist() - {p.split("  #")[0] for p in current} if p.rsplit(" ", 1)[0] in present)
    assert not fixed, ("fixed or gone: delete these lines from tests/docstring_allowlist.txt:\n"
                       + "\n".join(fixed))


def test_no_new_object_without_an_example():
    """Public functions and classes of the science packages show an Example (EX01)."""
    new = sorted(missing_examples() - read_allowlist(EXAMPLES_ALLOWLIST))
    assert not new, ("public objects without an Examples section (add one that runs as a doctest, "
                     "cheap: tiny sizes):\n" + "\n".join(new))


def test_examples_allowlist_only_shrinks():
    present = set(public_objects())
    fixed = sorted(p for p in read_allowlist(EXAMPLES_ALLOWLIST) - missing_examples()
                   if p.rsplit(" ", 1)[0] in present)
    assert not fixed, ("have an Example now or are gone: delete these lines from "
                       "tests/docstring_examples_allowlist.txt:\n" + "\n".join(fixed))


def _built_in(func) -> bool:
    """Whether an experiment function is one of neurocomp's own (a module-level function of
    ``neurocomp.*``), not one a test, a doctest or a plugin registered while the suite runs."""
    import sys

    module = sys.modules.get(func.__module__)
    return func.__module__.startswith("neurocomp.") and module is not None and any(
        inspect.unwrap(v) is func for v in vars(module).values() if callable(v))


#: Built-in experiments that reproduce no published result (name -> why); all others cite one.
NO_PAPER: dict[str, str] = {}


def test_every_experiment_cites_its_paper():
    """Every built-in experiment has a References section naming the paper it reproduces."""
    from numpydoc.docscrape import FunctionDoc

    from neurocomp.experiments import get, names

    missing = []
    for name in names():
        func = inspect.unwrap(get(name))
        if not _built_in(func) or name in NO_PAPER:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            refs = "".join(FunctionDoc(func)["References"]).strip()
        if not refs:
            missing.append(name)
    assert not missing, f"experiments without a References section (cite the paper they reproduce): {missing}"


def test_every_experiment_documents_its_parameters():
    """What spec users read: every registered experiment has a Parameters section."""
    from numpydoc.docscrape import FunctionDoc

    from neurocomp.experiments import get, names

    allowed = read_allowlist()
    missing = []
    for name in names():
        func = inspect.unwrap(get(name))
        if not _built_in(func):
            continue  # a test's, a doctest's or a plugin's own probe experiment, registered while the suite runs
        qualified = f"{func.__module__}.{func.__qualname__}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            documented = FunctionDoc(func)["Parameters"]
        if not documented and f"{qualified} PR01" not in allowed:
            missing.append(qualified)
    assert not missing, f"experiments without a Parameters section: {missing}"


if __name__ == "__main__":  # print the current problems (to seed or check the allow-lists)
    import sys

    for line in sorted(missing_examples() if "--examples" in sys.argv else problems()):
        print(line)
