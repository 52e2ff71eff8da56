"""neurocomp.hopfield against neurodynex3's hopfield_network and the `hopfieldnetwork` package.

Same patterns and cues for everyone (N = 1000 and 2500 neurons, P = 50 random patterns,
20 cues with 15 % of their bits flipped); every package stores the patterns (Hebb) and runs
5 asynchronous sweeps; the final overlaps with the cued patterns must agree. Then
synchronous recall against its floor (one batched matrix-matrix product per iteration), and
one large run: N = 10,000, P = 1,000, 100 cues, asynchronous, float32 weights (time and peak
memory, measured in a child process).

neurodynex3 pins brian2 2.5.4 and cannot share neurocomp's environment: it runs in
benchmarks/.venv-neurodynex3 (make it with benchmarks/make_venv_neurodynex3.sh) through a
subprocess that receives the same arrays in an .npz file. Its storage is a Python triple loop
(33 s at N = 1000), so it is timed at N = 1000 only; at N = 2500 its recall runs on weights
handed to it.

All BLAS work runs on one thread (OPENBLAS_NUM_THREADS=1 unless set otherwise).

Run:  python benchmarks/hopfield_vs_peers.py            (add --skip-large to omit N = 10,000)
"""

from __future__ import annotations

import os

# one BLAS thread for everyone: on a shared 2-core machine a multi-threaded BLAS makes the
# timings erratic (a 3-row product took longer than a 20-row one), and the peers loop in Python
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NDX_PYTHON = HERE / ".venv-neurodynex3" / "bin" / "python"
P, N_CUES, FLIP, SWEEPS = 50, 20, 0.15, 5

NDX_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    from neurodynex3.hopfield_network import network
    data = np.load(sys.argv[1])
    xi, cues, sweeps, do_store = data["xi"], data["cues"], int(data["sweeps"]), bool(data["store"])
    n = xi.shape[1]
    np.random.seed(0)
    net = network.HopfieldNetwork(n)
    t_store = float("nan")
    if do_store:
        t0 = time.perf_counter()
        net.store_patterns([p.astype(float) for p in xi])
        t_store = time.perf_counter() - t0
    else:
        net.weights = data["weights"]
    net.set_dynamics_sign_async()
    finals = []
    t0 = time.perf_counter()
    for c in cues:
        net.set_state_from_pattern(c.astype(float))
        net.run(nr_steps=sweeps)
        finals.append(net.state.copy())
    t_recall = time.perf_counter() - t0
    np.save(sys.argv[2], np.array(finals))
    print(json.dumps({"store": t_store, "recall": t_recall}))
    """
)


def best_of(fn, repeat=3):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def paired(fa, fb, repeat=25):
    """Best times of two functions over 25 alternating runs (fair under a fluctuating machine load)."""
    ta, tb = [], []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fa()
        ta.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fb()
        tb.append(time.perf_counter() - t0)
    return min(ta), min(tb), out


def run_neurodynex3(xi, cues, weights, store):
    if not NDX_PYTHON.exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.npz", Path(tmp) / "out.npy"
        np.savez(inp, xi=xi, cues=cues, weights=weights, sweeps=SWEEPS, store=store)
        proc = subprocess.run([str(NDX_PYTHON), "-c", NDX_SCRIPT, str(inp), str(out)], capture_output=True, text=True)
        if proc.returncode != 0:
            print("neurodynex3 failed:", proc.stderr[-2000:])
            return None
        times = json.loads(proc.stdout.strip().splitlines()[-1])
        return times, np.load(out)


def run_hopfieldnetwork(xi, cues):
    import hopfieldnetwork as hn

    np.random.seed(0)  # the package draws its update order from numpy's global state
    n = xi.shape[1]
    t0 = time.perf_counter()
    net = hn.HopfieldNetwork(N=n)
    for p in xi:
        net.train_pattern(p.astype(np.int8))
    t_store = time.perf_counter() - t0
    finals = []
    t0 = time.perf_counter()
    for c in cues:
        net.set_initial_neurons_state(c.astype(np.int8).copy())
        net.update_neurons(SWEEPS, "async")
        finals.append(net.S.copy())
    return {"store": t_store, "recall": time.perf_counter() - t0}, np.array(finals), net.w


def cued_overlap(states, xi):
    return (np.asarray(states, dtype=float) * xi).sum(axis=1) / xi.shape[1]


def compare(n):
    from neurocomp import hopfield as hf

    xi = hf.random_patterns(P, n, rng=n)
    cues = hf.flip_bits(xi[np.arange(N_CUES) % P], FLIP, rng=n + 1)
    target = xi[np.arange(N_CUES) % P]
    print(f"\n=== N = {n}, P = {P}, {N_CUES} cues with {FLIP:.0%} flipped bits, {SWEEPS} async sweeps ===")

    xf = xi.astype(np.float64)
    t_store, t_floor_store, net = paired(lambda: hf.Hopfield(n).store(xi), lambda: xf.T @ xf)
    t_async, res = best_of(lambda: net.recall(cues, dynamics="async", max_sweeps=SWEEPS, rng=7))
    m_nc = cued_overlap(res.state.values, target)

    hn_times, hn_states, hn_w = run_hopfieldnetwork(xi, cues)
    m_hn = cued_overlap(hn_states, target)
    assert np.allclose(hn_w, net.weights_), "hopfieldnetwork's Hebb weights differ from neurocomp's"

    ndx = run_neurodynex3(xi, cues, net.weights_, store=(n <= 1000))
    rows = [("neurocomp", t_store, t_async, m_nc.mean()), ("hopfieldnetwork", hn_times["store"], hn_times["recall"], m_hn.mean())]
    if ndx is not None:
        (ndx_times, ndx_states) = ndx
        m_ndx = cued_overlap(ndx_states, target)
        rows.append(("neurodynex3", ndx_times["store"], ndx_times["recall"], m_ndx.mean()))
        assert np.allclose(m_ndx, m_nc, atol=0.02), "neurodynex3's final overlaps differ"
    assert np.allclose(m_hn, m_nc, atol=0.02), "hopfieldnetwork's final overlaps differ"
    print(f"{'package':16s} {'store [s]':>10s} {'async recall [s]':>17s} {'mean overlap':>13s}")
    for name, ts, tr, m in rows:
        print(f"{name:16s} {ts:10.4f} {tr:17.4f} {m:13.4f}")
    print(f"store: neurocomp / one matrix product (X^T X, {t_floor_store:.4f} s) = {t_store / t_floor_store:.2f}x")
    fastest = min(r[2] for r in rows[1:])
    print(f"async recall: fastest peer / neurocomp = {fastest / t_async:.1f}x")

    # synchronous recall against its floor: one batched (cues x N) @ (N x N) product per iteration
    w = net.weights_
    s = cues.astype(np.float64)
    iters = int(net.recall(cues, dynamics="sync", max_sweeps=SWEEPS).sizes["sweep"] - 1)
    t_sync, t_mm, res_s = paired(
        lambda: net.recall(cues, dynamics="sync", max_sweeps=SWEEPS, rng=7), lambda: [s @ w for _ in range(iters)],
        repeat=25,  # a few ms each: many alternating runs find both sides' unloaded time on a shared machine
    )
    print(f"sync recall: {t_sync:.4f} s for {iters} iterations; floor {t_mm:.4f} s -> {t_sync / t_mm:.2f}x the floor; "
          f"mean overlap {cued_overlap(res_s.state.values, target).mean():.4f}")


def large_child():
    """N = 10,000, P = 1,000, 100 cues, async, float32; prints JSON with times and peak memory."""
    from neurocomp import hopfield as hf

    n, p, n_cues = 10_000, 1_000, 100
    xi = hf.random_patterns(p, n, rng=10)
    cues = hf.flip_bits(xi[:n_cues], FLIP, rng=11)
    t0 = time.perf_counter()
    net = hf.Hopfield(n, dtype="float32").store(xi)
    t_store = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = net.recall(cues, dynamics="async", max_sweeps=20, rng=12)
    t_recall = time.perf_counter() - t0
    m = cued_overlap(res.state.values, xi[:n_cues])
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"store_s": t_store, "recall_s": t_recall, "sweeps": int(res.sizes["sweep"] - 1),
                      "mean_overlap": float(m.mean()), "peak_rss_mib": peak_mib}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--large-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.large_child:
        large_child()
        return
    if not NDX_PYTHON.exists():
        print(f"note: {NDX_PYTHON} missing (run benchmarks/make_venv_neurodynex3.sh); neurodynex3 skipped")
    for n in (1000, 2500):
        compare(n)
    if not args.skip_large:
        proc = subprocess.run([sys.executable, __file__, "--large-child"], capture_output=True, text=True)
        if proc.returncode != 0:
            print("large run failed:", proc.stderr[-2000:])
            return
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"\n=== N = 10,000, P = 1,000, 100 cues, async, float32 weights ===\n"
              f"store {r['store_s']:.2f} s, recall {r['recall_s']:.2f} s ({r['sweeps']} sweeps), "
              f"mean overlap {r['mean_overlap']:.4f}, peak RSS {r['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
