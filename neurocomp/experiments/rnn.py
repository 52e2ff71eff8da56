"""Recurrent-network experiments: train a network on a task, then open the black box.

* ``flipflop_fixed_points`` — a 3-bit flip-flop network stores its 8 memories as stable fixed
  points at the corners of a cube, with saddles between them (Sussillo & Barak 2013).
* ``context_dependent_integration`` — a rate network trained on Mante et al.'s (2013) task
  integrates the relevant coherence and ignores the other; its slow points form a line
  attractor along the choice axis.
* ``reber_lstm`` — the embedded Reber grammar: an LSTM carries the outer symbol across the
  inner string where a vanilla network of the same size fails, and the error signal
  ‖∂L/∂hₜ‖ vanishes backwards in time in the vanilla network (Hochreiter & Schmidhuber 1997).
* ``char_rnn`` — a character-level LSTM language model of a generated corpus whose entropy
  rate is known exactly: generated text, per-character surprise, and the model's
  cross-entropy against plug-in entropy-rate estimates (Graves 2013).
"""

from __future__ import annotations

import copy
from typing import Annotated

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from neurocomp._validation import ValidationError
from neurocomp.experiments._registry import ExperimentResult, Length, Range, experiment
from neurocomp.plotting import rnn as rplot
from neurocomp.random import spawn

_ONE = {"units": "1"}


def _fig(ncols=1, width=4.8, height=3.9, nrows=1, **kw):
    return plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), layout="constrained", **kw)


def _pca(states, k):
    """Mean and the first k principal axes (k, n) of rows of ``states``."""
    mean = states.mean(0)
    _, _, vt = np.linalg.svd(states - mean, full_matrices=False)
    return mean, vt[:k]


def _logistic(Z, y, n_iter=50):
    """Maximum-likelihood logistic regression by Newton's method; coefficients and their standard errors."""
    beta = np.zeros(Z.shape[1])
    for _ in range(n_iter):
        p = 1.0 / (1.0 + np.exp(-Z @ beta))
        W = p * (1 - p)
        H = Z.T @ (Z * W[:, None]) + 1e-9 * np.eye(Z.shape[1])
        step = np.linalg.solve(H, Z.T @ (y - p))
        beta = beta + step
        if np.abs(step).max() < 1e-10:
            break
    p = 1.0 / (1.0 + np.exp(-Z @ beta))
    cov = np.linalg.inv(Z.T @ (Z * (p * (1 - p))[:, None]) + 1e-9 * np.eye(Z.shape[1]))
    return beta, np.sqrt(np.diag(cov))


# ------------------------------------------------------------------------------- flip-flop
def _flipflop_memory(*, n_hidden, n_trials, n_steps, n_initial, **_):
    return 8.0 * (n_trials * n_steps * n_hidden * 30 + n_initial * n_hidden * n_hidden * 6)


@experiment("flipflop_fixed_points", memory=_flipflop_memory)
def flipflop_fixed_points(
    *,
    n_bits: Annotated[int, Range(1, 6)] = 3,
    n_hidden: Annotated[int, Range(4, 256)] = 32,
    cell: str = "vanilla",
    n_trials: Annotated[int, Range(16, 20_000)] = 256,
    n_steps: Annotated[int, Range(10, 1000)] = 50,
    pulse_prob: Annotated[float, Range(0.0, 0.5, low_open=True)] = 0.05,
    n_epochs: Annotated[int, Range(1, 2000)] = 30,
    learning_rate: Annotated[float, Range(0.0, 1.0, low_open=True)] = 0.01,
    n_initial: Annotated[int, Range(8, 5000)] = 512,
    noise: Annotated[float, Range(0.0, 1.0)] = 0.05,
    rng=None,
) -> ExperimentResult:
    """Fixed points of a network trained on the n-bit flip-flop (Sussillo & Barak 2013).

    A recurrent network is trained to hold the sign of the last pulse on each of
    ``n_bits`` input lines. Its fixed points under zero input are then found by
    minimising q(x) = ½‖F(x) − x‖² from states along test trajectories
    (:func:`neurocomp.rnn.fixed_points.find_fixed_points`), and classified by the
    eigenvalues of the Jacobian.

    Parameters
    ----------
    n_bits : int
        Memory bits (2^n_bits memories).
    n_hidden : int
        Recurrent units.
    cell : {"vanilla", "gru", "lstm"}
        Recurrent cell.
    n_trials : int
        Training sequences.
    n_steps : int
        Steps per training sequence.
    pulse_prob : float
        Pulse probability per bit and step.
    n_epochs : int
    learning_rate : float
        Adam step size.
    n_initial : int
        Starting states of the fixed-point search.
    noise : float
        SD of the perturbation of the starting states.
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: the fixed points (``state``, ``kind``, ``q``, eigenvalues, ``output`` —
        the read-out of each fixed point — and ``projection`` on the top 3 principal
        components of the test states) and the test ``trajectory`` in those
        components; ``loss`` over ``epoch``. Summary: ``n_stable_fixed_points``,
        ``n_saddles``, ``n_corners_stored`` (distinct cube corners read out at a stable
        point, within 0.5 of ±1 on every bit), ``test_r2``.

    References
    ----------
    Sussillo, D. & Barak, O. (2013). Opening the black box: low-dimensional dynamics in
    high-dimensional recurrent neural networks. Neural Computation 25, 626–649.
    """
    from neurocomp.rnn import RNN, tasks
    from neurocomp.rnn.fixed_points import find_fixed_points

    if cell not in ("vanilla", "gru", "lstm"):
        raise ValidationError(f"cell must be 'vanilla', 'gru' or 'lstm'; got {cell!r}")
    r_data, r_test, r_net, r_fp = spawn(rng, 4)
    X, y, _ = tasks.to_arrays(tasks.flipflop(n_trials=n_trials, n_steps=n_steps, n_bits=n_bits,
                                             pulse_prob=pulse_prob, rng=r_data))
    net = RNN(cell, n_hidden, output="linear", readout="all", n_epochs=n_epochs, batch_size=32,
              learning_rate=learning_rate, rng=r_net).fit(X, y)
    test = tasks.flipflop(n_trials=64, n_steps=2 * n_steps, n_bits=n_bits, pulse_prob=pulse_prob, rng=r_test)
    Xt, yt, _ = tasks.to_arrays(test)
    run = net.run(Xt)
    fp = find_fixed_points(net, run, n_initial=n_initial, noise=noise, rng=r_fp)
    from neurocomp.rnn.fixed_points import collect_states

    states = collect_states(run)
    mean, axes = _pca(states, 3)
    traj = (states - mean) @ axes.T
    traj = xr.DataArray(traj.reshape(run.sizes["trial"], run.sizes["time"], 3), dims=("trial", "time", "component"),
                        attrs={"units": "1", "long_name": "test trajectory in principal components"})
    proj = (fp.state.values - mean) @ axes.T
    fp["projection"] = (("fixed_point", "component"), proj, {"units": "1", "long_name": "fixed point in principal "
                                                            "components"})
    outputs = net.output_from_state(fp.state.values) if fp.sizes["fixed_point"] else np.zeros((0, n_bits))
    fp["output"] = (("fixed_point", "output"), outputs, {"units": "1", "long_name": "read-out of the fixed point"})
    kinds = fp.kind.values
    stable_out = outputs[kinds == "stable"]
    corners = {tuple(np.sign(o).astype(int)) for o in stable_out if np.all(np.abs(np.abs(o) - 1) < 0.5)}
    ds = fp.drop_vars(["jacobian"]).assign(trajectory=traj)
    ds["loss"] = net.learning_curve_["loss"]
    ds = ds.assign_coords(component=[1, 2, 3], output=test.output.values)
    summary = {
        "n_stable_fixed_points": int((kinds == "stable").sum()),
        "n_saddles": int((kinds == "saddle").sum()),
        "n_marginal": int((kinds == "marginal").sum()),
        "n_unstable": int((kinds == "unstable").sum()),
        "n_corners_stored": len(corners),
        "n_memories": 2**n_bits,
        "test_r2": float(net.score(Xt, yt)),
        "final_loss": float(net.learning_curve_["loss"][-1]),
    }
    fig = plt.figure(figsize=(11, 4.6), layout="constrained")
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    sub = traj.isel(trial=slice(0, 12))
    rplot.plot_state_space(sub, fp, ax=ax3, alpha=0.5)
    ax3.set_title(f"{n_bits}-bit flip-flop: {summary['n_stable_fixed_points']} stable points, "
                  f"{summary['n_saddles']} saddles", fontsize="medium")
    ax2 = fig.add_subplot(1, 2, 2)
    out = run.output.isel(trial=0).values
    t = np.arange(out.shape[0])
    for b in range(n_bits):
        off = 3.0 * (n_bits - 1 - b)
        ax2.plot(t, Xt[0, :, b] * 0.6 + off, color="0.6", lw=0.8, label="input pulse" if b == 0 else None)
        ax2.plot(t, yt[0, :, b] + off, color="k", lw=1.5, label="target" if b == 0 else None)
        ax2.plot(t, out[:, b] + off, color="C3", lw=1.0, ls="--", label="network output" if b == 0 else None)
    ax2.set_yticks([3.0 * (n_bits - 1 - b) for b in range(n_bits)], [f"bit {b + 1}" for b in range(n_bits)])
    ax2.set_xlabel("time step")
    ax2.set_title("a test trial (outputs offset per bit)", fontsize="medium")
    ax2.legend(frameon=False, fontsize="small", loc="upper right", ncol=3)
    table = pd.DataFrame({"kind": kinds, "q": fp.q.values, "n_unstable": fp.n_unstable.values,
                          **{f"output {b + 1}": np.round(outputs[:, b], 2) for b in range(n_bits)}})
    return ExperimentResult(dataset=ds, figures={"state_space": fig}, summary=summary, table=table)


# ------------------------------------------------------------------------ context-dependent integration
def _cdi_memory(*, n_hidden, n_trials, n_test_trials, **_):
    return 8.0 * ((n_trials + n_test_trials) * 60 * n_hidden * 6 + 512 * n_hidden * n_hidden * 6)


def _regression_axes(states, design, names, first_time, last_time):
    """Mante et al.'s targeted axes: regress each unit on the task variables at every time, take each
    variable's coefficient vector at the time of its largest norm, orthogonalise in the given order (QR)."""
    S = states[:, first_time:last_time]  # trial, time, unit
    B = np.linalg.lstsq(design, S.reshape(S.shape[0], -1), rcond=None)[0]
    B = B.reshape(design.shape[1], S.shape[1], S.shape[2])
    vecs = []
    for k in range(1, 1 + len(names)):
        norms = np.linalg.norm(B[k], axis=-1)
        vecs.append(B[k, int(np.argmax(norms))])
    Q, R = np.linalg.qr(np.stack(vecs, 1))
    return Q * np.sign(np.diag(R))[None, :]


@experiment("context_dependent_integration", memory=_cdi_memory)
def context_dependent_integration(
    *,
    n_hidden: Annotated[int, Range(8, 256)] = 64,
    n_trials: Annotated[int, Range(64, 20_000)] = 2048,
    n_epochs: Annotated[int, Range(1, 1000)] = 80,
    learning_rate: Annotated[float, Range(0.0, 0.1, low_open=True)] = 0.003,
    coherences: Annotated[list[float], Range(-2.0, 2.0), Length(2, 20)] = [-0.5, -0.15, -0.05, 0.05, 0.15, 0.5],  # noqa: B006
    noise_sd: Annotated[float, Range(0.0, 10.0)] = 1.0,
    tau: Annotated[float, Range(0.001, 10.0)] = 0.1,
    dt: Annotated[float, Range(0.001, 1.0)] = 0.02,
    n_test_trials: Annotated[int, Range(100, 20_000)] = 2000,
    n_initial: Annotated[int, Range(8, 5000)] = 256,
    tol_q: Annotated[float, Range(0.0, 1.0, low_open=True)] = 0.03,
    max_iter: Annotated[int, Range(0, 100_000)] = 400,
    rng=None,
) -> ExperimentResult:
    """Context-dependent integration by a trained rate network (Mante, Sussillo, Shenoy & Newsome 2013).

    A continuous-time rate network (τ dx/dt = −x + W φ(x) + input) sees the motion
    and colour coherence of a noisy stimulus and a context cue, and must report the
    sign of the cued one. After training: psychometric curves per context for both
    coherences (logistic regression of the choice on both: slopes ± SE); the targeted
    regression axes of the population (choice, motion, colour); and the slow points of
    the dynamics under each context's input, with the alignment ``|cos|`` of their slow
    eigenvector with the choice axis.

    Parameters
    ----------
    n_hidden : int
        Units.
    n_trials : int
        Training trials.
    n_epochs : int
    learning_rate : float
        Adam step size.
    coherences : list of float
        Signed, non-zero coherence levels (both channels).
    noise_sd : float
        Standard deviation of each sensory input per step.
    tau : float
        Time constant in s.
    dt : float
        Integration and input step in s (≤ tau).
    n_test_trials : int
        Trials of the psychometric test and the population analysis.
    n_initial : int
        Starting states of each fixed-point search.
    tol_q : float
        Largest speed ½‖F(x) − x‖² of a kept slow point (compare the summary's
        ``median_trajectory_q``, the speed along the stimulus-period trajectories).
    max_iter : int
        Adam iterations of the slow-point search (no Newton refinement: slow points,
        not only exact fixed points, are wanted).
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: per context, ``p_choice`` (± SE) against motion and colour coherence;
        condition-averaged trajectories projected on the regression axes; the slow
        points (state projections, slow directions, ``alignment``). Summary: logistic
        slopes and SEs (``<context>_context_<coherence>_slope``), accuracy, and per
        context the number of slow points, ``line_alignment`` (``|cos|`` between the first
        principal axis of the slow points — the line they lie on — and the choice axis),
        ``median_alignment`` (the same for each point's slowest eigenvector), the median
        leading ODE eigenvalue of the slow points in 1/s (against −1/τ for a single unit),
        and ``chance_alignment``, the mean ``|cos|`` of random directions.

    References
    ----------
    Mante, V., Sussillo, D., Shenoy, K. V. & Newsome, W. T. (2013). Context-dependent
    computation by recurrent dynamics in prefrontal cortex. Nature 503, 78–84.
    """
    from neurocomp.rnn import RateRNN, tasks
    from neurocomp.rnn.fixed_points import find_fixed_points

    if dt > tau:
        raise ValidationError(f"dt must be at most tau; got dt={dt}, tau={tau}")
    r_data, r_test, r_net, r_fp = spawn(rng, 4)
    kw = dict(coherences=coherences, noise_sd=noise_sd, dt=dt)
    X, y, _ = tasks.to_arrays(tasks.context_dependent_integration(n_trials=n_trials, rng=r_data, **kw),
                              readout="last")
    net = RateRNN(n_hidden, tau=tau, dt=dt, output="linear", readout="last", n_epochs=n_epochs, batch_size=32,
                  learning_rate=learning_rate, rng=r_net).fit(X, y)
    test = tasks.context_dependent_integration(n_trials=n_test_trials, rng=r_test, **kw)
    Xt = test.inputs.values
    run = net.run(Xt, noise=False)
    choice = np.where(run.output.isel(time=-1).values[:, 0] > 0, 1.0, -1.0)
    motion, colour, ctx = test.motion_coherence.values, test.colour_coherence.values, test.context.values
    relevant = np.where(ctx == 0, motion, colour)
    levels = np.unique(np.asarray(coherences, float))
    fine = np.linspace(levels.min(), levels.max(), 101)
    names = ("motion", "colour")
    summary = {"accuracy": float((choice == np.sign(relevant)).mean())}
    p_choice = np.zeros((2, 2, len(levels)))
    p_se = np.zeros_like(p_choice)
    fits = np.zeros((2, 2, len(fine)))
    for c in (0, 1):
        sel = ctx == c
        Z = np.column_stack([np.ones(sel.sum()), motion[sel], colour[sel]])
        beta, se = _logistic(Z, (choice[sel] > 0).astype(float))
        for j, name in enumerate(names):
            summary[f"{names[c]}_context_{name}_slope"] = float(beta[1 + j])
            summary[f"{names[c]}_context_{name}_slope_se"] = float(se[1 + j])
            coh = Z[:, 1 + j]
            for k, v in enumerate(levels):
                pick = choice[sel][coh == v] > 0
                p_choice[c, j, k] = pick.mean() if pick.size else np.nan
                p_se[c, j, k] = np.sqrt(p_choice[c, j, k] * (1 - p_choice[c, j, k]) / max(pick.size, 1))
            # the fitted curve against one coherence, averaging the logistic over the other one's levels
            other = Z[:, 2 - j]
            fits[c, j] = np.mean(1 / (1 + np.exp(-(beta[0] + beta[1 + j] * fine[:, None]
                                                   + beta[2 - j] * other[None, :]))), axis=1)
    # targeted regression axes (choice, motion, colour) from the hidden states during stimulus and response
    states = run.hidden.values
    design = np.column_stack([np.ones(len(choice)), choice, motion, colour, np.where(ctx == 0, -1.0, 1.0)])
    resp = test.response_period.values
    first = int(np.argmax(test.inputs.sel(input="motion").values[0] != 0))
    end_stim = int(np.argmax(resp))
    axes = _regression_axes(states, design, ("choice", "motion", "colour"), first, len(resp))
    center = states[:, first:].reshape(-1, n_hidden).mean(0)
    proj_all = (states - center) @ axes  # trial, time, 3
    # condition averages: by context and the coherence of one channel, split by choice as in Mante et al.
    cond_traj, cond_coh, cond_ctx, cond_axis = [], [], [], []
    for c in (0, 1):
        for j, coh in enumerate((motion, colour)):
            for v in levels:
                sel = (ctx == c) & (coh == v)
                if sel.any():
                    cond_traj.append(proj_all[sel].mean(0))
                    cond_coh.append(v)
                    cond_ctx.append(c)
                    cond_axis.append(j)
    cond_traj = np.stack(cond_traj)
    # slow points under each context's input (sensory inputs off)
    fps, align_all = {}, {}
    for c in (0, 1):
        u = np.zeros(4)
        u[2 + c] = 1.0
        pool = run.hidden.isel(trial=np.flatnonzero(ctx == c)).isel(time=slice(first, end_stim))
        fp = find_fixed_points(net, pool, inputs=u, n_initial=n_initial, noise=0.0, tol_q=tol_q, unique_tol=0.05,
                               max_iter=max_iter, n_newton=0, rng=r_fp)
        flat = pool.values.reshape(-1, n_hidden)
        summary[f"{names[c]}_context_median_trajectory_q"] = float(np.median(
            0.5 * ((net.step(flat, np.broadcast_to(u, (len(flat), 4))) - flat) ** 2).sum(-1)))
        cos = np.abs(fp.slow_direction.values @ axes[:, 0]) if fp.sizes["fixed_point"] else np.zeros(0)
        fp["alignment"] = ("fixed_point", cos, {"units": "1", "long_name": "|cos| of slow direction and choice axis"})
        fp["projection"] = (("fixed_point", "component"), (fp.state.values - center) @ axes,
                            {"units": "1", "long_name": "slow point on the regression axes"})
        fp["direction_projection"] = (("fixed_point", "component"), fp.slow_direction.values @ axes,
                                      {"units": "1", "long_name": "slow direction on the regression axes"})
        fps[c] = fp
        align_all[c] = cos
        summary[f"{names[c]}_context_n_slow_points"] = int(fp.sizes["fixed_point"])
        summary[f"{names[c]}_context_median_alignment"] = float(np.median(cos)) if cos.size else float("nan")
        if fp.sizes["fixed_point"] >= 3:  # the direction of the line the slow points lie on (their first PC)
            line = _pca(fp.state.values, 1)[1][0]
            summary[f"{names[c]}_context_line_alignment"] = float(abs(line @ axes[:, 0]))
        else:
            summary[f"{names[c]}_context_line_alignment"] = float("nan")
        lead = fp.rate_real.isel(mode=0).values if fp.sizes["fixed_point"] else np.zeros(0)
        summary[f"{names[c]}_context_median_leading_rate_per_s"] = (
            float(np.median(lead)) if lead.size else float("nan"))  # compare −1/tau, the single-unit decay
    summary["chance_alignment"] = float(np.sqrt(2 / (np.pi * n_hidden)))  # E|cos| of random directions in n dims
    ctx_names = ["motion context", "colour context"]
    coh_da = xr.DataArray(levels, dims="coherence", attrs={"units": "1", "long_name": "coherence"})
    ds = xr.Dataset(
        {"p_choice": (("context", "channel", "coherence"), p_choice, {"units": "1", "long_name": "fraction of +1 choices"}),
         "p_choice_se": (("context", "channel", "coherence"), p_se, {"units": "1", "long_name": "standard error"}),
         "p_choice_fit": (("context", "channel", "coherence_fine"), fits, {"units": "1", "long_name": "logistic fit"}),
         "condition_trajectory": (("condition", "time", "component"), cond_traj,
                                  {"units": "1", "long_name": "condition-averaged state on the regression axes"}),
         "condition_coherence": ("condition", np.asarray(cond_coh), {"units": "1", "long_name": "coherence"}),
         "condition_context": ("condition", np.asarray(cond_ctx), {"units": "1", "long_name": "context"}),
         "condition_channel": ("condition", np.asarray(cond_axis), {"units": "1", "long_name": "sorted by channel "
                                                                    "(0 motion, 1 colour)"}),
         "loss": net.learning_curve_["loss"]},
        coords={"context": ctx_names, "channel": list(names), "coherence": coh_da, "coherence_fine": fine,
                "component": ["choice", "motion", "colour"]},
    )
    slow = xr.concat([fps[c][["projection", "direction_projection", "alignment", "kind", "q"]].drop_vars(
        ["fixed_point", "unit", "unit_post", "mode"], errors="ignore").assign(
        slow_point_context=("fixed_point", np.full(fps[c].sizes["fixed_point"], c),
                            {"units": "1", "long_name": "context (0 motion, 1 colour)"})) for c in (0, 1)],
        dim="fixed_point", data_vars="all")
    ds = ds.merge(slow.rename({k: f"slow_point_{k}" for k in slow.data_vars if not k.startswith("slow_point")}),
                  compat="override")
    # figures
    fig1, axs = _fig(2, 4.4, 3.6, nrows=2, sharey=True)
    for c in (0, 1):
        for j, name in enumerate(names):
            d = xr.Dataset({"p_choice": ds.p_choice[c, j], "p_choice_se": ds.p_choice_se[c, j],
                            "fit": ("coherence_fine", fits[c, j])}, coords={"coherence_fine": fine})
            rel = "relevant" if c == j else "irrelevant"
            b, se = summary[f"{names[c]}_context_{name}_slope"], summary[f"{names[c]}_context_{name}_slope_se"]
            rplot.plot_psychometric({f"slope {b:.1f} ± {se:.1f}": d}, ax=axs[c, j], xlabel=f"{name} coherence")
            axs[c, j].set_title(f"{ctx_names[c]}: {name} ({rel})", fontsize="medium")
    fig2, bxs = _fig(2, 4.6, 3.8, nrows=2)
    for c in (0, 1):
        for j, name in enumerate(names):
            sel = (np.asarray(cond_ctx) == c) & (np.asarray(cond_axis) == j)
            tr = xr.DataArray(cond_traj[sel][:, :, [0, 1 + j]], dims=("trial", "time", "component"))
            fpp = fps[c]
            fpd = xr.Dataset({"projection": (("fixed_point", "component"), fpp.projection.values[:, [0, 1 + j]]),
                              "kind": fpp.kind})
            span = float(np.ptp(tr.values[..., 0])) if tr.size else 1.0
            rplot.plot_state_space(tr, fpd, ax=bxs[c, j], color=np.asarray(cond_coh)[sel],
                                   directions=fpp.direction_projection.values[:, [0, 1 + j]],
                                   direction_length=0.15 * span, labels=("choice axis", f"{name} axis"), alpha=0.9,
                                   legend_title="slow points")
            rel = "relevant" if c == j else "irrelevant"
            bxs[c, j].set_title(f"{ctx_names[c]}, sorted by {name} ({rel})", fontsize="medium")
    table = pd.DataFrame([{"context": ctx_names[c], "coherence": name,
                           "slope": summary[f"{names[c]}_context_{name}_slope"],
                           "slope_se": summary[f"{names[c]}_context_{name}_slope_se"]}
                          for c in (0, 1) for name in names])
    return ExperimentResult(dataset=ds, figures={"psychometric": fig1, "state_space": fig2}, summary=summary,
                            table=table)


# ------------------------------------------------------------------------------------ embedded Reber
def _reber_memory(*, n_hidden, n_train, n_test, **_):
    return 8.0 * (n_train + n_test) * 40 * (n_hidden * 20 + 14)


@experiment("reber_lstm", memory=_reber_memory)
def reber_lstm(
    *,
    n_hidden: Annotated[int, Range(2, 256)] = 8,
    n_train: Annotated[int, Range(50, 50_000)] = 1000,
    n_test: Annotated[int, Range(50, 50_000)] = 4000,
    n_epochs: Annotated[int, Range(1, 1000)] = 60,
    learning_rate: Annotated[float, Range(0.0, 1.0, low_open=True)] = 0.01,
    gradient_length: Annotated[int, Range(9, 40)] = 20,
    rng=None,
) -> ExperimentResult:
    """The embedded Reber grammar: LSTM against a vanilla RNN of the same size (Hochreiter & Schmidhuber 1997).

    Both networks (softmax read-out at every step, Adam, gradient clipping at 5) learn
    to predict the next symbol of embedded Reber strings. A string counts as correctly
    predicted when at every step the grammatical successors get more probability than
    every other symbol (:func:`neurocomp.rnn.tasks.reber_score`); the long-lag step
    predicts the second-to-last symbol, which repeats the second. The vanishing-gradient
    figure shows ‖∂L/∂hₜ‖ for the loss of that long-lag prediction alone, over strings
    of ``gradient_length`` symbols, before and after training, relative to its value at
    the read-out step.

    Parameters
    ----------
    n_hidden : int
        Hidden units of both networks (LSTM cells or tanh units).
    n_train : int
        Training strings.
    n_test : int
        Test strings.
    n_epochs : int
    learning_rate : float
        Adam step size.
    gradient_length : int
        Length of the strings of the gradient figure.
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: ``gradient_norm`` (network, training, time); ``long_lag_correct``
        (network, length_bin). Summary: ``<net>_fraction_correct``,
        ``<net>_long_lag_correct``, ``<net>_relative_gradient_first_step`` (before and
        after training).

    References
    ----------
    Hochreiter, S. & Schmidhuber, J. (1997). Long short-term memory. Neural Computation 9,
    1735–1780.
    Bengio, Y., Simard, P. & Frasconi, P. (1994). Learning long-term dependencies with
    gradient descent is difficult. IEEE Trans. Neural Networks 5, 157–166.
    """
    from neurocomp.rnn import RNN, tasks

    r_train, r_test, r_grad, r_net = spawn(rng, 4)
    X, y, m = tasks.to_arrays(tasks.embedded_reber(n_trials=n_train, rng=r_train))
    test = tasks.embedded_reber(n_trials=n_test, rng=r_test)
    Xt, yt, mt = tasks.to_arrays(test)
    lengths = test.length.values
    pool = [s for s in tasks.reber_strings(40 * (gradient_length + 20), rng=r_grad) if len(s) == gradient_length]
    if len(pool) < 5:
        raise ValidationError(f"too few embedded Reber strings have gradient_length={gradient_length} symbols; "
                              f"choose a length between 9 and 30")
    gset = tasks.embedded_reber(strings=pool[:200])
    Xg, yg, _ = tasks.to_arrays(gset)
    L0 = gradient_length
    bins = [(9, 12), (12, 16), (16, 20), (20, 200)]
    bin_labels = ["9–11", "12–15", "16–19", "≥ 20"]
    summary, grads, lag_bins, lag_n = {}, {}, {}, [int(((lengths >= a) & (lengths < b)).sum()) for a, b in bins]
    net_rngs = spawn(r_net, 2)
    for cell, r in zip(("lstm", "vanilla"), net_rngs):
        for stage, epochs in (("initial", 0), ("trained", n_epochs)):
            net = RNN(cell, n_hidden, output="softmax", readout="all", n_epochs=epochs, batch_size=32,
                      learning_rate=learning_rate, clip_norm=5.0, rng=copy.deepcopy(r)).fit(X, y, mask=m)
            last = copy.deepcopy(net)
            last.readout = "last"
            g = last.hidden_gradient_norms(Xg[:, :L0 - 2], yg[:, L0 - 3]).values
            grads[(cell, stage)] = g / g[-1]
            summary[f"{cell}_relative_gradient_first_step_{stage}"] = float(g[0] / g[-1])
        p = net.predict_proba(Xt, mask=mt)
        full = np.zeros(p.shape[:2] + (len(tasks.REBER_SYMBOLS),))
        full[..., np.asarray(net.classes_, int)] = p
        sc = tasks.reber_score(full, test)
        summary[f"{cell}_fraction_correct"] = sc.attrs["fraction_correct"]
        summary[f"{cell}_long_lag_correct"] = sc.attrs["fraction_long_lag_correct"]
        lag_bins[cell] = [float(sc.long_lag_correct.values[(lengths >= a) & (lengths < b)].mean())
                          if ((lengths >= a) & (lengths < b)).any() else np.nan for a, b in bins]
        summary[f"{cell}_final_loss"] = float(net.learning_curve_["loss"][-1])
    nets = ["LSTM", "vanilla RNN"]
    ds = xr.Dataset(
        {"gradient_norm": (("network", "training", "time"),
                           np.array([[grads[(c, s)] for s in ("initial", "trained")] for c in ("lstm", "vanilla")]),
                           {"units": "1", "long_name": "‖∂L/∂hₜ‖ relative to the read-out step"}),
         "long_lag_correct": (("network", "length_bin"), np.array([lag_bins["lstm"], lag_bins["vanilla"]]),
                              {"units": "1", "long_name": "fraction of long-lag symbols predicted"}),
         "n_strings": ("length_bin", lag_n, {"units": "1", "long_name": "test strings per length bin"})},
        coords={"network": nets, "training": ["initial", "trained"], "time": np.arange(L0 - 2),
                "length_bin": bin_labels},
    )
    fig1, axs = _fig(2, 4.8, 3.8)
    for k, stage in enumerate(("initial", "trained")):
        rplot.plot_gradient_norms({n: ds.gradient_norm.sel(network=n, training=stage) for n in nets}, ax=axs[k])
        axs[k].set_ylabel("‖∂L/∂hₜ‖ / ‖∂L/∂h at read-out‖")
        axs[k].set_title(f"{'before' if k == 0 else 'after'} training (loss at the long-lag step)", fontsize="medium")
    fig2, bx = _fig(1, 5.2, 3.8)
    w = 0.38
    xs = np.arange(len(bins))
    for i, n in enumerate(nets):
        key = "lstm" if i == 0 else "vanilla"
        bx.bar(xs + (i - 0.5) * w, ds.long_lag_correct.sel(network=n).values, width=w, color=f"C{i}",
               label=f"{n}: {100 * summary[key + '_fraction_correct']:.2f} % of strings correct")
    bx.axhline(0.5, color="0.5", ls="--", lw=0.8, label="chance (T or P)")
    bx.set_xticks(xs, [f"{b}\n({n} strings)" for b, n in zip(bin_labels, lag_n)])
    bx.set_xlabel("string length (symbols)")
    bx.set_ylabel("long-lag symbol predicted")
    bx.set_ylim(0, 1.05)
    bx.legend(fontsize="small", loc="lower left", framealpha=0.95)
    bx.set_title(f"embedded Reber grammar, {n_hidden} hidden units each", fontsize="medium")
    table = pd.DataFrame({"length": bin_labels, "strings": lag_n, "LSTM": lag_bins["lstm"],
                          "vanilla": lag_bins["vanilla"]})
    return ExperimentResult(dataset=ds, figures={"gradient_norms": fig1, "long_lag": fig2}, summary=summary,
                            table=table)


# ------------------------------------------------------------------------------------- char-RNN
def _char_memory(*, n_hidden, n_trials, n_steps, **_):
    return 8.0 * n_trials * n_steps * (n_hidden * 20 + 60)


def generate_text(model, alphabet, *, prime: str = "the ", n_chars: int = 200, temperature: float = 1.0,
                  rng=None) -> str:
    """Sample text from a trained character-level model, one character at a time.

    Parameters
    ----------
    model : fitted RNN (softmax, one layer)
        Trained on one-hot characters of ``alphabet``.
    alphabet : sequence of str
        The characters in code order.
    prime : str
        Text fed in first (each character must be in ``alphabet``).
    n_chars : int
        Characters to generate.
    temperature : float
        Probabilities are raised to 1/temperature and renormalised.
    rng : None, int or Generator

    Returns
    -------
    str
        ``prime`` followed by the generated characters.

    References
    ----------
    Graves, A. (2013). Generating sequences with recurrent neural networks. arXiv:1308.0850.
    """
    from neurocomp.random import as_generator

    alphabet = list(alphabet)
    index = {a: k for k, a in enumerate(alphabet)}
    bad = [c for c in prime if c not in index]
    if bad or not prime:
        raise ValidationError(f"prime must be non-empty and use only characters of alphabet; got {bad[:3] or prime!r}")
    if not 0 < temperature <= 10:
        raise ValidationError(f"temperature must lie in (0, 10]; got {temperature}")
    g = as_generator(rng)
    eye = np.eye(len(alphabet))
    classes = np.asarray(model.classes_, int)
    state = np.zeros(model.n_state_)
    for c in prime:
        state = model.step(state, eye[index[c]])
    out = list(prime)
    for _ in range(int(n_chars)):
        p = np.asarray(model.output_from_state(state), float) ** (1.0 / temperature)
        k = classes[g.choice(len(p), p=p / p.sum())]
        out.append(alphabet[k])
        state = model.step(state, eye[k])
    return "".join(out)


@experiment("char_rnn", memory=_char_memory)
def char_rnn(
    *,
    n_hidden: Annotated[int, Range(4, 512)] = 64,
    n_trials: Annotated[int, Range(10, 20_000)] = 1000,
    n_steps: Annotated[int, Range(5, 500)] = 50,
    n_epochs: Annotated[int, Range(1, 1000)] = 30,
    learning_rate: Annotated[float, Range(0.0, 1.0, low_open=True)] = 0.01,
    max_order: Annotated[int, Range(1, 12)] = 8,
    n_generate: Annotated[int, Range(10, 5000)] = 300,
    temperature: Annotated[float, Range(0.05, 10.0)] = 1.0,
    rng=None,
) -> ExperimentResult:
    """A character-level LSTM language model of a generated corpus with a known entropy rate.

    The corpus is :func:`neurocomp.rnn.tasks.grammar_corpus` (sentences of a small
    probabilistic grammar, entropy rate known exactly). The LSTM is trained on
    ``n_trials`` windows of ``n_steps`` characters; then it generates text (the fraction
    of generated sentences that are grammatical is counted exactly), and its mean
    surprise on held-out text (the cross-entropy, an upper bound on the entropy rate) is
    compared with the exact rate, the plug-in block estimates from the training text and
    the naive entropy of the character frequencies.

    Parameters
    ----------
    n_hidden : int
        LSTM cells.
    n_trials : int
        Training windows.
    n_steps : int
        Characters per window.
    n_epochs : int
    learning_rate : float
        Adam step size.
    max_order : int
        Longest block of the plug-in estimates.
    n_generate : int
        Characters generated.
    temperature : float
        Sampling temperature.
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: the plug-in ``conditional_entropy`` over ``order``, the ``surprise``
        of a held-out passage over ``time``, ``loss`` over ``epoch``. Summary:
        ``generated_text``, ``fraction_grammatical_sentences``,
        ``model_cross_entropy_bits`` (± SE), ``exact_entropy_rate_bits``,
        ``plugin_rate_longest_block_bits``, ``plugin_rate_extrapolated_bits``,
        ``naive_entropy_bits``.

    References
    ----------
    Graves, A. (2013). Generating sequences with recurrent neural networks. arXiv:1308.0850.
    Shannon, C. E. (1951). Prediction and entropy of printed English. Bell Syst. Tech. J. 30, 50–64.
    """
    from neurocomp.rnn import RNN, sequences, tasks

    r_text, r_test, r_net, r_gen = spawn(rng, 4)
    need = n_trials * n_steps + 1
    text = tasks.grammar_corpus(need // 20 + 50, rng=r_text)
    while len(text) < need:
        text += tasks.grammar_corpus(50, rng=r_text)
    text = text[:need]
    alphabet = sorted(set("".join(tasks.grammar_sentences())))
    train = tasks.char_sequences(text, n_steps=n_steps, alphabet=alphabet)
    X, y, _ = tasks.to_arrays(train)
    net = RNN("lstm", n_hidden, output="softmax", readout="all", n_epochs=n_epochs, batch_size=32,
              learning_rate=learning_rate, clip_norm=5.0, rng=r_net).fit(X, y)
    test_len = 200
    test_text = tasks.grammar_corpus(60 * test_len // 20 + 20, rng=r_test)
    test = tasks.char_sequences(test_text, n_steps=test_len, n_trials=min(50, (len(test_text) - 1) // test_len),
                                alphabet=alphabet)
    if not set(np.unique(y)) >= set(range(len(alphabet))):
        raise ValidationError("the training text does not contain every character of the grammar; raise n_trials")
    skip = 20
    rate = sequences.model_entropy_rate(net, test, skip=skip)
    s = sequences.surprise(net, test)
    est = sequences.entropy_estimates(text, max_order=max_order)
    exact = tasks.grammar_entropy_rate()
    generated = generate_text(net, alphabet, n_chars=n_generate, temperature=temperature, rng=r_gen)
    grammar = tasks.grammar_sentences()
    sentences = [t + ". " for t in generated.split(". ")[:-1]]
    n_ok = sum(t in grammar for t in sentences)
    summary = {
        "generated_text": generated,
        "fraction_grammatical_sentences": float(n_ok / len(sentences)) if sentences else float("nan"),
        "model_cross_entropy_bits": float(rate),
        "model_cross_entropy_se_bits": float(rate.attrs["sd"]),
        "exact_entropy_rate_bits": float(exact),
        "plugin_rate_longest_block_bits": float(est.rate_longest_block),
        "plugin_rate_extrapolated_bits": float(est.rate_extrapolated),
        "naive_entropy_bits": float(est.naive_entropy),
        "training_characters": len(text),
    }
    passage = s.isel(trial=0, time=slice(skip, skip + 80))
    idx = test.targets.isel(trial=0, time=slice(skip, skip + 80)).values
    passage_text = "".join(alphabet[k] for k in idx)
    ds = xr.Dataset({"conditional_entropy": est.conditional_entropy, "block_entropy": est.block_entropy,
                     "surprise": s.isel(trial=0).drop_vars("trial"), "loss": net.learning_curve_["loss"]})
    ds.attrs["passage"] = passage_text
    fig1, ax1 = _fig(1, 11.0, 3.0)
    rplot.plot_surprise(passage, passage_text, ax=ax1)
    ax1.set_title(f"surprise of each next character under the LSTM (mean {float(rate):.2f} bit/character; "
                  f"exact rate {exact:.2f})", fontsize="medium")
    fig2, ax2 = _fig(1, 5.6, 4.0)
    rplot.plot_entropy_estimates(est, ax=ax2, reference={
        f"LSTM cross-entropy ({float(rate):.3f})": float(rate),
        f"exact entropy rate ({exact:.3f})": exact,
    })
    ax2.set_title(f"entropy rate of the corpus ({len(text)} characters)", fontsize="medium")
    table = pd.DataFrame({"estimate": ["naive (character frequencies)", f"plug-in, block {max_order}",
                                       "plug-in, extrapolated", "LSTM cross-entropy", "exact"],
                          "bits_per_character": [summary["naive_entropy_bits"],
                                                 summary["plugin_rate_longest_block_bits"],
                                                 summary["plugin_rate_extrapolated_bits"],
                                                 summary["model_cross_entropy_bits"], exact]})
    return ExperimentResult(dataset=ds, figures={"surprise": fig1, "entropy_rate": fig2}, summary=summary,
                            table=table)
