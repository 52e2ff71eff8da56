"""Trust: size limits. No parameter without an upper bound; a run that cannot fit is refused before it starts."""

import json
import subprocess
import sys
import textwrap
import typing
from typing import Annotated

import pytest

from neurocomp.experiments import ExperimentResult, Length, Range, _registry, check_memory, experiment, names
from neurocomp.specs import SpecError, run_spec, spec_from_dict, validate_params


def _leaves(annotation):
    """(base type, metadata) of an annotation and of the element type of a list, through Optional."""
    base, meta = annotation, []
    if typing.get_origin(base) is Annotated:
        base, *meta = typing.get_args(base)
    origin = typing.get_origin(base)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType")):
        for option in typing.get_args(base):
            if option is not type(None):
                yield from _leaves(option if not meta else Annotated[(option, *meta)])
        return
    yield base, meta
    if origin is list:
        (inner,) = typing.get_args(base)
        yield from _leaves(inner if not [m for m in meta if isinstance(m, Range)] else
                           Annotated[(inner, *[m for m in meta if isinstance(m, Range)])])


@pytest.mark.parametrize("name", [n for n in names() if not n.startswith("_")])
def test_every_numeric_parameter_has_an_upper_bound(name):
    func = _registry.get(name)
    hints = typing.get_type_hints(func, include_extras=True)
    for param in _registry.signature_params(func):
        for base, meta in _leaves(hints[param]):
            if base in (int, float):
                ranges = [m for m in meta if isinstance(m, Range)]
                assert ranges and all(r.high is not None for r in ranges), f"{name}.{param} has no upper bound"


@pytest.mark.parametrize("name", [n for n in names() if not n.startswith("_")])
def test_defaults_fit_a_small_machine(name):
    func = _registry.get(name)
    estimate = _registry.estimate_memory(func, validate_params(func, {}))
    assert estimate is None or estimate < 2 * 2**30, f"{name} needs {estimate / 2**30:.1f} GiB at its defaults"


def test_big_array_experiments_have_estimates_that_grow_with_their_sizes():
    cases = {
        "ventral_stream": {"n_v1": 100_000, "n_repetitions": 1000},
        "gratings_v1": {"n_v1": 100_000, "n_phases": 256},
        "brownian_einstein": {"n_walkers": 1_000_000, "n_steps": 100_000},
        "ctrw_subdiffusion": {"n_walkers": 1_000_000, "n_steps": 100_000},
        "levy_walk": {"n_walkers": 1_000_000, "n_steps": 1_000_000},
        "anomalous_exponent": {"n_walkers": 100_000, "n_steps": 100_000},
        "hopfield_capacity": {"n_neurons": 20_000, "n_cues": 10_000},
        "rbm_digits": {"n_hidden": 4096, "ais_chains": 100_000, "ais_betas": 10},
    }
    for name, big in cases.items():
        func = _registry.get(name)
        small = _registry.estimate_memory(func, validate_params(func, {}))
        large = _registry.estimate_memory(func, validate_params(func, big))
        assert large > 100 * small and large > 2**30, name
        with pytest.raises(ValueError, match=rf"experiment '{name}' needs about .* [GT]iB of memory by estimate"):
            check_memory(func, validate_params(func, big), available=2**30)


def test_durations_that_would_run_for_ever_are_refused():
    with pytest.raises(SpecError, match=r"'duration' must lie in \(0, 100000\]; got 1000000000000.0"):
        spec_from_dict({"title": "t", "experiment": "run_and_tumble", "params": {"duration": 1e12}})
    for experiment_name, params in [("run_and_tumble", {"duration": 1e5, "dt": 1e-3}),
                                    ("diffusion_equation", {"duration": 1e6, "dt_cn": 1e-3}),
                                    ("diffusion_equation", {"n_cells": 100_001, "duration": 1e3})]:
        func = _registry.get(experiment_name)
        with pytest.raises(ValueError, match="time steps; at most 1e\\+07"):
            check_memory(func, validate_params(func, params))


def test_trainings_that_would_take_days_are_refused():
    for experiment_name, params in [("backprop_donut", {"n_epochs": 100_000, "n_train": 100_000, "hidden": [256, 256]}),
                                    ("backprop_xor", {"n_epochs": 100_000, "n_seeds": 1000, "hidden": [256] * 8}),
                                    ("rbm_digits", {"ais_chains": 100_000, "ais_betas": 1_000_000}),
                                    ("rbm_digits", {"n_hidden": 4096, "n_epochs": 10_000, "k": 1000})]:
        func = _registry.get(experiment_name)
        with pytest.raises(ValueError, match=r"needs about .* arithmetic operations by estimate"):
            check_memory(func, validate_params(func, params))


@experiment("_trust_probe_memory", memory=lambda *, n: 8.0 * n**2)
def _probe(*, n: Annotated[int, Range(1, 10**9)] = 10, rng=None):
    raise AssertionError("a refused run must not start")


def test_run_spec_refuses_before_starting_and_states_estimate_and_limit(monkeypatch):
    monkeypatch.setattr(_registry, "available_memory", lambda: 4 * 2**30)
    spec = spec_from_dict({"title": "t", "experiment": "_trust_probe_memory", "params": {"n": 100_000}})
    with pytest.raises(ValueError, match=r"needs about 74\.5 GiB of memory by estimate .*only 4\.0 GiB is available"):
        run_spec(spec, seed=1)


def test_available_memory_reads_the_machine():
    available = _registry.available_memory()
    assert available is None or 2**20 < available < 2**50


def test_lists_strings_and_numbers_are_checked_element_by_element():
    @experiment("_trust_probe_lists")
    def probe(*, xs: Annotated[list[float], Range(0, 1), Length(2, 3)] = [0.1, 0.2],  # noqa: B006
              names: list[str] = ["a"], word: Annotated[str, Length(1, 5)] = "ok", rng=None):  # noqa: B006
        return ExperimentResult(dataset=None)

    assert validate_params(probe, {"xs": [0, 1, 0.5]})["xs"] == [0.0, 1.0, 0.5]
    for params, message in [
        ({"xs": [0.5]}, "'xs' must hold 2 to 3 elements; got 1"),
        ({"xs": [0.5, 0.5, 0.5, 0.5]}, "'xs' must hold 2 to 3 elements; got 4"),
        ({"xs": [0.5, float("nan")]}, r"'xs\[1\]' must be a finite number"),
        ({"xs": [0.5, 2]}, r"'xs\[1\]' must lie in \[0, 1\]"),
        ({"names": []}, "'names' must hold 1 to 1000 elements; got 0"),
        ({"names": [1]}, r"'names\[0\]' must be a string"),
        ({"word": ""}, "'word' must have 1 to 5 characters; got 0"),
        ({"word": "toolong"}, "'word' must have 1 to 5 characters; got 7"),
    ]:
        with pytest.raises(SpecError, match=message):
            validate_params(probe, params)
    assert not Range(0, 1).contains(float("nan")) and not Range(None, None).contains(float("inf"))


@pytest.mark.slow
def test_info_on_bit_flipped_files_is_one_line_or_a_description_never_a_traceback_or_hang(tmp_path):
    """40 files with 1-8 random bit flips, described in one subprocess (a crash would not take pytest down)."""
    script = textwrap.dedent(f"""
        import contextlib, io, json, random
        import numpy as np, xarray as xr
        from neurocomp import cli, io as nio
        ds = xr.Dataset({{"v": (("a", "b"), np.arange(200.0).reshape(20, 10), {{"units": "1", "long_name": "v"}})}},
                        attrs=nio.provenance_attrs(seed=1, spec={{"params": {{"n": 1}}}}))
        data = bytearray(nio.save_dataset(ds, {str(tmp_path / "base.nc")!r}).read_bytes())
        rng = random.Random(1)
        outcomes = []
        for i in range(40):
            flipped = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                pos = rng.randrange(len(flipped))
                flipped[pos] ^= 1 << rng.randrange(8)
            path = {str(tmp_path)!r} + f"/flip{{i}}.nc"
            open(path, "wb").write(flipped)
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                rc = cli.main(["info", path])
            outcomes.append([rc, err.getvalue()])
        print(json.dumps(outcomes))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcomes = json.loads(proc.stdout.strip().splitlines()[-1])
    for rc, err in outcomes:
        assert (rc == 0 and err == "") or (rc == 2 and len(err.strip().splitlines()) == 1), err
        assert "Traceback" not in err
    assert sum(rc == 2 for rc, _ in outcomes) >= 10  # most flips are caught, by the HDF5 checksums or structure


def test_every_bundled_spec_passes_its_own_limits():
    """The guards refuse what cannot run, never a spec we ship: each fits in 2 GiB and 1e13 operations."""
    from pathlib import Path

    from neurocomp.cli import bundled_spec_dirs
    from neurocomp.specs import load_spec

    specs = [p for folder in bundled_spec_dirs() for p in sorted(Path(folder).glob("*.toml"))]
    assert specs
    for path in specs:
        spec = load_spec(path)
        estimate = check_memory(_registry.get(spec.experiment), spec.params, available=2 * 2**30)
        assert estimate is None or estimate > 0, path


def test_ventral_stream_trainings_of_days_are_refused():
    func = _registry.get("ventral_stream")
    params = validate_params(func, {"n_train_per_category": 10_000, "n_epochs": 1000})
    with pytest.raises(ValueError, match="this ventral_stream run needs about 2.9e\\+15 arithmetic operations"):
        check_memory(func, params)
