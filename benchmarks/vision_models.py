"""HMAX and the V1-like model, vectorised (neurocomp.vision) vs the obvious per-image, per-filter way.

The obvious way (how the models are usually first written): for every image and
every filter, ``scipy.signal.convolve2d(image, filter, mode="same")``; the S1
norms, V1-like normalisation and pooling also by ``convolve2d`` per image and
filter; C1 as a MAX over each pooling window in turn; C2 per image, prototype and
band. neurocomp's way: one batched FFT correlation of many images with the whole
bank, summed-area tables for box sums, strided window views for pooling and one
matrix product per band for S2 (:mod:`neurocomp.vision`).

Both compute C1 and C2 of HMAX (Serre et al. 2007's 16 S1 sizes, 4 orientations,
8 bands; 64 prototypes of sides 2 and 4) and the pooled V1-like features (16
orientations x 4 wavelengths) of the same 64 x 64 images in float64, in the same
run. Printed: time per 1,000 images (neurocomp: best of 3 runs on all images;
reference: one run on ``--n-reference`` images, scaled), the ratio, the largest
absolute difference of the outputs and the peak memory of each side (tracemalloc:
numpy's allocations).

Run: python benchmarks/vision_models.py [--n-images 1000] [--n-reference 100]
"""

import argparse
import time
import tracemalloc

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import convolve2d

from neurocomp.cortex import object_images
from neurocomp.vision import HMAX, V1Like
from neurocomp.vision.hmax import C1_TABLE, NORM_FLOOR, S1_TABLE, s1_filters

REPEATS = 3


def hmax_reference(images, model):
    """C1 (bands concatenated) and C2 of each image, one image, filter and window at a time."""
    bank = s1_filters(model.n_bands, model.n_orientations, model.gamma)
    out_c1, out_c2 = [], []
    for img in images:
        H, W = img.shape
        s1 = np.empty((len(bank), model.n_orientations, H, W))
        for i in range(len(bank)):
            size = bank[i, 0].shape[0]
            norm = np.sqrt(np.maximum(convolve2d(img * img, np.ones((size, size)), mode="same"), 0.0))
            for j in range(model.n_orientations):
                g = bank[i, j]
                dot = np.abs(convolve2d(img, g[::-1, ::-1], mode="same"))
                s1[i, j] = np.where(norm > NORM_FLOOR, dot / np.maximum(norm, NORM_FLOOR), 0.0)
        c1 = []
        for b in range(model.n_bands):
            grid, step = (int(v) for v in C1_TABLE[b])
            m = np.maximum(s1[2 * b], s1[2 * b + 1])
            ny, nx = (H - grid) // step + 1, (W - grid) // step + 1
            band = np.empty((model.n_orientations, ny, nx))
            for o in range(model.n_orientations):
                for y in range(ny):
                    for x in range(nx):
                        band[o, y, x] = m[o, y * step:y * step + grid, x * step:x * step + grid].max()
            c1.append(band)
        out_c1.append(np.concatenate([c.ravel() for c in c1]))
        c2 = []
        for protos in model.prototypes_:
            p = protos.shape[-1]
            for proto in protos:
                best = -np.inf
                for band in c1:
                    if min(band.shape[1:]) < p:
                        continue
                    win = sliding_window_view(band, (p, p), axis=(1, 2))  # O, ny', nx', p, p
                    d = ((win - proto[:, None, None]) ** 2).sum(axis=(0, 3, 4))
                    best = max(best, np.exp(-d / (2 * model.s2_sigma**2 * proto.size)).max())
                c2.append(best)
        out_c2.append(np.array(c2))
    return np.array(out_c1), np.array(out_c2)


def v1_reference(images, model):
    """Pooled V1-like features of each image, one image and filter at a time."""
    filters = model.filter_list()
    k, p, st = model.norm_size, model.pool_size, model.pool_stride
    out = []
    for img in images:
        H, W = img.shape
        s = np.array([np.maximum(convolve2d(img, g[::-1, ::-1], mode="same"), 0.0) for g in filters])
        ones = np.ones((k, k))
        total = convolve2d(s.sum(0), ones, mode="same")
        mean = total / (k * k * len(filters))
        sq = convolve2d((s * s).sum(0), ones, mode="same")
        norm = np.sqrt(np.maximum(sq - total * mean, 0.0))
        n = (s - mean) / np.maximum(norm, model.norm_threshold)
        pooled = [convolve2d(f, np.ones((p, p)), mode="same")[p // 2:H - p // 2:st, p // 2:W - p // 2:st] / (p * p)
                  for f in n]
        out.append(np.concatenate([q.ravel() for q in pooled]))
    return np.array(out)


def measure(fn):
    """(seconds, peak bytes, result) of one call."""
    tracemalloc.start()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, result


def best_of(fn, repeats=REPEATS):
    runs = [measure(fn) for _ in range(repeats)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-images", type=int, default=1000)
    parser.add_argument("--n-reference", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    n, n_ref = args.n_images, min(args.n_reference, args.n_images)
    per_cat = -(-n // 24)
    images = object_images(n_per_category=per_cat, size=64, rng=0).values[:n].astype(float)
    print(f"{n} images of 64 x 64 px; reference timed on the first {n_ref}, scaled to 1,000 images")
    hmax = HMAX(n_prototypes=64, rng=0).fit(images[:200])
    v1 = V1Like()

    rows = []
    for name, ours, ref in (
        ("HMAX (C1 + C2)",
         lambda x: hmax.activations(x, layers=["c1", "c2"], batch_size=args.batch_size, dtype=np.float64).values,
         lambda x: np.hstack(hmax_reference(x, hmax))),
        ("V1-like (pooled)",
         lambda x: v1.activations(x, layers="pooled", batch_size=args.batch_size, dtype=np.float64).values,
         lambda x: v1_reference(x, v1)),
    ):
        ours(images[:2]), ref(images[:1])  # warm-up
        t_ours, m_ours, out = best_of(lambda: ours(images))
        t_ref, m_ref, out_ref = measure(lambda: ref(images[:n_ref]))
        diff = float(np.abs(out[:n_ref] - out_ref).max())
        t_ours_k, t_ref_k = t_ours * 1000 / n, t_ref * 1000 / n_ref
        rows.append((name, t_ours_k, t_ref_k, t_ref_k / t_ours_k, diff, m_ours / 2**20, m_ref / 2**20))
    print(f"{'model':<18} {'neurocomp s/1000':>16} {'per-image s/1000':>16} {'speed-up':>9} {'max |diff|':>11} "
          f"{'peak MiB nc':>11} {'peak MiB ref':>12}")
    for r in rows:
        print(f"{r[0]:<18} {r[1]:>16.2f} {r[2]:>16.2f} {r[3]:>8.1f}x {r[4]:>11.1e} {r[5]:>11.0f} {r[6]:>12.0f}")


if __name__ == "__main__":
    main()
