#!/usr/bin/env python
"""Mutation testing of neurocomp's science kernels: does the suite notice a broken kernel?

For each kernel (a function or method in a module) the script enumerates simple mutations of its
source — an arithmetic operator swapped (``+``↔``-``, ``*``↔``/``, ``**``→``*``), a comparison
flipped (``<``↔``<=``, ``>``↔``>=``, ``==``↔``!=``), a numeric constant changed (0→1, 1→2, c→2c),
a unary minus dropped, one term of a sum or difference dropped, a reduction swapped
(``mean``↔``sum``/``median``, ``std``↔``var``, ``sqrt`` dropped) — and applies them ONE AT A TIME to
a scratch copy of the package in a temporary directory (the working tree is never touched). For each
mutant it runs the kernel's fast tests there (``pytest -x``, the slow marker excluded) and records
whether they fail (*killed*), pass (*survived*) or run past the time limit (*timeout*, counted as
killed: a mutant that hangs is noticed). A mutant whose code is never reached by the selected tests
survives too: that is a hole to close, not noise.

Run it when a kernel changes (not part of the default suite)::

    python tools/mutate.py                      # every kernel, 2 worker processes
    python tools/mutate.py --kernel msd --jobs 1 --list
    python tools/mutate.py --kernel ceiling --show-survivors
    python tools/mutate.py --json /tmp/mutants.json

The summary table gives killed / survived / timeout per kernel and the survival rate.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# one BLAS thread per test process (they run in parallel), deterministic hashing, no .pyc in the copies
for _k, _v in (("OMP_NUM_THREADS", "1"), ("OPENBLAS_NUM_THREADS", "1"), ("MKL_NUM_THREADS", "1"),
               ("PYTHONHASHSEED", "0"), ("PYTHONDONTWRITEBYTECODE", "1"), ("MPLBACKEND", "Agg")):
    os.environ.setdefault(_k, _v)


@dataclass(frozen=True)
class Kernel:
    name: str
    module: str  # path relative to the repository root
    functions: tuple[str, ...]  # "func" or "Class.method"
    tests: tuple[str, ...]  # pytest arguments (files, node ids, -k expressions)


#: The science kernels and the fast tests that should notice when one of them is wrong.
KERNELS = (
    Kernel("hopfield-weights", "neurocomp/hopfield/network.py",
           ("hebbian_weights", "storkey_weights", "pseudoinverse_weights", "energy"),
           ("tests/test_hopfield.py",)),
    # hopfield-dynamics spans three modules of the hopfield package (one Kernel per module)
    Kernel("hopfield-dynamics", "neurocomp/hopfield/network.py",
           ("_async_sweep_deterministic", "_async_sweep"),
           ("tests/test_hopfield.py",)),
    Kernel("hopfield-overlap", "neurocomp/hopfield/patterns.py", ("overlap",),
           ("tests/test_hopfield.py",)),
    Kernel("hopfield-theory", "neurocomp/hopfield/analysis.py",
           ("one_step_error", "one_step_error_theory", "ags_retrieval_overlap"),
           ("tests/test_hopfield.py",)),
    Kernel("msd", "neurocomp/diffusion/msd.py",
           ("ensemble_msd", "_corr", "_tamsd_array", "ergodicity_breaking", "streaming_msd"),
           ("tests/test_diffusion_msd.py", "tests/test_diffusion_walks.py")),
    Kernel("msd-fits", "neurocomp/diffusion/fits.py", ("_loglog", "fit_msd"),
           ("tests/test_diffusion_msd.py", "tests/test_diffusion_walks.py")),
    Kernel("walks", "neurocomp/diffusion/walks.py", ("brownian",),
           ("tests/test_diffusion_walks.py",)),
    Kernel("ceiling", "neurocomp/analysis/ceiling.py",
           ("spearman_brown", "ceil_score", "nanmedian", "nanmean", "split_half_consistency",
            "noise_ceiling"),
           ("tests/test_analysis.py",)),
    Kernel("predictivity", "neurocomp/analysis/predictivity.py",
           ("cross_validated_r", "neural_predictivity"),
           ("tests/test_analysis.py",)),
    Kernel("rbm-likelihood", "neurocomp/boltzmann/rbm.py",
           ("RBM._free_energy", "RBM._exact_log_z", "RBM._ais", "RBM.log_partition", "RBM.score_samples",
            "ais_betas"),
           ("tests/test_boltzmann.py", "-k", "rbm or ais or log_likelihood or partition or gaussian")),
    Kernel("rbm-likelihood-helpers", "neurocomp/boltzmann/common.py", ("logsumexp", "_softplus"),
           ("tests/test_boltzmann.py", "-k", "rbm or ais or log_likelihood or partition or gaussian")),
)

# ----------------------------------------------------------------------------------- mutations
_BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
                ast.Pow: ast.Mult, ast.FloorDiv: ast.Div, ast.MatMult: None}
_CMP_SWAPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
              ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_CALL_SWAPS = {"mean": ("sum", "median"), "nanmean": ("nanmedian",), "median": ("mean",),
               "nanmedian": ("nanmean",), "sum": ("mean",), "std": ("var",), "var": ("std",),
               "sqrt": (None,), "log": ("log10",), "exp": (None,), "abs": (None,),
               "min": ("max",), "max": ("min",), "argmin": ("argmax",), "argmax": ("argmin",)}


@dataclass
class Mutant:
    kernel: str
    function: str
    line: int  # 1-based line in the module
    kind: str
    before: str
    after: str
    outcome: str = ""
    seconds: float = 0.0

    def label(self) -> str:
        return f"{self.function}:{self.line} {self.kind}: {self.before}  ->  {self.after}"


def _constant_variants(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    if value == 0:
        return [1]
    if value == 1:
        return [2]
    return [value + 1] if isinstance(value, int) else [value * 2]


def _node_variants(node):
    """Yield (kind, replacement node) for the simple mutations of one AST node."""
    if isinstance(node, ast.BinOp):
        new = _BINOP_SWAPS.get(type(node.op))
        if new is not None:
            yield "operator", ast.BinOp(left=node.left, op=new(), right=node.right)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            yield "drop right term", node.left
            if isinstance(node.op, ast.Add):
                yield "drop left term", node.right
        if isinstance(node.op, (ast.Mult, ast.Div)):
            yield "drop factor", node.left
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        new = _CMP_SWAPS.get(type(node.ops[0]))
        if new is not None:
            yield "comparison", ast.Compare(left=node.left, ops=[new()], comparators=node.comparators)
    elif isinstance(node, ast.Constant):
        for v in _constant_variants(node.value):
            yield "constant", ast.Constant(value=v)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "drop minus", node.operand
    elif isinstance(node, ast.Call):
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
        for new in _CALL_SWAPS.get(name, ()):
            if new is None:
                if len(node.args) == 1 and not node.keywords:
                    yield f"drop {name}", node.args[0]
            else:
                g = copy.deepcopy(node)
                if isinstance(g.func, ast.Attribute):
                    g.func.attr = new
                else:
                    g.func.id = new
                yield f"{name}->{new}", g


def _find_function(tree, dotted):
    parts = dotted.split(".")
    scope = tree.body
    node = None
    for part in parts:
        node = next((n for n in scope if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part), None)
        if node is None:
            raise SystemExit(f"mutate: no {dotted!r}")
        scope = node.body
    return node


def _is_guard(p):
    """``if <bad input>: raise ...`` — input validation, not science (its mutants only change errors)."""
    return isinstance(p, ast.If) and all(isinstance(b, ast.Raise) for b in p.body) and not p.orelse


def _skip(node, parents):
    """Docstrings, default arguments, error messages, input guards and dtype strings are not science."""
    for i, p in enumerate(parents):
        if _is_guard(p) and i + 1 < len(parents) and parents[i + 1] is p.test:
            return True
        if isinstance(p, (ast.Raise, ast.Assert, ast.JoinedStr, ast.arguments, ast.keyword)):
            if isinstance(p, ast.keyword) and p.arg in ("axis", "ddof", "k", "n", "shift", "decimals"):
                return False
            return True
        if isinstance(p, ast.Expr) and isinstance(p.value, ast.Constant):
            return True  # docstring
        if isinstance(p, ast.Subscript) and isinstance(node, ast.Constant) and node.value in (None,):
            return True
    return False


def enumerate_mutants(kernel: Kernel):
    """All mutants of ``kernel``: (Mutant, source text of the mutated module)."""
    path = ROOT / kernel.module
    source = path.read_text()
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln))
    tree = ast.parse(source)
    out = []
    for fname in kernel.functions:
        func = _find_function(tree, fname)
        stack = [(func, ())]
        while stack:
            node, parents = stack.pop()
            for child in ast.iter_child_nodes(node):
                stack.append((child, parents + (node,)))
            if node is func or not hasattr(node, "end_col_offset") or _skip(node, parents + (node,)):
                continue
            for kind, repl in _node_variants(node):
                start = offsets[node.lineno - 1] + node.col_offset
                end = offsets[node.end_lineno - 1] + node.end_col_offset
                before = source[start:end]
                after = ast.unparse(repl)
                if after == before or (kind == "constant" and isinstance(node.value, str)):
                    continue
                if "\n" in before or len(before) > 80:
                    # keep the report readable; the mutated text still goes in whole
                    shown = " ".join(before.split())[:80]
                else:
                    shown = before
                mutated = source[:start] + "(" + after + ")" + source[end:]
                try:
                    ast.parse(mutated)
                except SyntaxError:
                    continue
                out.append((Mutant(kernel.name, fname, node.lineno, kind, shown, after[:80]), mutated))
    out.sort(key=lambda m: (m[0].function, m[0].line, m[0].kind, m[0].after))
    return out


# ------------------------------------------------------------------------------------- running
def _scratch_copy() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="neurocomp-mutant-"))
    shutil.copytree(ROOT / "neurocomp", tmp / "neurocomp", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests", tmp / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "setup.cfg", tmp / "setup.cfg")
    return tmp


_PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-m", "not slow", "-o", "addopts=", "--no-header"]
_FORK = False  # set by main(): run each mutant's tests in a forked child of a pre-imported parent


def _preimport():
    """Import the heavy third-party modules once, so forked children start at once (never neurocomp)."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in ("numpy", "scipy.stats", "scipy.special", "scipy.linalg", "scipy.optimize", "scipy.fft",
                 "scipy.integrate", "pandas", "xarray", "sklearn.linear_model", "sklearn.cross_decomposition",
                 "sklearn.model_selection", "matplotlib.pyplot", "hypothesis", "hypothesis.extra.numpy", "pytest"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _child(workdir, tests):  # pragma: no cover - runs in the forked process
    import pytest

    os.chdir(workdir)
    sys.path.insert(0, str(workdir))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os._exit(int(pytest.main([*_PYTEST_ARGS, *tests])))


def _pytest(workdir: Path, tests, timeout: float) -> tuple[str, float]:
    t0 = time.perf_counter()
    if _FORK:
        import multiprocessing as mp

        proc = mp.get_context("fork").Process(target=_child, args=(str(workdir), list(tests)))
        proc.start()
        proc.join(timeout)
        if proc.is_alive():
            proc.kill()
            proc.join()
            return "timeout", time.perf_counter() - t0
        code = proc.exitcode
    else:
        cmd = [sys.executable, "-m", "pytest", *_PYTEST_ARGS, *tests]
        try:
            code = subprocess.run(cmd, cwd=workdir, env=os.environ, capture_output=True, text=True,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return "timeout", time.perf_counter() - t0
    dt = time.perf_counter() - t0
    if code == 0:
        return "survived", dt
    if code == 1:
        return "killed", dt
    return f"error({code})", dt


def _run_one(args):
    workdir, kernel, mutant, mutated, timeout = args
    target = workdir / kernel.module
    original = target.read_text()
    target.write_text(mutated)
    try:
        outcome, dt = _pytest(workdir, kernel.tests, timeout)
    finally:
        target.write_text(original)
    mutant.outcome, mutant.seconds = outcome, round(dt, 1)
    return mutant


def select(kernel: Kernel, limit: int | None = None, sample: int | None = None):
    """The kernel's mutants, optionally a seeded random sample of them, then the first ``limit``."""
    mutants = enumerate_mutants(kernel)
    if sample is not None and sample < len(mutants):
        import random

        keep = sorted(random.Random(f"{kernel.name}-{sample}").sample(range(len(mutants)), sample))
        mutants = [mutants[i] for i in keep]
    return mutants[:limit]


def run_kernel(kernel: Kernel, jobs: int, limit: int | None, log, sample: int | None = None,
               only=None) -> list[Mutant]:
    mutants = select(kernel, limit, sample)
    if only is not None:  # re-run the survivors of an earlier --json report (matched without line numbers)
        mutants = [(m, src) for m, src in enumerate_mutants(kernel)
                   if (m.kernel, m.function, m.kind, m.before, m.after) in only]
    workdirs = [_scratch_copy() for _ in range(jobs)]
    try:
        base, base_t = _pytest(workdirs[0], kernel.tests, timeout=900)
        if base != "survived":
            raise SystemExit(f"mutate: the unmutated tests of {kernel.name} do not pass ({base})")
        timeout = 3 * base_t + 20
        log(f"{kernel.name}: {len(mutants)} mutants, baseline {base_t:.1f} s, timeout {timeout:.0f} s")
        results = []
        with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
            free = list(workdirs)
            pending = {}
            queue = list(mutants)
            while queue or pending:
                while queue and free:
                    wd = free.pop()
                    m, src = queue.pop(0)
                    pending[pool.submit(_run_one, (wd, kernel, m, src, timeout))] = wd
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    free.append(pending.pop(fut))
                    m = fut.result()
                    results.append(m)
                    if m.outcome != "killed":
                        log(f"  {m.outcome:9s} {m.label()}")
        return results
    finally:
        for wd in workdirs:
            shutil.rmtree(wd, ignore_errors=True)


def run_patch(kernel: Kernel, old: str, new: str, tests=None) -> str:
    """Apply one hand-written mutation (exact text replacement) and report the outcome."""
    if tests:
        kernel = Kernel(kernel.name, kernel.module, kernel.functions, tuple(tests))
    wd = _scratch_copy()
    try:
        src = (ROOT / kernel.module).read_text()
        if src.count(old) != 1:
            raise SystemExit(f"mutate: {old!r} occurs {src.count(old)} times in {kernel.module}")
        m = Mutant(kernel.name, "patch", 0, "patch", old, new)
        return _run_one((wd, kernel, m, src.replace(old, new), 900)).outcome
    finally:
        shutil.rmtree(wd, ignore_errors=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kernel", action="append", help="kernel name (repeatable); default: all")
    p.add_argument("--jobs", type=int, default=2, help="parallel pytest processes (default 2)")
    p.add_argument("--limit", type=int, help="at most this many mutants per kernel")
    p.add_argument("--sample", type=int,
                   help="run a random sample of this many mutants per kernel (seeded: the same sample each time)")
    p.add_argument("--no-fork", dest="fork", action="store_false",
                   help="start a fresh python per mutant (slower) instead of forking a pre-imported parent")
    p.add_argument("--survivors-of", metavar="JSON",
                   help="run only the mutants that survived in this earlier --json report")
    p.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    p.add_argument("--show-survivors", action="store_true", help="print every surviving mutant at the end")
    p.add_argument("--json", help="write every mutant and its outcome to this file")
    p.add_argument("--patch", nargs=2, metavar=("OLD", "NEW"),
                   help="run one hand-written mutation of the (single) --kernel's module instead")
    p.add_argument("--module", help="file to patch (with --patch), instead of the --kernel's module")
    p.add_argument("--tests", help="pytest arguments replacing the kernel's tests, one string (with --patch)")
    a = p.parse_args(argv)
    kernels = [k for k in KERNELS if not a.kernel or k.name in a.kernel]
    if not kernels:
        raise SystemExit(f"mutate: unknown kernel; choose from {[k.name for k in KERNELS]}")
    if a.patch:
        import shlex

        kernel = kernels[0] if a.module is None else Kernel("patch", a.module, (), ())
        outcome = run_patch(kernel, *a.patch, tests=shlex.split(a.tests) if a.tests else None)
        print(outcome)
        return 0 if outcome in ("killed", "timeout") else 1
    if a.list:
        for k in kernels:
            for m, _ in select(k, a.limit, a.sample):
                print(f"{k.name:18s} {m.label()}")
        return 0
    global _FORK
    if a.fork:
        _FORK = True
        _preimport()
    log = lambda s: print(s, flush=True)  # noqa: E731
    all_results, rows = [], []
    t0 = time.perf_counter()
    for k in kernels:
        only = None
        if a.survivors_of:
            only = {(m["kernel"], m["function"], m["kind"], m["before"], m["after"])
                    for m in json.loads(Path(a.survivors_of).read_text()) if m["outcome"] == "survived"}
            if not any(key[0] == k.name for key in only):
                continue
        res = run_kernel(k, a.jobs, a.limit, log, a.sample, only)
        all_results += res
        killed = sum(m.outcome in ("killed", "timeout") for m in res)
        survived = sum(m.outcome == "survived" for m in res)
        other = len(res) - killed - survived
        rows.append((k.name, len(res), killed, survived, other))
    print(f"\n{'kernel':18s} {'mutants':>7s} {'killed':>7s} {'survived':>8s} {'error':>5s} {'survival':>8s}")
    for name, n, killed, survived, other in rows:
        print(f"{name:18s} {n:7d} {killed:7d} {survived:8d} {other:5d} {survived / max(n, 1):8.1%}")
    n = sum(r[1] for r in rows)
    s = sum(r[3] for r in rows)
    print(f"{'all':18s} {n:7d} {sum(r[2] for r in rows):7d} {s:8d} {sum(r[4] for r in rows):5d} "
          f"{s / max(n, 1):8.1%}   ({time.perf_counter() - t0:.0f} s)")
    if a.show_survivors:
        print("\nsurvivors:")
        for m in all_results:
            if m.outcome == "survived":
                print(f"  {m.kernel:18s} {m.label()}")
    if a.json:
        Path(a.json).write_text(json.dumps([asdict(m) for m in all_results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
