"""numpydoc's validation over neurocomp's public API (issue 22).

Every public function, class and experiment must have a docstring (GL08), document
each parameter it takes (PR01) and no parameter it does not take (PR02), and a
function must say what it returns (RT01). Objects that do not yet are listed in
``tests/docstring_allowlist.txt`` (``<qualified name> <code>`` per line); that list
only SHRINKS: the test fails on a new problem and also on an entry that is now fixed
(delete its line). Run ``python tests/test_docstrings.py`` to print the current
problems in the allow-list's format.
"""

from __future__ import annotations

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


def problems() -> set[str]:
    """``"<qualified name> <code>"`` for every enforced check that fails."""
    out = set()
    for qualified in sorted(public_objects()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = numpydoc_validate.validate(qualified)
            except Exception as exc:  # noqa: BLE001 - a docstring numpydoc cannot parse is a problem too
                out.add(f"{qualified} PARSE  # {type(exc).__name__}")
                continue
        for code, _message in result["errors"]:
            if code in CODES:
                out.add(f"{qualified} {code}")
    return out


def read_allowlist() -> set[str]:
    lines = ALLOWLIST.read_text().splitlines() if ALLOWLIST.exists() else []
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


def test_every_experiment_documents_its_parameters():
    """What spec users read: every registered experiment has a Parameters section."""
    from numpydoc.docscrape import FunctionDoc

    from neurocomp.experiments import get, names

    allowed = read_allowlist()
    missing = []
    for name in names():
        func = inspect.unwrap(get(name))
        if not func.__module__.startswith("neurocomp."):
            continue  # a test's or a plugin's own probe experiment, registered while the suite runs
        qualified = f"{func.__module__}.{func.__qualname__}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            documented = FunctionDoc(func)["Parameters"]
        if not documented and f"{qualified} PR01" not in allowed:
            missing.append(qualified)
    assert not missing, f"experiments without a Parameters section: {missing}"


if __name__ == "__main__":  # print the current problems (to seed or check the allow-list)
    for line in sorted(problems()):
        print(line)
