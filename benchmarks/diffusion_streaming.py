"""Peak memory of the streaming ensemble MSD: 10^6 Brownian walkers x 10^3 steps, chunk by chunk.

Holding all positions would take 10^6 x 1001 x 8 B = 8 GB; streaming_msd generates and reduces
chunks of walkers, so the peak stays at a few chunk-sized arrays. Peak memory is measured with
tracemalloc (numpy reports its allocations to it) and the process's max resident set size
(resource.getrusage). The result is checked against Einstein's 2 D t within 5 standard errors.
There is no peer here; the comparison is with the in-memory size.

    python benchmarks/diffusion_streaming.py [n_walkers] [n_steps] [chunk_size]
"""

import resource
import sys
import time
import tracemalloc

import numpy as np

from neurocomp import diffusion as nd


def main(n_walkers=1_000_000, n_steps=1000, chunk_size=10_000):
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    t0 = time.perf_counter()
    ds = nd.streaming_msd("brownian", n_walkers, n_steps, chunk_size=chunk_size, D=0.5, rng=1)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = ds["time"].values
    z = np.abs(ds["msd"].values[1:] - t[1:]) / ds["msd_sem"].values[1:]  # 2 D t with D = 0.5
    print(f"streaming MSD, {n_walkers:,} walkers x {n_steps} steps, chunks of {chunk_size:,}")
    print(f"  time {elapsed:.1f} s; max |MSD - 2Dt| / SE = {z.max():.2f}")
    print(f"  peak traced memory {peak / 2**20:.0f} MiB; max RSS {rss:.0f} MiB (before: {rss0:.0f} MiB)")
    print(f"  in-memory positions would need {n_walkers * (n_steps + 1) * 8 / 2**30:.1f} GiB")
    assert z.max() < 5


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
