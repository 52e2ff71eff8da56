"""neurocomp.spiking.simulate_lif vs the same network written directly in brian2.

10,000 LIF neurons (tau_m = 10 ms, t_ref = 2 ms, threshold 20 mV above rest)
each driven by a PoissonInput of 1,000 sources at 10 Hz with 0.2 mV jumps, for
1 s of biological time at dt = 0.1 ms, on the same code-generation target and
with the same brian2 seed (the one neurocomp derives from its rng), in one process. Prints wall times (build + run +
collecting the spikes; neurocomp also builds its labelled Dataset), the ratio,
and checks that the two produce the same spikes (or, where the targets draw
random numbers differently, statistically equal rates).

    python benchmarks/spiking_overhead.py --target numpy
    python benchmarks/spiking_overhead.py --target cython --cold --repeat 2
    python benchmarks/spiking_overhead.py --target standalone --cold --repeat 2

``--cold`` points the compiled-code caches at a fresh temporary folder first,
so the first repetition includes every compile and later ones reuse the cache.
For ``--target standalone`` each line also says how many compiled files
(object files and the program) each side rebuilt, and how long each side spent outside its
compiled program (building the network in Python, code generation, reading the results, and
for neurocomp its labelled Dataset): the two programs are the same C++ code, so this is the
part that differs, and it is steadier than the totals on a loaded machine; the rebuilt-files count
tells a warm run from a recompile whatever the load. brian2's cpp_standalone code templates are compiled,
and the C++ code of the same network generated (not compiled) in a scratch folder, untimed before the
first repetition: once-per-process costs (0.3-0.4 s and 0.6-0.9 s) that both sides share and that the
side timed first used to pay alone. Repeated inside one process, the
direct brian2 side recompiles on the cython and standalone targets: brian2
names PoissonInput's binomial function ``poissoninput_binomial*``, and its
caches keep earlier ones alive, so every repetition generates new code. Its
warm time is the one from a fresh process (``--repeat 1`` after any earlier
run), where both sides rebuild 0 files.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

N_NEURONS = 10_000
DURATION = 1.0
DT = 1e-4
N_SOURCES, RATE_IN, WEIGHT = 1000, 10.0, 0.2e-3
SEED = 12345


def run_brian2(target: str, n: int, duration: float, cache: str, workdir: str, seed: int):
    """The network written directly in brian2 (what a user would write by hand)."""
    import brian2 as b2

    prefs_saved = (b2.prefs["codegen.target"], b2.prefs["codegen.runtime.cython.cache_dir"])
    standalone = target == "standalone"
    if standalone:
        b2.set_device("cpp_standalone", directory=workdir, build_on_run=True)
    else:
        b2.prefs["codegen.target"] = target
        b2.prefs["codegen.runtime.cython.cache_dir"] = os.path.join(cache, "brian2-direct")
    try:
        b2.seed(seed)
        eqs = "dv/dt = (v_rest - v + R_m * I) / tau_m : volt (unless refractory)\nI : amp"
        group = b2.NeuronGroup(n, eqs, threshold="v > v_threshold", reset="v = v_reset", refractory=2 * b2.ms,
                               method="exact", dt=DT * b2.second)
        group.v = -70 * b2.mV
        pin = b2.PoissonInput(group, "v", N_SOURCES, RATE_IN * b2.Hz, weight=WEIGHT * b2.volt)
        mon = b2.SpikeMonitor(group)
        net = b2.Network(group, pin, mon)
        net.run(duration * b2.second, namespace={
            "tau_m": 10 * b2.ms, "v_rest": -70 * b2.mV, "v_reset": -70 * b2.mV, "v_threshold": -50 * b2.mV,
            "R_m": 100 * b2.Mohm,
        })
        return np.asarray(mon.t_).copy(), np.asarray(mon.i).copy()
    finally:
        if standalone:
            b2.device.reinit()
            b2.set_device("runtime")
        b2.prefs["codegen.target"], b2.prefs["codegen.runtime.cython.cache_dir"] = prefs_saved


_PROGRAM_SECONDS = []


def time_standalone_program():
    """Record the wall time of each run of a compiled standalone program (brian2's device.run)."""
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    original = CPPStandaloneDevice.run

    def run(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            _PROGRAM_SECONDS.append(time.perf_counter() - t0)

    CPPStandaloneDevice.run = run


def compiled_files(folder: str) -> dict:
    """{path: mtime} of the object files and programs under a standalone project folder."""
    found = {}
    for root, _, files in os.walk(folder):
        for f in files:
            if f.endswith(".o") or f == "main":
                path = os.path.join(root, f)
                found[path] = os.stat(path).st_mtime_ns
    return found


def rebuilt(before: dict, after: dict) -> int:
    return sum(1 for path, mtime in after.items() if before.get(path) != mtime)


def load_standalone_templates():
    """Compile brian2's cpp_standalone code templates (jinja) once, untimed.

    brian2 compiles each template on first use in a process (0.3-0.4 s for the ones this network
    needs); both sides share them, so whichever side ran first used to pay it alone.
    """
    from brian2.devices.cpp_standalone.codeobject import CPPStandaloneCodeObject

    templater = CPPStandaloneCodeObject.templater
    for name in templater.env.list_templates():
        getattr(templater, name[:-len(templater.extension)] if name.endswith(templater.extension) else name)


def warm_standalone_codegen(n: int):
    """Generate (not compile) the C++ code of the same network once, untimed, in a scratch folder.

    brian2 caches the translation of equations and statements per process; the first standalone
    network of a process paid 0.6-0.9 s for it, whichever side ran first (measured by swapping the
    order). The scratch objects are collected afterwards, so the timed runs keep their names and
    their compiled projects (the 'rebuilt files' count checks it).
    """
    import gc

    import brian2 as b2

    with tempfile.TemporaryDirectory() as scratch:
        b2.set_device("cpp_standalone", directory=scratch, build_on_run=False)
        try:
            eqs = "dv/dt = (v_rest - v + R_m * I) / tau_m : volt (unless refractory)\nI : amp"
            group = b2.NeuronGroup(n, eqs, threshold="v > v_threshold", reset="v = v_reset", refractory=2 * b2.ms,
                                   method="exact", dt=DT * b2.second, name="warmup_group")
            pin = b2.PoissonInput(group, "v", N_SOURCES, RATE_IN * b2.Hz, weight=WEIGHT * b2.volt)
            mon = b2.SpikeMonitor(group, name="warmup_spikes")
            net = b2.Network(group, pin, mon, name="warmup_network")
            net.run(DT * 10 * b2.second, namespace={
                "tau_m": 10 * b2.ms, "v_rest": -70 * b2.mV, "v_reset": -70 * b2.mV, "v_threshold": -50 * b2.mV,
                "R_m": 100 * b2.Mohm,
            })
            b2.device.build(directory=scratch, compile=False, run=False, with_output=False)
        finally:
            b2.device.reinit()
            b2.set_device("runtime")
    del group, pin, mon, net
    gc.collect()


def run_neurocomp(target: str, n: int, duration: float):
    from neurocomp.spiking import simulate_lif

    ds = simulate_lif(n, duration=duration, dt=DT, poisson_rate=RATE_IN, poisson_n=N_SOURCES,
                      poisson_weight=WEIGHT, target=target, rng=SEED)
    return ds["spike_time"].values, ds["spike_neuron"].values, ds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["numpy", "cython", "standalone"], default="numpy")
    parser.add_argument("--n", type=int, default=N_NEURONS)
    parser.add_argument("--duration", type=float, default=DURATION)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="start from empty compiled-code caches")
    args = parser.parse_args(argv)

    cache = tempfile.mkdtemp(prefix="nc-bench-") if args.cold else os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "neurocomp")
    os.environ["NEUROCOMP_CACHE_DIR"] = cache
    direct_dir = os.path.join(cache, "standalone-direct")
    import brian2
    from brian2 import __version__ as b2_version

    print(f"brian2 {b2_version}, target {args.target}, {args.n} LIF neurons, {args.duration:g} s at dt = {DT * 1e3:g} ms, "
          f"PoissonInput {N_SOURCES} x {RATE_IN:g} Hz; cache {cache}{' (cold)' if args.cold else ''}")
    # one-time process costs (imports, sympy caches) paid untimed by a tiny numpy-target run of both
    run_neurocomp("numpy", 10, 0.02)
    run_brian2("numpy", 10, 0.02, cache, direct_dir, SEED)
    if args.target == "standalone":
        load_standalone_templates()
        warm_standalone_codegen(args.n)
        time_standalone_program()
    best_nc = best_b2 = np.inf
    for rep in range(args.repeat):
        # alternate the order so that drifting machine load does not favour one side
        order = ("nc", "b2") if rep % 2 == 0 else ("b2", "nc")
        for who in order:
            folder = os.path.join(cache, "brian2", "standalone") if who == "nc" else direct_dir
            before = compiled_files(folder)
            t0 = time.perf_counter()
            if who == "nc":
                t_nc, i_nc, ds = run_neurocomp(args.target, args.n, args.duration)
                nc_s = time.perf_counter() - t0
                nc_prog = _PROGRAM_SECONDS[-1] if args.target == "standalone" else float("nan")
            else:
                from neurocomp.random import derive_seed

                t_b2, i_b2 = run_brian2(args.target, args.n, args.duration, cache, direct_dir, derive_seed(SEED))
                b2_s = time.perf_counter() - t0
                b2_prog = _PROGRAM_SECONDS[-1] if args.target == "standalone" else float("nan")
            if who == "nc":
                nc_built = rebuilt(before, compiled_files(folder))
            else:
                b2_built = rebuilt(before, compiled_files(folder))
        if not (args.cold and rep == 0):
            best_nc, best_b2 = min(best_nc, nc_s), min(best_b2, b2_s)
        same = t_nc.size == t_b2.size and np.array_equal(np.lexsort((i_nc, t_nc)), np.lexsort((i_b2, t_b2))) \
            and np.array_equal(np.sort(t_nc), np.sort(t_b2))
        rate_nc = t_nc.size / (args.n * args.duration)
        rate_b2 = t_b2.size / (args.n * args.duration)
        # population rates agree within sampling error (counts across neurons ~ Poisson-like)
        z = (t_nc.size - t_b2.size) / np.sqrt(t_nc.size + t_b2.size)
        agree = same or abs(z) < 4
        label = "cold" if (args.cold and rep == 0) else "warm"
        built = (f" | rebuilt files {nc_built} / {b2_built} | outside the compiled program "
                 f"{nc_s - nc_prog:.2f} / {b2_s - b2_prog:.2f} s") if args.target == "standalone" else ""
        print(f"[{rep + 1}/{args.repeat} {label}] neurocomp {nc_s:7.2f} s | brian2 direct {b2_s:7.2f} s | "
              f"ratio {nc_s / b2_s:5.2f} | rates {rate_nc:.3f} / {rate_b2:.3f} Hz | "
              f"{'identical spikes' if same else f'z = {z:+.2f}'}{built}", flush=True)
        if not agree:
            raise SystemExit("outputs disagree")
    if np.isfinite(best_nc):
        print(f"best warm: neurocomp {best_nc:.2f} s, brian2 direct {best_b2:.2f} s, ratio {best_nc / best_b2:.2f}")
    del brian2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
