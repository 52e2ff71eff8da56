"""The documentation site builds with warnings as errors, without the network.

Runs Sphinx on ``docs/`` exactly as CI does (``python -m sphinx -W --keep-going -b html docs OUT``):
the API reference is regenerated from every public module, the user guide is checked for
broken references, and every gallery example is executed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytest.importorskip("sphinx", reason="the docs extra is needed: pip install -e '.[docs]'")
pytest.importorskip("numpydoc", reason="the docs extra is needed: pip install -e '.[docs]'")
pytest.importorskip("sphinx_gallery", reason="the docs extra is needed: pip install -e '.[docs]'")

# Both import every module of the package (and the build runs the gallery): a separate CI job,
# `python -m pytest tests/test_docs.py -m slow`.
pytestmark = pytest.mark.slow


def test_docs_build_with_warnings_as_errors(tmp_path):
    out = tmp_path / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html", str(REPO / "docs"), str(out)],
        capture_output=True, text=True, timeout=900, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    assert (out / "index.html").is_file()
    api = {p.stem for p in (out / "api").glob("neurocomp*.html")}
    for module in ("neurocomp.gates", "neurocomp.hopfield", "neurocomp.analysis.regression", "neurocomp.io"):
        assert module in api, f"no API page for {module}"
    examples = list((out / "auto_examples").glob("plot_*.html"))
    assert len(examples) >= 4, examples
    images = list((out / "_images").glob("sphx_glr_plot_*.png"))
    assert len(images) >= 4, "every example drew its figure at build time"


def test_every_public_module_gets_an_api_page():
    """The page list comes from walking the package, so a new module is documented without edits."""
    sys.path.insert(0, str(REPO / "docs"))
    try:
        import conf
    finally:
        sys.path.pop(0)
    modules = conf.public_modules()
    assert "neurocomp.gates" in modules and "neurocomp.boltzmann" in modules
    assert not any("._" in m for m in modules), "private modules stay out of the reference"
    assert conf.intersphinx_mapping == {}, "no network at build time"
