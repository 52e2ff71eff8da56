"""Progress: bars and stage lines on a terminal, nothing when piped or with --quiet."""

from __future__ import annotations

import io
import sys

import pytest

from neurocomp import _progress
from neurocomp.cli import main


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _run(monkeypatch, tmp_path, stream, *extra):
    monkeypatch.setattr(sys, "stderr", stream)
    argv = ["run", "backprop_xor", "--out", str(tmp_path / "out"), "--set", "n_seeds=2", "--set", "n_epochs=30", *extra]
    assert main(argv) == 0
    return stream.getvalue()


def test_run_shows_stages_and_epochs_on_a_terminal(monkeypatch, tmp_path):
    text = _run(monkeypatch, tmp_path, FakeTerminal())
    assert "[1/2] running backprop_xor" in text and "[2/2] writing" in text
    assert "MLP training" in text and "epoch" in text


def test_quiet_and_pipes_show_nothing(monkeypatch, tmp_path):
    assert _run(monkeypatch, tmp_path, FakeTerminal(), "--quiet") == ""
    assert _run(monkeypatch, tmp_path / "piped", io.StringIO()) == ""


def test_library_default_hides_epoch_bars_but_not_coarse_ones(monkeypatch):
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    assert _progress.showing() and not _progress.showing(detail=True)
    with _progress.progress_shown(False):
        assert not _progress.showing()


@pytest.mark.parametrize("has_code", [False, True])
def test_first_brian2_compile_is_announced(monkeypatch, tmp_path, has_code):
    from neurocomp.spiking import backend

    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    monkeypatch.setattr(backend, "cache_dir", lambda: tmp_path)
    if has_code:
        (tmp_path / "cython").mkdir()
        (tmp_path / "cython" / "_cython_magic_0.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    with _progress.progress_shown(True), backend.brian2_settings("cython"):
        pass
    announced = "compiling brian2 code (first run only, ~30 s)" in sys.stderr.getvalue()
    assert announced is not has_code
