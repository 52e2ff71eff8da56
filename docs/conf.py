"""Sphinx configuration for the neurocomp documentation.

Build (no network needed; warnings are errors)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference is generated at build time: one page per public module found
by walking the ``neurocomp`` package (names starting with ``_`` are private), so a
new module appears without editing anything here. The example gallery runs every
``docs/examples/plot_*.py`` script while the docs build.
"""

from __future__ import annotations

import os
import pkgutil
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import neurocomp  # noqa: E402

project = "neurocomp"
author = "the neurocomp authors"
copyright = "neurocomp authors"
release = neurocomp.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# No network at build time: cross-links to numpy, xarray, brian2 ... would need
# intersphinx inventories fetched from the web, so intersphinx stays off.
intersphinx_mapping: dict = {}

templates_path: list = []
exclude_patterns = ["_build", "sg_execution_times.rst", "examples", "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip"]
html_theme = "alabaster"
html_static_path: list = []
html_theme_options = {"description": "computational neuroscience, labelled and reproducible", "page_width": "1100px"}

# ---------------------------------------------------------------- API reference
autodoc_default_options = {
    "members": True,
    "undoc-members": False,
    "show-inheritance": False,
    # document each object once, in the module that defines it (packages re-export)
    "ignore-module-all": True,
}
autodoc_typehints = "none"
autodoc_mock_imports: list = []
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set = set()

suppress_warnings = [
    # sklearn's BaseEstimator docstrings (inherited methods) are not numpydoc-clean
    "autodoc.import_object",
]


def public_modules() -> list[str]:
    """Every importable public module of the package, sorted (``neurocomp`` first)."""
    names = ["neurocomp"]
    for info in pkgutil.walk_packages(neurocomp.__path__, prefix="neurocomp."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        names.append(info.name)
    return sorted(set(names))


def write_api_pages(app) -> None:
    """docs/api/<module>.rst for every public module, and docs/api/index.rst listing them."""
    out = HERE / "api"
    out.mkdir(exist_ok=True)
    modules = public_modules()
    wanted = {f"{m}.rst" for m in modules} | {"index.rst"}
    for stale in out.glob("*.rst"):
        if stale.name not in wanted:
            stale.unlink()
    for module in modules:
        title = f"``{module}``"
        text = f"{title}\n{'=' * len(title)}\n\n.. automodule:: {module}\n"
        _write_if_changed(out / f"{module}.rst", text)
    toc = "\n".join(f"   {m}" for m in modules)
    index = (
        "API reference\n=============\n\n"
        "Generated from the docstrings of every public module (one page each).\n\n"
        f".. toctree::\n   :maxdepth: 1\n\n{toc}\n"
    )
    _write_if_changed(out / "index.rst", index)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- gallery
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    "show_memory": False,
    "image_scrapers": ("matplotlib",),
}
os.environ.setdefault("NEUROCOMP_BRIAN2_TARGET", "numpy")  # no compile wait inside the docs build


def skip_generated_members(app, what, name, obj, skip, options):
    """Skip scikit-learn's metadata-routing setters (``set_fit_request`` ...), made per class by sklearn."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


_SPAN = re.compile(r"(``.+?``|`[^`]+`)")


def escape_bars(app, what, name, obj, options, lines):
    """Read ``|x|`` in a plain-text docstring as an absolute value, not a reST substitution.

    Bars are escaped outside literal spans, doctest lines and literal blocks.
    """
    literal_indent = None
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if literal_indent is not None:
            if stripped and indent <= literal_indent:
                literal_indent = None
            else:
                continue
        if stripped.startswith((">>>", "...")) or "|" not in line:
            if line.rstrip().endswith("::"):
                literal_indent = indent
            continue
        if stripped.startswith(("+", "|")) and stripped.rstrip().endswith(("+", "|")):
            continue  # a grid or line-block table row
        parts = _SPAN.split(line)
        lines[i] = "".join(part if j % 2 else part.replace("|", "\\|") for j, part in enumerate(parts))
        if line.rstrip().endswith("::"):
            literal_indent = indent


def tidy_references(app, what, name, obj, options, lines):
    """One paragraph per reference in a References section written as plain lines.

    Docstrings list references one per line with indented continuation lines; reST reads
    such a block as a malformed definition list. Each entry becomes its own paragraph
    (sections already written as ``.. [1]`` citations are left alone).
    """
    start = None
    for i, line in enumerate(lines):
        if line.strip() == ".. rubric:: References":
            start = i + 1
        elif line.strip() == "References" and i + 1 < len(lines) and set(lines[i + 1].strip()) == {"-"}:
            start = i + 2  # a module docstring's section, not rewritten by numpydoc
        if start is not None:
            break
    if start is None:
        return
    end = start
    while end < len(lines):
        text = lines[end].strip()
        if text == ".." or (text.startswith(".. ") and not text.startswith(".. [")) or (
                end + 1 < len(lines) and text and set(lines[end + 1].strip()) == {"-"}):
            break  # the next directive or section
        end += 1
    body = lines[start:end]
    if any(line.lstrip().startswith(".. [") for line in body):
        return
    indents = {len(line) - len(line.lstrip()) for line in body if line.strip()}
    if len(indents) < 2:
        return  # no hanging continuation lines: an ordinary paragraph
    entries: list[str] = []
    base = min(indents)
    for line in body:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= base or not entries:
            entries.append(line.strip())
        else:
            entries[-1] += " " + line.strip()
    new = [""]
    for entry in entries:
        new += [entry, ""]
    lines[start:end] = new


def setup(app):
    app.connect("builder-inited", write_api_pages)
    app.connect("autodoc-skip-member", skip_generated_members)
    app.connect("autodoc-process-docstring", escape_bars)
    app.connect("autodoc-process-docstring", tidy_references)

