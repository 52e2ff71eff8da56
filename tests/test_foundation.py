"""Shared plumbing: validation messages, rng handling, spec validation."""

from typing import Annotated, Literal

import numpy as np
import pytest

from neurocomp import _validation as v
from neurocomp.experiments import ExperimentResult, Range, experiment
from neurocomp.random import as_generator, spawn
from neurocomp.specs import SpecError, parse_override, spec_from_dict, validate_params


def test_check_option_lists_allowed_values():
    with pytest.raises(ValueError, match="Allowed values are 'ridge' and 'pls', but got 'lasso' instead"):
        v.check_option("method", "lasso", ["ridge", "pls"])
    assert v.check_option("method", "pls", ["ridge", "pls"]) == "pls"


def test_validation_errors_are_value_errors_naming_the_argument():
    with pytest.raises(ValueError, match="tau must be > 0; got -1"):
        v.check_positive("tau", -1)
    with pytest.raises(TypeError, match="n must be an integer"):
        v.check_int("n", 2.5)
    with pytest.raises(ValueError, match=r"x must be finite; got 1 NaN/inf value\(s\), first at index \[\[1\]\]"):
        v.check_array("x", [1.0, np.nan])
    with pytest.raises(ValueError, match=r"x must have shape \(any, 3\); got \(2, 2\)"):
        v.check_array("x", np.zeros((2, 2)), shape=(None, 3))
    with pytest.raises(ValueError, match=r"patterns must be ±1; got values \{0.0, 1.0\} \(for 0/1 data use"):
        v.check_spins("patterns", [[0, 1]])
    with pytest.raises(ValueError, match=r"data must lie in \[0, 1\]; got 1 value\(s\) outside"):
        v.check_probability_array("data", [0.2, 1.5])
    assert issubclass(v.ValidationError, ValueError)


def test_rng_same_seed_same_stream_and_children_independent():
    assert as_generator(3).random() == as_generator(3).random()
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    a, b = spawn(4, 2)
    assert a.random() != b.random()
    a2, _ = spawn(4, 2)
    assert a2.random() == spawn(4, 2)[0].random()
    with pytest.raises(TypeError, match="rng must be None, an int"):
        as_generator("seed")


@experiment("_foundation_probe")
def _probe(
    *,
    n: Annotated[int, Range(1, 10)] = 2,
    rate: Annotated[float, Range(0, None, low_open=True)] = 1.0,
    loads: Annotated[list[float], Range(0, 1)] = [0.1],  # noqa: B006
    mode: Literal["a", "b"] = "a",
    maybe: float | None = None,
    rng=None,
):
    return ExperimentResult(dataset=None)


def test_validate_params_types_ranges_defaults():
    out = validate_params(_probe, {"n": 3, "rate": 2, "loads": [0.2, 1]})
    assert out == {"n": 3, "rate": 2.0, "loads": [0.2, 1.0], "mode": "a", "maybe": None}
    assert isinstance(out["rate"], float)
    for params, message in [
        ({"n": 11}, r"'n' must lie in \[1, 10\]; got 11"),
        ({"rate": 0}, r"'rate' must lie in \(0, inf\); got 0"),
        ({"loads": [0.5, 2.0]}, r"'loads\[1\]' must lie in \[0, 1\]"),
        ({"mode": "c"}, "'mode' must be one of 'a', 'b'; got 'c'"),
        ({"n": True}, "'n' must be an integer"),
        ({"loads": 0.5}, "'loads' must be a list of a number"),
        ({"maybe": "x"}, "'maybe' must be a number or none"),
        ({"nn": 1}, r"unknown parameter\(s\) \['nn'\].*allowed keys are \['loads', 'maybe', 'mode', 'n', 'rate'\]"),
    ]:
        with pytest.raises(SpecError, match=message):
            validate_params(_probe, params)


def test_spec_overrides_and_seed():
    spec = spec_from_dict(
        {"title": "t", "experiment": "_foundation_probe", "seed": 3, "params": {"n": 4}},
        overrides=["n=5", "params.mode='b'", "seed=8"],
    )
    assert spec.params["n"] == 5 and spec.params["mode"] == "b" and spec.seed == 8
    assert parse_override("label=hello world") == ("label", "hello world")
    with pytest.raises(SpecError, match="--set must be KEY=VALUE"):
        parse_override("novalue")
    with pytest.raises(SpecError, match="'seed' must be a non-negative integer"):
        spec_from_dict({"title": "t", "experiment": "_foundation_probe", "seed": -1})
    with pytest.raises(SpecError, match="'title' must be a non-empty string"):
        spec_from_dict({"experiment": "_foundation_probe"})


def test_write_result_writes_extra_data_with_provenance(tmp_path):
    import xarray as xr

    from neurocomp.io import load_dataset
    from neurocomp.specs import run_spec, write_result

    @experiment("_foundation_extra")
    def _with_extra(*, n: Annotated[int, Range(1, 10)] = 3, rng=None):
        draws = np.random.default_rng(rng).random(n)
        return ExperimentResult(
            dataset=xr.Dataset({"mean": ((), draws.mean())}),
            extra={"draws": xr.DataArray(draws, dims="trial", name="draws")},
        )

    spec = spec_from_dict({"title": "t", "experiment": "_foundation_extra", "seed": 4})
    written = write_result(run_spec(spec), tmp_path, spec)
    assert {p.name for p in written} == {"results.nc", "draws.nc", "summary.json"}
    results, draws = load_dataset(tmp_path / "results.nc"), load_dataset(tmp_path / "draws.nc")
    assert draws.attrs["seed"] == 4 and draws.attrs["spec"] == results.attrs["spec"]
    assert float(draws["draws"].mean()) == float(results["mean"])
