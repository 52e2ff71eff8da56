"""Every bundled spec's figures pass a hygiene check at a small size.

Each spec runs with the small overrides of ``tests/test_vocabulary.py`` (one list of small
sizes for the whole suite) and every figure it returns is drawn at a low resolution.
Checked on every axes that shows data: both axes labelled (images with hidden ticks
excepted), and no label, title, legend entry or colour-bar label with "[1]" (read as a
citation: dimensionless quantities get no unit), Python syntax (``**``, ``snake_case``
identifiers) or a raw ``True``/``False``. Whether a legend covers data is judged by eye
(see the figures written by ``neurocomp run``), not here.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from test_vocabulary import SMALL, SPECS, SPIKING  # noqa: E402  (one list of small sizes)

#: Departures in figures owned elsewhere, to be fixed there; this list only shrinks.
KNOWN: dict[str, set[str]] = {}

_MATH = re.compile(r"\$[^$]*\$")
_IDENTIFIER = re.compile(r"\b[A-Za-z]+[a-z0-9]*_[A-Za-z0-9_]+\b")


def label_problems(text: str) -> list[str]:
    """What is wrong with one piece of figure text (an empty list when nothing is)."""
    plain = _MATH.sub("", text)
    problems = []
    if "[1]" in plain:
        problems.append("dimensionless unit written [1]")
    if "**" in plain:
        problems.append("Python power operator **")
    ident = _IDENTIFIER.search(plain)
    if ident:
        problems.append(f"Python identifier {ident.group(0)!r}")
    if re.search(r"\b(True|False|None)\b", plain):
        problems.append("raw True/False/None")
    return problems


def _texts(ax):
    yield "xlabel", ax.get_xlabel()
    yield "ylabel", ax.get_ylabel()
    yield "title", ax.get_title()
    legend = ax.get_legend()
    if legend is not None:
        yield "legend title", legend.get_title().get_text()
        for t in legend.get_texts():
            yield "legend entry", t.get_text()


def _shows_data(ax) -> bool:
    return bool(ax.lines or ax.collections or ax.patches or ax.images) and ax.axison


def _is_image_panel(ax) -> bool:
    return bool(ax.images) and not ax.get_xticks().size or (ax.images and not ax.xaxis.get_visible())


def _names_its_ticks(axis) -> bool:
    """Tick labels that are words (a categorical axis: 'stored', 'cue', 'AND' ...) label the axis themselves."""
    labels = [t.get_text() for t in axis.get_ticklabels()]
    return any(re.search(r"[A-Za-z]{2,}", t) for t in labels)


def figure_problems(fig) -> list[str]:
    problems = []
    for i, ax in enumerate(fig.axes):
        where = f"axes {i} ({ax.get_title() or ax.get_label() or 'untitled'})"
        for kind, text in _texts(ax):
            problems += [f"{where} {kind} {text!r}: {p}" for p in label_problems(text)]
        for axis in (ax.xaxis, ax.yaxis):
            ticks = [t.get_text() for t in axis.get_ticklabels(minor=True) + axis.get_ticklabels()]
            odd = [t for t in ticks if "times" in t]  # matplotlib's "3×10⁰" on a log axis spanning < 1 decade
            if odd:
                problems.append(f"{where}: tick labels like {odd[0]!r} (use plain numbers)")
        if ax.get_label() == "<colorbar>":
            continue
        if _shows_data(ax) and not _is_image_panel(ax):
            if (ax.xaxis.get_visible() and len(ax.get_xticks()) and not ax.get_xlabel() and not _shared_label(ax, "x")
                    and not _names_its_ticks(ax.xaxis)):
                problems.append(f"{where}: no x-axis label")
            if (ax.yaxis.get_visible() and len(ax.get_yticks()) and not ax.get_ylabel() and not _shared_label(ax, "y")
                    and not _names_its_ticks(ax.yaxis)):
                problems.append(f"{where}: no y-axis label")
    for text in fig.texts:  # suptitle, supxlabel, fig.text
        problems += [f"figure text {text.get_text()!r}: {p}" for p in label_problems(text.get_text())]
    return problems


def _shared_label(ax, which) -> bool:
    """A label given once for a row/column of panels (shared axis, or fig.supxlabel/supylabel)."""
    fig = ax.figure
    sup = getattr(fig, f"_sup{which}label", None)
    if sup is not None and sup.get_text():
        return True
    group = ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes()
    return any((o.get_xlabel() if which == "x" else o.get_ylabel()) for o in group.get_siblings(ax) if o is not ax)


def _marks(stem):
    marks = []
    if stem in SPIKING:
        marks.append(pytest.mark.spiking)
    if stem not in SMALL:
        marks.append(pytest.mark.slow)
    return marks


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem, marks=_marks(p.stem)) for p in SPECS])
def test_bundled_spec_figures_are_clean(path, tmp_path):
    from neurocomp.specs import load_spec, run_spec

    if path.stem == "locust_auditory_encoding":
        pytest.importorskip("nitime")
    spec = load_spec(path, SMALL.get(path.stem, []))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # this test is about figures; the experiments' tests judge warnings
        result = run_spec(spec)
    if not result.figures and "\n[sweep]" in path.read_text():
        pytest.skip(f"{path.stem}: one point of a sweep draws nothing; its figure comes from the sweep's summary")
    assert result.figures, f"{path.stem} draws no figure"
    found = []
    for name, fig in result.figures.items():
        fig.savefig(tmp_path / f"{name}.png", dpi=30)  # draws every artist (catches errors at draw time)
        found += [f"{name}: {p}" for p in figure_problems(fig)]
        plt.close(fig)
    known = KNOWN.get(path.stem, set())
    unexpected = [p for p in found if not any(k in p for k in known)]
    assert not unexpected, "\n".join(unexpected)


@pytest.mark.parametrize("text, bad", [
    ("load α [1]", True), ("r**2 / ceiling", True), ("mean_squared_error", True), ("converged: False", True),
    ("r² / ceiling", False), ("learning rate", False), (r"$r_{\mathrm{max}}$ (Hz)", False), ("time (ms)", False),
])
def test_label_check_itself(text, bad):
    assert bool(label_problems(text)) is bad
