"""neurocomp MLP and Perceptron side by side with scikit-learn, on the same inputs.

1. Forward pass: neurocomp's trained digits MLP's weights are put into a
   scikit-learn MLPClassifier; class probabilities must agree to 1e-12.
2. Training: the same architecture (64 ReLU hidden units, softmax output),
   the same plain SGD (learning rate 0.1, momentum 0.9, batch 32, no weight
   decay, 30 epochs) on scikit-learn's digits. Times: the fastest of 5 fits per
   side, the two sides alternating (a changing load falls on both); also
   scikit-learn under one BLAS thread, as neurocomp's fit runs (its products
   are minibatch-sized). Held-out accuracy: mean and standard error over 5
   seeds per side (one seed's accuracy moves by ~0.5 percentage points), which
   must agree within 3 standard errors.
3. Perceptron: Rosenblatt's rule on 2000 linearly separable points in 20-D
   (zero start, fixed order, no regularisation) against
   sklearn.linear_model.Perceptron run for the same number of epochs; both
   must separate the training data.

Run: python benchmarks/gates_mlp_sklearn.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from neurocomp.dnn.mlp import MLP
from neurocomp.gates import Perceptron

SEEDS = range(5)


def best_of(n, func):
    times, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return min(times), out


def alternating_best(repeats, *funcs):
    """Fastest wall-clock time of each function over ``repeats`` alternating runs, and its last result."""
    best, out = [np.inf] * len(funcs), [None] * len(funcs)
    for _ in range(repeats):
        for i, func in enumerate(funcs):
            t0 = time.perf_counter()
            out[i] = func()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best, out


def main(repeats: int = 5) -> None:
    d = load_digits()
    Xtr, Xte, ytr, yte = train_test_split(d.data / 16.0, d.target, test_size=0.3, random_state=0, stratify=d.target)
    epochs = 30

    def ours(seed=0):
        return MLP((64,), activation="relu", output="softmax", learning_rate=0.1, momentum=0.9, batch_size=32,
                   n_epochs=epochs, rng=seed).fit(Xtr, ytr)

    def theirs(seed=0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return MLPClassifier((64,), activation="relu", solver="sgd", learning_rate="constant",
                                 learning_rate_init=0.1, momentum=0.9, nesterovs_momentum=False, batch_size=32,
                                 alpha=0.0, max_iter=epochs, n_iter_no_change=epochs + 1, tol=0.0,
                                 shuffle=True, random_state=seed).fit(Xtr, ytr)

    def theirs_one_thread():
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, user_api="blas"):
            return theirs()

    (t_ours, t_sk, t_sk1), (net, _, _) = alternating_best(repeats, ours, theirs, theirs_one_thread)
    accs_ours = np.array([ours(seed).score(Xte, yte) for seed in SEEDS])
    accs_sk = np.array([theirs(seed).score(Xte, yte) for seed in SEEDS])
    acc_ours, acc_sk = accs_ours.mean(), accs_sk.mean()
    se = np.hypot(accs_ours.std(ddof=1), accs_sk.std(ddof=1)) / np.sqrt(len(SEEDS))

    # 1. forward pass with identical weights
    transplant = theirs()
    transplant.coefs_ = [W.copy() for W in net.coefs_]
    transplant.intercepts_ = [b.copy() for b in net.intercepts_]
    diff = np.max(np.abs(transplant.predict_proba(Xte) - net.predict_proba(Xte)))
    assert diff < 1e-12, f"forward passes disagree: max |dp| = {diff:g}"
    assert abs(acc_ours - acc_sk) < max(3 * se, 0.005), (acc_ours, acc_sk, se)

    # 3. perceptron
    rng = np.random.default_rng(1)
    w = rng.standard_normal(20)
    X = rng.uniform(-1, 1, (6000, 20))
    s = X @ w / np.linalg.norm(w)
    keep = np.abs(s) > 0.05
    X, y = X[keep][:2000], (s[keep][:2000] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_p, per = best_of(repeats, lambda: Perceptron(n_epochs=1000).fit(X, y))
        # the same number of epochs for sklearn (its tol=None runs exactly max_iter epochs)
        t_sp, sper = best_of(repeats, lambda: SkPerceptron(eta0=1.0, alpha=0.0, penalty=None, shuffle=False,
                                                            max_iter=per.n_iter_, tol=None).fit(X, y))
    assert per.converged_ and per.score(X, y) == 1.0 and sper.score(X, y) == 1.0

    print(f"digits MLP 64 ReLU + softmax, {epochs} epochs of SGD (n_train={len(Xtr)}), fastest of {repeats} "
          f"alternating fits; accuracy mean ± se over {len(SEEDS)} seeds:")
    print(f"  neurocomp.dnn.MLP                      {t_ours:7.3f} s   held-out accuracy "
          f"{acc_ours:.4f} ± {accs_ours.std(ddof=1) / np.sqrt(len(SEEDS)):.4f}")
    print(f"  sklearn MLPClassifier                  {t_sk:7.3f} s   held-out accuracy "
          f"{acc_sk:.4f} ± {accs_sk.std(ddof=1) / np.sqrt(len(SEEDS)):.4f}")
    print(f"  sklearn MLPClassifier, 1 BLAS thread   {t_sk1:7.3f} s")
    print(f"  time ratio neurocomp/sklearn = {t_ours / t_sk:.2f} ({t_ours / t_sk1:.2f} against one thread); "
          f"forward pass with the same weights: max |dp| = {diff:.1e}")
    print(f"perceptron, 2000 separable points in 20-D, best of {repeats}:")
    print(f"  neurocomp.gates.Perceptron   {t_p:7.3f} s   {per.n_iter_} epochs, {per.n_updates_} updates")
    print(f"  sklearn Perceptron           {t_sp:7.3f} s   {sper.n_iter_} epochs")
    print(f"  time ratio neurocomp/sklearn = {t_p / t_sp:.2f}")


if __name__ == "__main__":
    main()
