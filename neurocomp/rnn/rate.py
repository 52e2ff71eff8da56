r"""Continuous-time rate networks, as trained on cognitive tasks in neuroscience.

The state is the vector of synaptic currents :math:`x` of ``n_hidden`` units with rates
:math:`r = \phi(x)`:

.. math:: \tau \frac{dx}{dt} = -x + r W_{rec} + u W_{in} + b + \text{noise},
          \qquad z = r W_{out} + b_{out},

integrated by the Euler(–Maruyama) method with :math:`\alpha = dt/\tau`:

.. math:: x_{t+1} = (1-\alpha) x_t + \alpha (\phi(x_t) W_{rec} + u_t W_{in} + b) + \sigma \sqrt{dt}\, \xi_t,

:math:`\xi_t \sim N(0, 1)` independent for every unit and step (private noise). ``noise`` is
:math:`\sigma`, the diffusion coefficient of :math:`dx = \ldots dt + \sigma\, dW` in units of x per
√s; with the recurrence off, the stationary standard deviation of x that it causes is
:math:`\sigma \sqrt{\tau/2}`. The output at step t is read from the state after the step's input.

Trained by backpropagation through time through the Euler map (Song, Yang & Wang 2016), with the
same training code as :class:`neurocomp.rnn.RNN`.
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_int, check_nonnegative, check_option, check_positive
from neurocomp.random import as_generator
from neurocomp.rnn._base import RecurrentEstimator, serial_blas, sigmoid

__all__ = ["RateRNN"]

ACTIVATIONS = ("tanh", "relu", "softplus")


def _act(name, x):
    if name == "tanh":
        return np.tanh(x)
    if name == "relu":
        return np.maximum(x, 0)
    return np.logaddexp(0, x)


def _act_derivative(name, x, r):
    if name == "tanh":
        return 1.0 - r * r
    if name == "relu":
        return (x > 0).astype(x.dtype)
    return sigmoid(x)


class RateRNN(RecurrentEstimator):
    """A continuous-time rate network trained by backpropagation through time.

    Parameters
    ----------
    n_hidden : int, default 32
        Number of units.
    tau : float, default 0.1
        Time constant in s.
    dt : float, default 0.01
        Integration step in s (``dt <= tau``); one input step lasts ``dt``.
    noise : float, default 0.0
        Standard deviation of the private noise per √s (σ in ``dx = ... dt + σ dW``, see the module
        docstring); used in training and by :meth:`run` (``noise=False`` switches it off there).
    activation : {"tanh", "relu", "softplus"}, default "tanh"
        Rate function φ.
    gain : float, default 1.0
        Initial recurrent weights are drawn N(0, gain²/n_hidden) (gain > 1: chaotic before training,
        Sompolinsky et al. 1988).
    output, readout, n_epochs, batch_size, learning_rate, optimizer, momentum, weight_decay, clip_norm, truncate, dtype, init_params
        As for :class:`neurocomp.rnn.RNN`.
    rng : None, int, SeedSequence or Generator
        Randomness of the initial weights, the minibatch order and the noise.

    Attributes
    ----------
    params_ : dict of str to ndarray
        ``W_in`` (n_features, n_hidden), ``W_rec`` (n_hidden, n_hidden), ``b`` (n_hidden,), ``W_out``
        (n_hidden, n_outputs), ``b_out`` (n_outputs,).
    n_state_ : int
        n_hidden (the state is x).
    n_input_, n_features_in_, n_outputs_, classes_, learning_curve_
        As for :class:`neurocomp.rnn.RNN`.

    Notes
    -----
    Initial weights: ``W_rec`` normal with standard deviation ``gain/sqrt(n_hidden)``, ``W_in`` and
    ``W_out`` uniform in ``±1/sqrt(fan_in)``, biases zero. The initial state is x = 0. The loss and
    its gradient (:meth:`loss_and_gradient`) are those of the noise-free network; training draws the
    noise from the model's stream.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.rnn import RateRNN
    >>> rng = np.random.default_rng(1)
    >>> u = rng.standard_normal((128, 20, 1))
    >>> y = (u[:, :, 0].sum(axis=1) > 0).astype(int)     # sign of the integrated evidence
    >>> net = RateRNN(16, output="softmax", n_epochs=20, learning_rate=0.02, rng=0).fit(u, y)
    >>> bool(net.score(u, y) > 0.8)
    True

    References
    ----------
    Song, H. F., Yang, G. R. & Wang, X.-J. (2016). Training excitatory-inhibitory recurrent neural
    networks for cognitive tasks: a simple and flexible framework. PLoS Computational Biology 12,
    e1004792.
    Sompolinsky, H., Crisanti, A. & Sommers, H. J. (1988). Chaos in random neural networks. Physical
    Review Letters 61, 259-262.
    Werbos, P. J. (1990). Backpropagation through time: what it does and how to do it. Proc. IEEE 78,
    1550-1560.
    """

    def __init__(self, n_hidden=32, *, tau=0.1, dt=0.01, noise=0.0, activation="tanh", gain=1.0, output="linear",
                 readout="last", n_epochs=100, batch_size=32, learning_rate=0.01, optimizer="adam", momentum=0.0,
                 weight_decay=0.0, clip_norm=None, truncate=None, dtype="float64", init_params=None, rng=None):
        self.n_hidden = n_hidden
        self.tau = tau
        self.dt = dt
        self.noise = noise
        self.activation = activation
        self.gain = gain
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
        self.init_params = init_params
        self.rng = rng

    def _check_params(self):
        check_int("n_hidden", self.n_hidden, low=1)
        tau = check_positive("tau", self.tau)
        dt = check_positive("dt", self.dt)
        if dt > tau:
            raise ValidationError(f"dt must be <= tau for a stable Euler step (alpha = dt/tau <= 1); got dt={dt}, "
                                  f"tau={tau}")
        check_nonnegative("noise", self.noise)
        check_option("activation", self.activation, ACTIVATIONS)
        check_nonnegative("gain", self.gain)

    @property
    def _alpha(self):
        return float(self.dt) / float(self.tau)

    def _n_state_all(self):
        return int(self.n_hidden)

    def _init_params(self, n_in, n_out, rng):
        H = int(self.n_hidden)
        self.n_state_ = H
        return {
            "W_in": rng.uniform(-1, 1, (n_in, H)) / np.sqrt(n_in),
            "W_rec": rng.standard_normal((H, H)) * (float(self.gain) / np.sqrt(H)),
            "b": np.zeros(H),
            "W_out": rng.uniform(-1, 1, (H, n_out)) / np.sqrt(H),
            "b_out": np.zeros(n_out),
        }

    # ---------------------------------------------------------------- network
    def _forward(self, params, Xt, h0, noise_rng=None):
        T, B, _ = Xt.shape
        H = int(self.n_hidden)
        a = self._alpha
        dtype = params["W_rec"].dtype
        A = (Xt.reshape(T * B, -1) @ params["W_in"]).reshape(T, B, H)
        A += params["b"]
        A *= dtype.type(a)
        if noise_rng is not None and float(self.noise) > 0:
            A += noise_rng.standard_normal((T, B, H), dtype=dtype) * dtype.type(float(self.noise) * np.sqrt(float(self.dt)))
        Wa = params["W_rec"] * dtype.type(a)
        Xs = A  # states, in place over the drive
        Rs = np.empty_like(Xs)
        x = np.zeros((B, H), dtype) if h0 is None else h0
        r = _act(self.activation, x)
        leak = dtype.type(1.0 - a)
        with serial_blas(B * H * H):
            for t in range(T):
                xt = Xs[t]
                xt += r @ Wa
                xt += leak * x
                if self.activation == "tanh":
                    np.tanh(xt, out=Rs[t])
                else:
                    Rs[t] = _act(self.activation, xt)
                x, r = xt, Rs[t]
        return Rs, {"inp": Xt, "X": Xs, "R": Rs, "x0": None if h0 is None else h0}

    def _backward(self, params, cache, dR, truncate, want_state_grads):
        Xs, Rs, inp = cache["X"], cache["R"], cache["inp"]
        T, B, H = Xs.shape
        a = self._alpha
        dtype = Xs.dtype
        W = params["W_rec"]
        D = _act_derivative(self.activation, Xs, Rs)
        dX = np.empty_like(Xs)
        WaT = (W * dtype.type(a)).T
        leak = dtype.type(1.0 - a)
        nxt = None
        with serial_blas(B * H * H):
            for t in range(T - 1, -1, -1):
                tmp = dR[t] if nxt is None else dR[t] + nxt @ WaT
                np.multiply(tmp, D[t], out=dX[t])
                if nxt is not None:
                    dX[t] += leak * nxt
                nxt = None if (truncate is not None and t % truncate == 0) else dX[t]
        x0 = cache["x0"]
        r0 = _act(self.activation, np.zeros((B, H), dtype) if x0 is None else x0)
        Rprev = np.concatenate([r0[None], Rs[:-1]], axis=0)
        dXa = dX.reshape(T * B, H) * dtype.type(a)
        grads = {
            "W_rec": Rprev.reshape(T * B, H).T @ dXa,
            "W_in": inp.reshape(T * B, -1).T @ dXa,
            "b": dXa.sum(axis=0),
        }
        return grads, (dX if want_state_grads else None)

    @property
    def layer_names_(self):
        """``["rate", "output"]``, the layers :meth:`activations` returns (rates r = activation(x))."""
        self._check_fitted()
        return ["rate", "output"]

    def _layer_states(self, cache):
        return [cache["R"]]

    def _run_variables(self, cache):
        return {
            "hidden": (cache["X"], {"units": "1", "long_name": "state x (synaptic current)"}),
            "rate": (cache["R"], {"units": "1", "long_name": "rate r = activation(x)"}),
        }

    def run(self, X, *, mask=None, h0=None, noise=True, rng=None):
        """Run the trained network and return its states, rates and outputs at every step.

        Parameters
        ----------
        X : array of shape (n_sequences, n_steps, n_features) or (n_sequences, n_steps)
            Input sequences (one step lasts ``dt``).
        mask : bool array of shape (n_sequences, n_steps), optional
            Accepted for symmetry; every step is computed.
        h0 : array of shape (n_hidden,) or (n_sequences, n_hidden), optional
            Initial state x (zeros by default).
        noise : bool, default True
            Add the private noise of the model (when ``self.noise > 0``).
        rng : None, int, SeedSequence or Generator
            Stream of the noise; None uses the model's own stream (``rng_``).

        Returns
        -------
        xarray.Dataset
            ``hidden`` (trial, time, unit) = the state x, ``rate`` (trial, time, unit) = φ(x) and
            ``output`` (trial, time, output_unit); ``time`` is the step index (multiply by ``dt`` for s).
        """
        self._check_fitted()
        noise_rng = None
        if noise and float(self.noise) > 0:
            noise_rng = self.rng_ if rng is None else as_generator(rng)
        return super().run(X, mask=mask, h0=h0, noise_rng=noise_rng)

    # --------------------------------------------------------- single steps
    def _features(self, state):
        return _act(self.activation, state)

    def step(self, state, u):
        """One noise-free Euler step ``x + alpha (-x + phi(x) W_rec + u W_in + b)``.

        Parameters
        ----------
        state : array of shape (..., n_hidden)
            State x.
        u : array of shape (..., n_features)
            Input; leading dims broadcast against those of ``state``.

        Returns
        -------
        ndarray of shape (..., n_hidden)
        """
        self._check_fitted()
        x, u = self._check_state(state), self._check_u(u)
        p, a = self.params_, self._alpha
        return (1 - a) * x + a * (_act(self.activation, x) @ p["W_rec"] + u @ p["W_in"] + p["b"])

    def step_jacobian(self, state, u):
        """Jacobian of :meth:`step` with respect to the state, ``(1-alpha) I + alpha W_rec^T diag(phi'(x))``.

        Parameters
        ----------
        state : array of shape (..., n_hidden)
            State x.
        u : array of shape (..., n_features)
            Input (the Jacobian does not depend on it, but its leading dims broadcast).

        Returns
        -------
        ndarray of shape (..., n_hidden, n_hidden)
            ``J[..., i, j] = d step_i / d x_j``.
        """
        self._check_fitted()
        x, u = self._check_state(state), self._check_u(u)
        lead = np.broadcast_shapes(x.shape[:-1], u.shape[:-1])
        x = np.broadcast_to(x, lead + x.shape[-1:])
        a = self._alpha
        d = _act_derivative(self.activation, x, _act(self.activation, x))
        H = x.shape[-1]
        return (1 - a) * np.eye(H, dtype=x.dtype) + a * self.params_["W_rec"].T * d[..., None, :]
