"""neurocomp's numpy LSTM and vanilla RNN vs the same networks in PyTorch (CPU), in the same run.

Same architecture (one recurrent layer of 128 units, a linear read-out of the last step, softmax
over 10 classes, cross-entropy), same data (64 sequences of 100 steps, 32 features, float32), same
initial weights (neurocomp's, copied into ``torch.nn.LSTM`` / ``torch.nn.RNN`` + ``torch.nn.Linear``;
torch's second bias ``bias_hh`` held at zero since neurocomp has one bias vector),
Adam (lr 1e-3), full BPTT. A training step is forward + backward + Adam update on the batch of 64.
Prints the training steps per second of each side (fastest of several repeats of 10 steps each,
wall clock; the two sides are timed in turn so both see the same load on a shared machine), their
ratio, the ratio of CPU times (torch / ours; with one thread the fairer figure when other
processes share the cores, since time spent waiting for a core is not counted), and the loss of
both after 10 steps from the same weights (they must agree to 1e-4), for 1 and 2 threads (BLAS for
numpy, intra-op for torch).

Run: python benchmarks/rnn_vs_torch.py [--threads 1 2] [--repeats 5] [--steps 10] [--cells lstm vanilla gru]
(needs ``pip install torch==2.13.0``, a CPU wheel).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from neurocomp.rnn import RNN
from neurocomp.rnn._optim import Adam

N_SEQ, N_STEPS, N_FEATURES, N_HIDDEN, N_CLASSES = 64, 100, 32, 128, 10
LR = 1e-3


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_SEQ, N_STEPS, N_FEATURES)).astype(np.float32)
    y = rng.integers(0, N_CLASSES, N_SEQ)
    y[:N_CLASSES] = np.arange(N_CLASSES)  # every class present
    return X, y


def _ours(cell, X, y):
    """A fitted-for-0-epochs network (its initial weights) and the time-major batch it trains on."""
    net = RNN(cell, N_HIDDEN, output="softmax", readout="last", n_epochs=0, learning_rate=LR, dtype="float32",
              forget_bias=0.0, rng=0).fit(X, y)
    Xt, target, mask_t, last = net._prepare(X, y, None, fitting=False)
    return net, (Xt, target, mask_t, last)


def numpy_run(net, batch, params0, n_steps):
    params = {k: v.copy() for k, v in params0.items()}
    opt = Adam(params, LR)
    for _ in range(n_steps):
        net._training_step(params, opt, *batch)
    return params


def numpy_loss(net, batch, params):
    return net._objective(params, *batch, want_grad=False)[0]


def _torch_model(cell, params):
    rnn_cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "vanilla": torch.nn.RNN}[cell]
    rnn = rnn_cls(N_FEATURES, N_HIDDEN, batch_first=True)
    lin = torch.nn.Linear(N_HIDDEN, N_CLASSES)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(params["W_in_0"].T.copy()))
        rnn.weight_hh_l0.copy_(torch.from_numpy(params["W_rec_0"].T.copy()))
        rnn.bias_ih_l0.copy_(torch.from_numpy(params["b_0"]))
        rnn.bias_hh_l0.zero_()
        if cell == "gru":  # the candidate's hidden bias b_hn, which the reset gate multiplies, is its own vector
            rnn.bias_hh_l0[2 * N_HIDDEN:] = torch.from_numpy(params["b_hn_0"])
        lin.weight.copy_(torch.from_numpy(params["W_out"].T.copy()))
        lin.bias.copy_(torch.from_numpy(params["b_out"]))
    # torch's two biases b_ih + b_hh are one vector in neurocomp: keep b_hh at zero (all of it, or the
    # r and z parts for the GRU), or Adam would move their sum twice as fast as our single bias
    if cell == "gru":
        keep = torch.zeros(3 * N_HIDDEN)
        keep[2 * N_HIDDEN:] = 1.0
        rnn.bias_hh_l0.register_hook(lambda grad: grad * keep)
    else:
        rnn.bias_hh_l0.requires_grad_(False)
    return rnn, lin


def _torch_loss(rnn, lin, X, y):
    out, _ = rnn(X)
    return torch.nn.functional.cross_entropy(lin(out[:, -1]), y)


def torch_run(cell, params0, X, y, n_steps):
    rnn, lin = _torch_model(cell, params0)
    opt = torch.optim.Adam([p for p in rnn.parameters() if p.requires_grad] + list(lin.parameters()), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    for _ in range(n_steps):
        opt.zero_grad()
        loss = _torch_loss(rnn, lin, X, y)
        loss.backward()
        opt.step()
    return rnn, lin


def _best_interleaved(fn_a, fn_b, repeats):
    """Fastest wall-clock and CPU time of each function, the two run in turn so both see the same load."""
    wall = {"a": [], "b": []}
    cpu = {"a": [], "b": []}
    out = {}
    for _ in range(repeats):
        for key, fn in (("a", fn_a), ("b", fn_b)):
            t0, c0 = time.perf_counter(), time.process_time()
            out[key] = fn()
            wall[key].append(time.perf_counter() - t0)
            cpu[key].append(time.process_time() - c0)
    return min(wall["a"]), min(cpu["a"]), out["a"], min(wall["b"]), min(cpu["b"]), out["b"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--cells", nargs="+", default=["lstm", "vanilla"], choices=["lstm", "vanilla", "gru"])
    args = parser.parse_args(argv)
    X, y = _data()
    Xtorch, ytorch = torch.from_numpy(X), torch.from_numpy(y)
    print(f"batch {N_SEQ} x {N_STEPS} steps x {N_FEATURES} features, hidden {N_HIDDEN}, {N_CLASSES} classes, float32, "
          f"Adam lr {LR}; {args.steps} steps per repeat, fastest of {args.repeats}; torch {torch.__version__}")
    print(f"{'cell':8s} {'threads':>7s} {'ours steps/s':>13s} {'torch steps/s':>14s} {'ratio':>6s} {'cpu ratio':>9s} "
          f"{'loss ours':>10s} {'loss torch':>10s} {'|diff|':>8s}")
    for cell in args.cells:
        net, batch = _ours(cell, X, y)
        params0 = net.params_
        for threads in args.threads:
            torch.set_num_threads(threads)
            with threadpool_limits(limits=threads):
                t_ours, c_ours, p_ours, t_torch, c_torch, (rnn, lin) = _best_interleaved(
                    lambda: numpy_run(net, batch, params0, args.steps),
                    lambda: torch_run(cell, params0, Xtorch, ytorch, args.steps), args.repeats)
            loss_ours = numpy_loss(net, batch, p_ours)
            with torch.no_grad():
                loss_torch = float(_torch_loss(rnn, lin, Xtorch, ytorch))
            s_ours, s_torch = args.steps / t_ours, args.steps / t_torch
            print(f"{cell:8s} {threads:7d} {s_ours:13.1f} {s_torch:14.1f} {s_ours / s_torch:6.2f} {c_torch / c_ours:9.2f} "
                  f"{loss_ours:10.6f} {loss_torch:10.6f} {abs(loss_ours - loss_torch):8.1e}")


if __name__ == "__main__":
    main()
