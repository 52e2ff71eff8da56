"""AnDi-model trajectory generation: neurocomp.diffusion.andi_model vs andi-datasets.

andi-datasets (the AnDi challenge's reference generator, Munoz-Gil et al. 2021) pins numpy <= 1.26.4,
so it runs in its own virtualenv (create it with benchmarks/make_venv_andi.sh) in a subprocess that
times its own generation. Same inputs for both: each of the five models at one exponent, N
trajectories of T points, 1-D. Random trajectories cannot be equal draw by draw; the check is that
the ensemble-MSD exponents (log-log fit over times 10 to T) of the two generators agree within 0.15.
ATTM is reported but not asserted: at T = 1000 its ensemble exponent has not converged to alpha and
depends on the (sigma, gamma) pair, which andi-datasets draws at random (regime 1) while
neurocomp.diffusion.attm fixes gamma = 1.

A generator call takes milliseconds here, so one timing is at the mercy of the scheduler: the sides
take turns, ``repeat`` rounds of (andi-datasets: every model twice in a fresh process; neurocomp: every
model twice), so a burst of load on a shared machine hits both alike, and the fastest run of each
side is reported.

fBm and sbm draw their normals as Box-Muller pairs (float64 modulus, float32 phase) and fBm
cumulates inside its FFT (neurocomp.diffusion.walks._fbm_paths); both are then bound by the draws
(about 4 ns a normal here, against numpy's 9 ns ziggurat) and, for fBm, one complex FFT of length
2n per pair of paths.

    python benchmarks/diffusion_andi.py [n_per_model] [T] [repeat]
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from neurocomp import diffusion as nd

HERE = Path(__file__).resolve().parent
VENV_PY = HERE / ".venv-andi" / "bin" / "python"
CASES = {"attm": 0.5, "ctrw": 0.5, "fbm": 0.5, "lw": 1.5, "sbm": 1.5}
MODEL_INDEX = {"attm": 0, "ctrw": 1, "fbm": 2, "lw": 3, "sbm": 4}  # andi-datasets' avail_models_name order

PEER = r"""
import json, sys, time, numpy as np
from andi_datasets.datasets_theory import datasets_theory
n, T, cases, out, repeat = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4], int(sys.argv[5])
gen = datasets_theory()
assert list(gen.avail_models_name) == ["attm", "ctrw", "fbm", "lw", "sbm"], gen.avail_models_name
res, times = {}, {}
for model, alpha in cases.items():
    idx = gen.avail_models_name.index(model)
    best = float("inf")
    for _ in range(repeat):
        np.random.seed(1)
        t0 = time.perf_counter()
        data = gen.create_dataset(T=T, N_models=n, exponents=[alpha], models=[idx], dimension=1)
        best = min(best, time.perf_counter() - t0)
    times[model] = best
    res[model] = data[:, 2:]
np.savez(out, **res)
print(json.dumps(times))
"""


def _alpha(x, T):
    msd = nd.ensemble_msd(np.asarray(x, dtype=float))
    return float(nd.fit_msd(msd, t_range=(10, T - 1)).alpha)


def main(n=500, T=1000, repeat=5):
    if not VENV_PY.exists():
        sys.exit("For this benchmark the andi virtualenv is needed: bash benchmarks/make_venv_andi.sh")
    peer_times = {m: float("inf") for m in CASES}
    our_times = {m: float("inf") for m in CASES}
    ours = {}
    for model, alpha in CASES.items():
        nd.andi_model(model, 2, 10, alpha=alpha, rng=0)  # warm-up (imports, FFT plans), as the peer's imports
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "andi.npz"
        for _ in range(repeat):
            proc = subprocess.run([str(VENV_PY), "-c", PEER, str(n), str(T), json.dumps(CASES), str(out), "2"],
                                  capture_output=True, text=True)
            if proc.returncode:
                sys.exit(f"andi-datasets run failed:\n{proc.stderr[-3000:]}")
            for model, t in json.loads(proc.stdout.strip().splitlines()[-1]).items():
                peer_times[model] = min(peer_times[model], t)
            for model, alpha in CASES.items():
                for _ in range(2):
                    t0 = time.perf_counter()
                    ours[model] = nd.andi_model(model, n, T - 1, alpha=alpha, rng=1)
                    our_times[model] = min(our_times[model], time.perf_counter() - t0)
        peer = dict(np.load(out))
    print(f"AnDi models, {n} trajectories x {T} points each, 1-D, fastest of {2 * repeat} runs per side, in turns")
    print(f"  {'model':6s} {'alpha':>6s} {'andi-datasets':>14s} {'neurocomp':>10s} {'ratio':>7s}   fitted ensemble alpha (andi / ours)")
    tot_peer = tot_ours = 0.0
    ok = True
    for model, alpha in CASES.items():
        a_peer, a_ours = _alpha(peer[model], T), _alpha(ours[model].values, T)
        tot_peer += peer_times[model]
        tot_ours += our_times[model]
        print(f"  {model:6s} {alpha:6.2f} {peer_times[model]:13.4f}s {our_times[model]:9.4f}s"
              f" {peer_times[model] / our_times[model]:6.1f}x   {a_peer:.3f} / {a_ours:.3f}")
        if model != "attm":
            ok &= abs(a_peer - a_ours) < 0.15
    assert ok, "ensemble exponents disagree by more than 0.15"
    print(f"  total: andi-datasets {tot_peer:.2f} s, neurocomp {tot_ours:.2f} s, speed-up {tot_peer / tot_ours:.1f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
