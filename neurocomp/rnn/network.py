r"""Discrete-time recurrent networks (Elman, GRU, LSTM) trained by backpropagation through time, in numpy.

Each layer updates a hidden state :math:`h_t` from its input :math:`x_t` (the sequence, or the
layer below) and :math:`h_{t-1}`:

* vanilla (Elman 1990): :math:`h_t = \tanh(x_t W_{in} + h_{t-1} W_{rec} + b)`;
* GRU (Cho et al. 2014, PyTorch's form): :math:`r, z = \sigma(\cdot)`,
  :math:`n = \tanh(x W_{in,n} + b_n + r \odot (h W_{rec,n} + b_{hn}))`, :math:`h_t = (1-z) n + z h_{t-1}`;
* LSTM (Hochreiter & Schmidhuber 1997, with a forget gate, Gers et al. 2000): gates
  :math:`i, f, o = \sigma(\cdot)`, :math:`g = \tanh(\cdot)`, :math:`c_t = f c_{t-1} + i g`,
  :math:`h_t = o \tanh(c_t)`.

A linear read-out :math:`z_t = h_t W_{out} + b_{out}` of the top layer (at every step, or at the last
counted step) gives the outputs; linear outputs are trained on squared error, softmax and sigmoid
outputs on cross-entropy. Gradients are computed by backpropagation through time (Werbos 1990),
optionally truncated, and optimised by Adam or SGD with momentum with optional global-norm clipping
(Pascanu et al. 2013).

Implementation: sequences are batched and stored time-major; the input projection of all steps
(bias included) is one matrix product, so only the recurrent product runs inside the time loop, and
the weight gradients are each one product over all steps after the backward loop. The LSTM and GRU
keep their gates gate-major, (n_gates, n_steps, batch, n_hidden), so that every elementwise
operation of a step runs on contiguous memory. The per-step products use one BLAS thread when they are small (threads
cost more than they save there); the products over all steps use every thread. Training on the
benchmark's size (hidden 128, batch 64, 100 steps, float32) runs at about PyTorch's CPU speed for
the LSTM and GRU and faster for the vanilla network (``benchmarks/rnn_vs_torch.py``).
"""

from __future__ import annotations

import numbers

import numpy as np

from neurocomp._validation import check_int, check_option
from neurocomp.rnn._base import RecurrentEstimator, serial_blas, sigmoid

__all__ = ["RNN"]

CELLS = ("vanilla", "gru", "lstm")
GATES = {"vanilla": 1, "gru": 3, "lstm": 4}


# ============================================================================ forward passes
def _vanilla_forward(A, W_rec, h0):
    T, B, H = A.shape
    Hs = A  # computed in place over the input projection
    h = h0
    with serial_blas(B * H * H):
        for t in range(T):
            z = Hs[t]
            if h is not None:
                z += h @ W_rec
            np.tanh(z, out=z)
            h = z
    return Hs, {}


def _gate_major(W, n_gates):
    """(n, G*H) weights -> (G, n, H): one contiguous block per gate."""
    n, GH = W.shape
    return np.ascontiguousarray(W.reshape(n, n_gates, GH // n_gates).transpose(1, 0, 2))


def _lstm_layer_forward(inp1, W1, W_rec, T, B, h0, c0):
    """LSTM layer over all steps, gate-major: gates stored as (4, T, B, H) in the order i, f, o, g.

    ``inp1`` (T*B, n_in + 1) holds the inputs with a column of ones, ``W1`` = [W_in; b] and ``W_rec``
    are in the internal gate order. Each gate's (B, H) block of a step is contiguous, so every
    elementwise operation runs on contiguous memory; the input projection of all steps is one
    (stacked) product and only the recurrent product runs per step.
    """
    H = W_rec.shape[0]
    dtype = inp1.dtype
    G = np.matmul(inp1[None], _gate_major(W1, 4)).reshape(4, T, B, H)
    W4 = _gate_major(W_rec, 4)
    C = np.empty((T, B, H), dtype)
    TC = np.empty_like(C)
    Hs = np.empty_like(C)
    rec = np.empty((4, B, H), dtype)
    fc = np.empty((B, H), dtype)
    h, c = h0, c0
    with serial_blas(B * H * 4 * H):
        for t in range(T):
            g = G[:, t]
            if h is not None:
                np.matmul(h, W4, out=rec)
                g += rec
            sigmoid(g[:3], out=g[:3])
            np.tanh(g[3], out=g[3])
            ct = C[t]
            np.multiply(g[0], g[3], out=ct)
            if c is not None:
                np.multiply(g[1], c, out=fc)
                ct += fc
            np.tanh(ct, out=TC[t])
            np.multiply(g[2], TC[t], out=Hs[t])
            h, c = Hs[t], ct
    return Hs, {"G": G, "C": C, "TC": TC}


def _lstm_layer_backward(dR, cache, W1, W_rec, truncate, SG, want_input_grad):
    """Backward through an LSTM layer stored by :func:`_lstm_layer_forward`.

    Returns the gradients of ``W1`` = [W_in; b] and ``W_rec`` (internal gate order, each one product
    over all steps) and, when asked, ``dL/d input`` (T, B, n_in).
    """
    G, C, TC, Hs, inp1, h0, c0 = (cache[k] for k in ("G", "C", "TC", "Hs", "inp1", "h0", "c0"))
    T, B, H = Hs.shape
    dtype = G.dtype
    dG = np.empty_like(G)
    WT = np.ascontiguousarray(W_rec.T)  # (4H, H), rows in gate order
    dc = np.empty((B, H), dtype)
    dc_next = np.empty((B, H), dtype)
    tmp = np.empty((B, H), dtype)
    s1 = np.empty((3, B, H), dtype)
    dflat = np.empty((B, 4, H), dtype)
    dh_buf = np.empty((B, H), dtype)
    dh_next = np.empty((B, H), dtype)
    flowing = False
    one = dtype.type(1.0)
    with serial_blas(B * H * 4 * H):
        for t in range(T - 1, -1, -1):
            dh = np.add(dR[t], dh_next, out=dh_buf) if flowing else dR[t]
            if SG is not None:
                SG[t] = dh
            g, dg, tc = G[:, t], dG[:, t], TC[t]
            # dc = dh * o * (1 - tanh(c)^2) + dc_next
            np.multiply(tc, tc, out=dc)
            np.subtract(one, dc, out=dc)
            dc *= g[2]
            dc *= dh
            if flowing:
                dc += dc_next
            # gradients after the gate nonlinearities, then through them
            np.multiply(dc, g[3], out=dg[0])
            if t > 0:
                np.multiply(dc, C[t - 1], out=dg[1])
            elif c0 is not None:
                np.multiply(dc, c0, out=dg[1])
            else:
                dg[1] = 0.0
            np.multiply(dh, tc, out=dg[2])
            np.subtract(one, g[:3], out=s1)
            s1 *= g[:3]
            dg[:3] *= s1
            np.multiply(g[3], g[3], out=tmp)
            np.subtract(one, tmp, out=tmp)
            tmp *= g[0]
            np.multiply(tmp, dc, out=dg[3])
            flowing = not _boundary(t, truncate)
            if flowing:
                np.multiply(dc, g[1], out=dc_next)
                dflat[...] = dg.transpose(1, 0, 2)
                np.matmul(dflat.reshape(B, 4 * H), WT, out=dh_next)
    dG3 = dG.reshape(4, T * B, H)
    dW1 = np.matmul(inp1.T[None], dG3).transpose(1, 0, 2).reshape(inp1.shape[1], 4 * H)
    if h0 is None:
        Hprev = Hs[:-1].reshape((T - 1) * B, H)
        dW_rec = np.matmul(Hprev.T[None], dG[:, 1:].reshape(4, (T - 1) * B, H))
    else:
        dW_rec = np.matmul(_prev(Hs, h0).reshape(T * B, H).T[None], dG3)
    dW_rec = dW_rec.transpose(1, 0, 2).reshape(H, 4 * H)
    d_in = None
    if want_input_grad:
        flat = np.ascontiguousarray(dG3.transpose(1, 0, 2)).reshape(T * B, 4 * H)
        d_in = (flat @ W1[:-1].T).reshape(T, B, -1)
    return dW1, dW_rec, d_in


def _gru_layer_forward(inp1, W1, W_rec, b_hn, T, B, h0):
    """GRU layer over all steps, gate-major: input parts of the gates (3, T, B, H) in the order r, z, n.

    PyTorch's form: r, z = sigmoid(.), n = tanh(x W_n + b_n + r (h W_hn + b_hn)), h' = n + z (h - n).
    """
    H = W_rec.shape[0]
    dtype = inp1.dtype
    A = np.matmul(inp1[None], _gate_major(W1, 3)).reshape(3, T, B, H)
    W3 = _gate_major(W_rec, 3)
    RZ = np.empty((2, T, B, H), dtype)
    N = np.empty((T, B, H), dtype)
    HN = np.empty_like(N)
    Hs = np.empty_like(N)
    rec = np.empty((3, B, H), dtype)
    h = h0
    with serial_blas(B * H * 3 * H):
        for t in range(T):
            rz, n, hn = RZ[:, t], N[t], HN[t]
            if h is None:
                sigmoid(A[:2, t], out=rz)
                hn[...] = b_hn
            else:
                np.matmul(h, W3, out=rec)
                np.add(A[:2, t], rec[:2], out=rz)
                sigmoid(rz, out=rz)
                np.add(rec[2], b_hn, out=hn)
            np.multiply(rz[0], hn, out=n)
            n += A[2, t]
            np.tanh(n, out=n)
            ht = Hs[t]
            if h is None:
                np.multiply(n, rz[1], out=ht)
                np.subtract(n, ht, out=ht)
            else:
                np.subtract(h, n, out=ht)
                ht *= rz[1]
                ht += n
            h = ht
    return Hs, {"RZ": RZ, "N": N, "HN": HN}


def _gru_layer_backward(dR, cache, W1, W_rec, truncate, SG, want_input_grad):
    """Backward through a GRU layer stored by :func:`_gru_layer_forward`, one step's blocks at a time.

    Returns the gradients of ``W1`` = [W_in; b], ``W_rec`` and ``b_hn`` (each one product or sum over
    all steps) and, when asked, ``dL/d input``.
    """
    RZ, N, HN, Hs, inp1, h0 = (cache[k] for k in ("RZ", "N", "HN", "Hs", "inp1", "h0"))
    T, B, H = Hs.shape
    dtype = Hs.dtype
    dA = np.empty((3, T, B, H), dtype)   # d pre-activations: r, z (input and recurrent parts alike), n (input part)
    dHN = np.empty((T, B, H), dtype)     # d (h W_hn + b_hn)
    WT = np.ascontiguousarray(W_rec.T)   # (3H, H)
    dflat = np.empty((B, 3, H), dtype)
    tmp = np.empty((B, H), dtype)
    dh_buf = np.empty((B, H), dtype)
    dh_next = np.empty((B, H), dtype)
    one = dtype.type(1.0)
    flowing = False
    with serial_blas(B * H * 3 * H):
        for t in range(T - 1, -1, -1):
            dh = np.add(dR[t], dh_next, out=dh_buf) if flowing else dR[t]
            if SG is not None:
                SG[t] = dh
            r, z, n, hn = RZ[0, t], RZ[1, t], N[t], HN[t]
            h_prev = Hs[t - 1] if t > 0 else h0
            # n: dh (1 - z) (1 - n^2)
            dan = dA[2, t]
            np.multiply(n, n, out=dan)
            np.subtract(one, dan, out=dan)
            np.subtract(one, z, out=tmp)
            dan *= tmp
            dan *= dh
            # z: dh (h_prev - n) z (1 - z)
            daz = dA[1, t]
            if h_prev is None:
                np.negative(n, out=daz)
            else:
                np.subtract(h_prev, n, out=daz)
            daz *= dh
            tmp *= z  # z (1 - z)
            daz *= tmp
            # r: dan hn r (1 - r); the candidate's recurrent input: dan r
            dar = dA[0, t]
            np.subtract(one, r, out=dar)
            dar *= r
            dar *= hn
            dar *= dan
            np.multiply(dan, r, out=dHN[t])
            flowing = not _boundary(t, truncate)
            if flowing:
                dflat[:, 0] = dar
                dflat[:, 1] = daz
                dflat[:, 2] = dHN[t]
                np.matmul(dflat.reshape(B, 3 * H), WT, out=dh_next)
                np.multiply(dh, z, out=tmp)
                dh_next += tmp
    dA3 = dA.reshape(3, T * B, H)
    dW1 = np.matmul(inp1.T[None], dA3).transpose(1, 0, 2).reshape(inp1.shape[1], 3 * H)
    if h0 is None:
        Hprev, lo = Hs[:-1].reshape((T - 1) * B, H), B
    else:
        Hprev, lo = _prev(Hs, h0).reshape(T * B, H), 0
    dHN2 = dHN.reshape(T * B, H)
    dW_rec = np.empty((H, 3, H), dtype)
    dW_rec[:, :2] = np.matmul(Hprev.T[None], dA3[:2, lo:]).transpose(1, 0, 2)
    dW_rec[:, 2] = Hprev.T @ dHN2[lo:]
    d_in = None
    if want_input_grad:
        flat = np.ascontiguousarray(dA3.transpose(1, 0, 2)).reshape(T * B, 3 * H)
        d_in = (flat @ W1[:-1].T).reshape(T, B, -1)
    return dW1, dW_rec.reshape(H, 3 * H), dHN2.sum(axis=0), d_in


# =========================================================================== backward passes
def _lstm_order(H):
    """Column order taking PyTorch's LSTM gate blocks (i, f, g, o) to the internal (i, f, o, g), and back."""
    idx = np.arange(4 * H).reshape(4, H)
    return idx[[0, 1, 3, 2]].ravel()


def _boundary(t, truncate):
    """Whether no gradient flows from step t back to step t-1."""
    return t == 0 or (truncate is not None and t % truncate == 0)


def _prev(Hs, h0):
    """States h_{t-1} for t = 0..T-1 (zeros before the first step when h0 is None)."""
    first = np.zeros_like(Hs[:1]) if h0 is None else h0[None].astype(Hs.dtype)
    return np.concatenate([first, Hs[:-1]], axis=0)


def _vanilla_backward(dR, Hs, cache, W_rec, truncate, SG):
    T, B, H = Hs.shape
    D = 1.0 - Hs * Hs
    dZ = np.empty_like(Hs)
    dh_next = None
    with serial_blas(B * H * H):
        for t in range(T - 1, -1, -1):
            dh = dR[t] if dh_next is None else dR[t] + dh_next
            if SG is not None:
                SG[t] = dh
            np.multiply(dh, D[t], out=dZ[t])
            dh_next = None if _boundary(t, truncate) else dZ[t] @ W_rec.T
    return dZ, dZ, None


# ================================================================================ estimator
class RNN(RecurrentEstimator):
    """A recurrent network (vanilla/Elman, GRU or LSTM) trained by backpropagation through time.

    Parameters
    ----------
    cell : {"vanilla", "gru", "lstm"}, default "vanilla"
        The recurrent unit (see the module docstring for the equations).
    n_hidden : int, default 32
        Hidden units per layer.
    n_layers : int, default 1
        Stacked recurrent layers (each reads the hidden states of the one below).
    output : {"linear", "softmax", "sigmoid"}, default "linear"
        Output nonlinearity; linear outputs are trained on squared error ``½‖z − t‖²``, softmax on the
        cross-entropy of one class label, sigmoid on the binary cross-entropy of each output.
    readout : {"last", "all"}, default "last"
        Read the output at the last (counted) step of each sequence, or at every step.
    n_epochs : int, default 100
        Passes through the training sequences (``0`` only initialises the weights).
    batch_size : int, default 32
        Sequences per gradient step.
    learning_rate : float, default 0.01
        Step size of the optimiser.
    optimizer : {"adam", "sgd"}, default "adam"
        Adam (betas 0.9, 0.999, eps 1e-8) or stochastic gradient descent with ``momentum``.
    momentum : float in [0, 1), default 0.0
        Heavy-ball momentum of SGD (``v = momentum v + g``; ignored by Adam).
    weight_decay : float, default 0.0
        L2 penalty ``½ weight_decay Σ W²`` on the weight matrices (biases exempt).
    clip_norm : float or None, default None
        Rescale the gradient so its global L2 norm is at most this (Pascanu et al. 2013); None = off.
    truncate : int or None, default None
        Truncated BPTT: no gradient flows back across the boundaries of ``truncate``-step chunks of
        each sequence (the state entering a chunk is treated as a constant, as PyTorch's ``detach``
        between chunks); one update per minibatch. None = full BPTT.
    dtype : {"float64", "float32"}, default "float64"
        Floating-point type of weights and computation.
    forget_bias : float, default 1.0
        Added to the LSTM forget gate's initial bias (Gers et al. 2000; Jozefowicz et al. 2015), so
        that the cell remembers by default; 0 gives PyTorch's initialisation.
    recurrent_init : {"uniform", "orthogonal"}, default "uniform"
        Initial recurrent weights: uniform in ``±1/sqrt(n_hidden)`` (PyTorch's default), or a random
        orthogonal matrix for each gate block (Saxe et al. 2014; eigenvalues on the unit circle, so
        gradients neither vanish nor explode at first in a linear network).
    init_params : dict of str to array, optional
        Initial values for some or all parameters (names and shapes as in ``params_``), e.g. weights
        copied from PyTorch; the rest are drawn as described in Notes.
    rng : None, int, SeedSequence or Generator
        Randomness of the initial weights and the minibatch order.

    Attributes
    ----------
    params_ : dict of str to ndarray
        ``W_in_l`` (n_in, G n_hidden), ``W_rec_l`` (n_hidden, G n_hidden), ``b_l`` (G n_hidden,) for each
        layer ``l`` (G = 1, 3, 4 gates in the order vanilla; r, z, n for the GRU; i, f, g, o for the
        LSTM, as in PyTorch), ``b_hn_l`` (n_hidden,) for the GRU, and the read-out ``W_out``
        (n_hidden, n_outputs), ``b_out`` (n_outputs,).
    n_state_ : int
        Size of the state :meth:`step` maps: n_hidden, or 2 n_hidden for the LSTM (``concat(h, c)``).
    n_input_ : int
        Input features per step.
    n_features_in_ : int
        scikit-learn's count of columns of ``X`` at fit (n_features for 3-D X, n_steps for 2-D X).
    n_outputs_ : int
    classes_ : ndarray
        Class labels (softmax, sigmoid).
    learning_curve_ : xarray.Dataset
        ``loss`` (and ``valid_loss``) and ``gradient_norm`` over ``epoch`` (0 = before training).

    Notes
    -----
    Weights and biases start uniform in ``±1/sqrt(n_hidden)`` as in PyTorch (the read-out too); the
    LSTM forget-gate bias gets ``forget_bias`` added. PyTorch's two bias vectors ``b_ih + b_hh`` are one
    vector ``b`` here, except the GRU's hidden bias of the candidate ``b_hn``, which the reset gate
    multiplies. The loss is averaged over counted items (sequences for ``readout="last"``, counted
    steps for ``readout="all"``). A 2-D ``X`` holds univariate sequences of length ``n_steps``
    (scikit-learn then sees ``n_steps`` features, so such a model predicts 2-D inputs of that length
    only; 3-D inputs of any length are accepted).

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.rnn import RNN
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 10, 1))
    >>> y = X[:, :, 0].sum(axis=1)          # integrate the input over the sequence
    >>> net = RNN("gru", 16, n_epochs=30, learning_rate=0.02, rng=0).fit(X, y)
    >>> bool(net.score(X, y) > 0.9)
    True
    >>> net.run(X[:3]).hidden.dims
    ('trial', 'time', 'unit')

    References
    ----------
    Elman, J. L. (1990). Finding structure in time. Cognitive Science 14, 179-211.
    Werbos, P. J. (1990). Backpropagation through time: what it does and how to do it. Proc. IEEE 78,
    1550-1560.
    Hochreiter, S. & Schmidhuber, J. (1997). Long short-term memory. Neural Computation 9, 1735-1780.
    Gers, F. A., Schmidhuber, J. & Cummins, F. (2000). Learning to forget: continual prediction with
    LSTM. Neural Computation 12, 2451-2471.
    Saxe, A. M., McClelland, J. L. & Ganguli, S. (2014). Exact solutions to the nonlinear dynamics of
    learning in deep linear neural networks. ICLR.
    Cho, K. et al. (2014). Learning phrase representations using RNN encoder-decoder for statistical
    machine translation. EMNLP.
    Pascanu, R., Mikolov, T. & Bengio, Y. (2013). On the difficulty of training recurrent neural
    networks. ICML.
    """

    def __init__(self, cell="vanilla", n_hidden=32, *, n_layers=1, output="linear", readout="last", n_epochs=100,
                 batch_size=32, learning_rate=0.01, optimizer="adam", momentum=0.0, weight_decay=0.0, clip_norm=None,
                 truncate=None, dtype="float64", forget_bias=1.0, recurrent_init="uniform", init_params=None, rng=None):
        self.cell = cell
        self.n_hidden = n_hidden
        self.n_layers = n_layers
        self.output = output
        self.readout = readout
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.clip_norm = clip_norm
        self.truncate = truncate
        self.dtype = dtype
        self.forget_bias = forget_bias
        self.recurrent_init = recurrent_init
        self.init_params = init_params
        self.rng = rng

    # ----------------------------------------------------------------- set-up
    def _check_params(self):
        check_option("cell", self.cell, CELLS)
        check_option("recurrent_init", self.recurrent_init, ("uniform", "orthogonal"))
        check_int("n_hidden", self.n_hidden, low=1)
        check_int("n_layers", self.n_layers, low=1)
        fb = self.forget_bias
        if isinstance(fb, bool) or not isinstance(fb, numbers.Real) or not np.isfinite(fb):
            raise TypeError(f"forget_bias must be a finite real number; got {fb!r}")

    def _n_layers(self):
        return int(self.n_layers)

    def _n_state_all(self):
        return int(self.n_layers) * self.n_state_

    def _init_params(self, n_in, n_out, rng):
        H = int(self.n_hidden)
        G = GATES[self.cell]
        k = 1.0 / np.sqrt(H)
        params = {}
        for layer in range(int(self.n_layers)):
            n = n_in if layer == 0 else H
            params[f"W_in_{layer}"] = rng.uniform(-k, k, (n, G * H))
            if self.recurrent_init == "orthogonal":
                blocks = []
                for _ in range(G):
                    q, r = np.linalg.qr(rng.standard_normal((H, H)))
                    blocks.append(q * np.sign(np.diag(r)))  # Haar-distributed (Mezzadri 2007)
                params[f"W_rec_{layer}"] = np.concatenate(blocks, axis=1)
            else:
                params[f"W_rec_{layer}"] = rng.uniform(-k, k, (H, G * H))
            b = rng.uniform(-k, k, G * H)
            if self.cell == "lstm":
                b[H:2 * H] += float(self.forget_bias)
            params[f"b_{layer}"] = b
            if self.cell == "gru":
                params[f"b_hn_{layer}"] = rng.uniform(-k, k, H)
        params["W_out"] = rng.uniform(-k, k, (H, n_out))
        params["b_out"] = rng.uniform(-k, k, n_out)
        self.n_state_ = 2 * H if self.cell == "lstm" else H
        return params

    # ---------------------------------------------------------------- network
    def _split_h0(self, h0):
        """Per-layer initial (h, c) from the concatenated state (None: zeros)."""
        L, S, H = int(self.n_layers), self.n_state_, int(self.n_hidden)
        out = []
        for layer in range(L):
            if h0 is None:
                out.append((None, None))
                continue
            s = h0[:, layer * S:(layer + 1) * S]
            if self.cell == "lstm":
                out.append((np.ascontiguousarray(s[:, :H]), np.ascontiguousarray(s[:, H:])))
            else:
                out.append((np.ascontiguousarray(s), None))
        return out

    def _forward(self, params, Xt, h0, noise_rng=None):
        T, B, _ = Xt.shape
        inp = Xt
        layers = []
        for layer, (h_init, c_init) in enumerate(self._split_h0(h0)):
            W_in, W_rec, b = params[f"W_in_{layer}"], params[f"W_rec_{layer}"], params[f"b_{layer}"]
            if self.cell == "lstm":  # PyTorch's gate order i, f, g, o -> i, f, o, g (one sigmoid call per step)
                perm = _lstm_order(int(self.n_hidden))
                W_in, W_rec, b = W_in[:, perm], W_rec[:, perm], b[perm]
            # the input projection of all steps, bias included, as one product: [x, 1] @ [W_in; b]
            n_in = inp.shape[-1]
            inp1 = np.empty((T * B, n_in + 1), inp.dtype)
            inp1[:, :n_in] = inp.reshape(T * B, n_in)
            inp1[:, n_in] = 1.0
            W1 = np.concatenate([W_in, b[None]], axis=0)
            if self.cell == "lstm":
                Hs, cache = _lstm_layer_forward(inp1, W1, W_rec, T, B, h_init, c_init)
            elif self.cell == "gru":
                Hs, cache = _gru_layer_forward(inp1, W1, W_rec, params[f"b_hn_{layer}"], T, B, h_init)
            else:
                Hs, cache = _vanilla_forward((inp1 @ W1).reshape(T, B, -1), W_rec, h_init)
            cache.update(inp1=inp1, Hs=Hs, h0=h_init, c0=c_init, W1=W1, W_in=W_in, W_rec=W_rec)
            layers.append(cache)
            inp = Hs
        return inp, layers

    def _backward(self, params, layers, dR, truncate, want_state_grads):
        grads = {}
        SG = None
        for layer in range(int(self.n_layers) - 1, -1, -1):
            cache = layers[layer]
            Hs, inp1 = cache["Hs"], cache["inp1"]
            T, B, H = Hs.shape
            W_in, W_rec = cache["W_in"], cache["W_rec"]
            sg = np.empty_like(Hs) if (want_state_grads and layer == int(self.n_layers) - 1) else None
            if self.cell == "lstm":
                dW1, dW_rec, dR = _lstm_layer_backward(dR, cache, cache["W1"], W_rec, truncate, sg, layer > 0)
                perm = _lstm_order(H)  # back to PyTorch's gate order (the permutation is its own inverse)
                grads[f"W_in_{layer}"] = np.ascontiguousarray(dW1[:-1, perm])
                grads[f"b_{layer}"] = np.ascontiguousarray(dW1[-1, perm])
                grads[f"W_rec_{layer}"] = np.ascontiguousarray(dW_rec[:, perm])
                if sg is not None:
                    SG = sg
                continue
            if self.cell == "gru":
                dW1, dW_rec, db_hn, dR = _gru_layer_backward(dR, cache, cache["W1"], W_rec, truncate, sg, layer > 0)
                grads[f"W_in_{layer}"] = np.ascontiguousarray(dW1[:-1])
                grads[f"b_{layer}"] = dW1[-1].copy()
                grads[f"W_rec_{layer}"] = dW_rec
                grads[f"b_hn_{layer}"] = db_hn
                if sg is not None:
                    SG = sg
                continue
            dA, dHR, db_hn = _vanilla_backward(dR, Hs, cache, W_rec, truncate, sg)
            if sg is not None:
                SG = sg
            GH = dA.shape[-1]
            dA2 = dA.reshape(T * B, GH)
            dHR2 = dHR.reshape(T * B, GH)
            if cache["h0"] is None:
                grads[f"W_rec_{layer}"] = Hs[:-1].reshape(-1, H).T @ dHR2[B:]
            else:
                grads[f"W_rec_{layer}"] = _prev(Hs, cache["h0"]).reshape(-1, H).T @ dHR2
            both = inp1.T @ dA2  # [dW_in; db] in one product over all steps
            grads[f"W_in_{layer}"] = both[:-1]
            grads[f"b_{layer}"] = both[-1]
            if db_hn is not None:
                grads[f"b_hn_{layer}"] = db_hn
            if layer > 0:
                dR = (dA2 @ W_in.T).reshape(T, B, -1)
        return grads, SG

    @property
    def layer_names_(self):
        """``["hidden1", ..., "hidden<n_layers>", "output"]``, the layers :meth:`activations` returns."""
        self._check_fitted()
        return [f"hidden{k + 1}" for k in range(int(self.n_layers))] + ["output"]

    def _layer_states(self, layers):
        return [cache["Hs"] for cache in layers]

    def _run_variables(self, layers):
        top = layers[-1]
        out = {"hidden": (top["Hs"], {"units": "1", "long_name": "hidden state (top layer)"})}
        if self.cell == "lstm":
            out["cell"] = (top["C"], {"units": "1", "long_name": "LSTM cell state (top layer)"})
        return out

    # --------------------------------------------------------- single steps
    def _features(self, state):
        return state[..., :int(self.n_hidden)]

    def _step_parts(self, state, u):
        p = self.params_
        H = int(self.n_hidden)
        a = u @ p["W_in_0"] + p["b_0"]
        h = state[..., :H]
        return p, H, a, h

    def step(self, state, u):
        """One step of the network from ``state`` with input ``u`` (n_layers=1).

        Parameters
        ----------
        state : array of shape (..., n_state) with n_state = ``n_state_``
            Hidden state h (``concat(h, c)`` for the LSTM).
        u : array of shape (..., n_features)
            Input at this step; leading dims broadcast against those of ``state``.

        Returns
        -------
        ndarray of shape (..., n_state)
            The next state.
        """
        self._check_fitted()
        state, u = self._check_state(state), self._check_u(u)
        p, H, a, h = self._step_parts(state, u)
        if self.cell == "vanilla":
            return np.tanh(a + h @ p["W_rec_0"])
        if self.cell == "gru":
            hr = h @ p["W_rec_0"]
            r = sigmoid(a[..., :H] + hr[..., :H])
            z = sigmoid(a[..., H:2 * H] + hr[..., H:2 * H])
            n = np.tanh(a[..., 2 * H:] + r * (hr[..., 2 * H:] + p["b_hn_0"]))
            return n + z * (h - n)
        c = state[..., H:]
        g = a + h @ p["W_rec_0"]
        i, f, gg, o = sigmoid(g[..., :H]), sigmoid(g[..., H:2 * H]), np.tanh(g[..., 2 * H:3 * H]), sigmoid(g[..., 3 * H:])
        c_new = f * c + i * gg
        h_new = o * np.tanh(c_new)
        h_new, c_new = np.broadcast_arrays(h_new, c_new)
        return np.concatenate([h_new, c_new], axis=-1)

    def step_jacobian(self, state, u):
        """Jacobian of :meth:`step` with respect to the state, computed analytically (n_layers=1).

        Parameters
        ----------
        state : array of shape (..., n_state) with n_state = ``n_state_``
            Hidden state h (``concat(h, c)`` for the LSTM).
        u : array of shape (..., n_features)
            Input at this step.

        Returns
        -------
        ndarray of shape (..., n_state, n_state)
            ``J[..., i, j] = d step(state, u)_i / d state_j``.
        """
        self._check_fitted()
        state, u = self._check_state(state), self._check_u(u)
        p, H, a, h = self._step_parts(state, u)
        W = p["W_rec_0"]
        if self.cell == "vanilla":
            hn = np.tanh(a + h @ W)
            return (1.0 - hn * hn)[..., :, None] * W.T
        if self.cell == "gru":
            hr = h @ W
            r = sigmoid(a[..., :H] + hr[..., :H])
            z = sigmoid(a[..., H:2 * H] + hr[..., H:2 * H])
            hn_ = hr[..., 2 * H:] + p["b_hn_0"]
            n = np.tanh(a[..., 2 * H:] + r * hn_)
            Jr = (r * (1 - r))[..., :, None] * W[:, :H].T
            Jz = (z * (1 - z))[..., :, None] * W[:, H:2 * H].T
            Jn = (1 - n * n)[..., :, None] * (hn_[..., :, None] * Jr + r[..., :, None] * W[:, 2 * H:].T)
            J = (1 - z)[..., :, None] * Jn + (h - n)[..., :, None] * Jz
            J = J + z[..., :, None] * np.eye(H, dtype=J.dtype)
            return J
        c = state[..., H:]
        g = a + h @ W
        i, f, gg, o = sigmoid(g[..., :H]), sigmoid(g[..., H:2 * H]), np.tanh(g[..., 2 * H:3 * H]), sigmoid(g[..., 3 * H:])
        c_new = f * c + i * gg
        tc = np.tanh(c_new)
        Ji = (i * (1 - i))[..., :, None] * W[:, :H].T
        Jf = (f * (1 - f))[..., :, None] * W[:, H:2 * H].T
        Jg = (1 - gg * gg)[..., :, None] * W[:, 2 * H:3 * H].T
        Jo = (o * (1 - o))[..., :, None] * W[:, 3 * H:].T
        dc_dh = c[..., :, None] * Jf + gg[..., :, None] * Ji + i[..., :, None] * Jg
        eye = np.eye(H, dtype=dc_dh.dtype)
        dc_dc = f[..., :, None] * eye
        k = o * (1 - tc * tc)
        dh_dh = tc[..., :, None] * Jo + k[..., :, None] * dc_dh
        dh_dc = (k * f)[..., :, None] * eye
        top = np.concatenate(np.broadcast_arrays(dh_dh, dh_dc), axis=-1)
        bottom = np.concatenate(np.broadcast_arrays(dc_dh, dc_dc), axis=-1)
        return np.concatenate(np.broadcast_arrays(top, bottom), axis=-2)
