"""neurocomp RBM (persistent CD) vs scikit-learn's BernoulliRBM on the digits, side by side.

Same data (sklearn digits scaled to [0, 1], 80/20 split), same n_hidden (64 and 256), batch
size, learning rate and epochs; plain PCD-1 on both sides (neurocomp: momentum 0, no weight
decay, to match sklearn). Prints the time per epoch of each and their ratio, and the held-out
log-likelihood of both trained models computed by neurocomp's AIS (same chains, temperatures
and base-rate model), on the held-out digits binarised at 0.5. Times are the best of 5 fits
per side after a warm-up of each, wall clock, the two sides' fits alternating so that a
shared machine's changing load falls on both alike.

Run: python benchmarks/rbm_vs_sklearn.py
"""

import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neural_network import BernoulliRBM

from neurocomp.boltzmann import RBM

N_EPOCHS = 20
BATCH = 10
LR = 0.05
AIS = dict(n_chains=100, betas=10000)
REPEATS = 5


def main():
    digits = load_digits()
    X = digits.data / 16.0
    order = np.random.default_rng(0).permutation(len(X))
    n_test = len(X) // 5
    X_test, X_train = X[order[:n_test]], X[order[n_test:]]
    test_bin = (X_test >= 0.5).astype(float)
    base = np.clip((X_train >= 0.5).mean(axis=0), 1e-3, 1 - 1e-3)
    print(f"digits: train {X_train.shape}, test {X_test.shape}; {N_EPOCHS} epochs, batch {BATCH}, lr {LR}")
    print(f"{'n_hidden':>8} {'neurocomp s/epoch':>18} {'sklearn s/epoch':>16} {'ratio nc/sk':>11} "
          f"{'LL neurocomp':>14} {'LL sklearn':>14}  (nats/image, AIS ± se)")
    rows = []
    # warm up both (imports, first-call set-up) so that only training is timed
    RBM(n_hidden=8, n_epochs=1, rng=0).fit(X_train)
    BernoulliRBM(n_components=8, n_iter=1, random_state=0).fit(X_train)

    def timed(*makers):
        """Best of REPEATS wall-clock times per epoch of each maker, run alternately, and the models."""
        best, models = [np.inf] * len(makers), [None] * len(makers)
        for _ in range(REPEATS):
            for i, make in enumerate(makers):
                t0 = time.perf_counter()
                models[i] = make()
                best[i] = min(best[i], (time.perf_counter() - t0) / N_EPOCHS)
        return best, models

    for n_hidden in (64, 256):
        (t_ours, t_sk), (ours, sk) = timed(
            lambda: RBM(n_hidden=n_hidden, learning_rate=LR, batch_size=BATCH, n_epochs=N_EPOCHS,
                        k=1, persistent=True, momentum=0.0, weight_decay=0.0, rng=1).fit(X_train),
            lambda: BernoulliRBM(n_components=n_hidden, learning_rate=LR, batch_size=BATCH,
                                 n_iter=N_EPOCHS, random_state=1).fit(X_train))
        theirs = RBM.from_weights(sk.components_, sk.intercept_hidden_, sk.intercept_visible_,
                                  visible_marginals=base)
        ours_eval = RBM.from_weights(ours.components_, ours.intercept_hidden_, ours.intercept_visible_,
                                     visible_marginals=base)
        ll = []
        for model in (ours_eval, theirs):
            log_z = model.log_partition("ais", rng=2, **AIS)
            ll.append(model.log_likelihood(test_bin, log_z=log_z))
        print(f"{n_hidden:>8} {t_ours:>18.4f} {t_sk:>16.4f} {t_ours / t_sk:>11.2f} "
              f"{ll[0].mean:>8.2f} ± {ll[0].std_err:.2f} {ll[1].mean:>8.2f} ± {ll[1].std_err:.2f}")
        rows.append((n_hidden, t_ours, t_sk, ll))
    # agreement: both models must beat the independent-pixel model on held-out data, and
    # neurocomp's must be at least as good as sklearn's within 3 combined standard errors
    base_ll = float(np.mean(test_bin @ np.log(base) + (1 - test_bin) @ np.log1p(-base)))
    print(f"independent-pixel (base-rate) model: {base_ll:.2f} nats/image")
    for n_hidden, _, _, (a, b) in rows:
        assert a.mean > base_ll and b.mean > base_ll, f"n_hidden={n_hidden}: a model is worse than base rate"
        tol = 3 * np.hypot(a.std_err, b.std_err)
        verdict = "neurocomp >= sklearn" if a.mean >= b.mean - tol else "neurocomp < sklearn"
        print(f"n_hidden={n_hidden}: LL difference {a.mean - b.mean:+.2f} nats (3 se = {tol:.2f}): {verdict}")


if __name__ == "__main__":
    main()
