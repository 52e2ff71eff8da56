"""Dopamine-modulated STDP solves the distal-reward problem (Izhikevich 2007), on brian2.

A reward arrives seconds after the spike pairing that earned it, while many other
pairings happen in between. Izhikevich's answer is a three-factor rule (Frémaux &
Gerstner 2016): STDP does not change a synapse directly but tags it with a decaying
*eligibility trace* ``c`` (time constant ~1 s); dopamine ``d``, released by the
reward, turns the tag into a weight change, ``dw/dt = η c (d + d_tonic)``. Only the
synapse whose pairings predict the reward has, on average, a positive tag when the
dopamine arrives, so it alone grows; depression dominates STDP (A− = 1.5 A+), so
random pairings leave a negative average tag and the small tonic dopamine level
lets unrewarded synapses drift down.

The network here, against Izhikevich's (his ``daspnet.m``, the experiment of his
Figure 1):

============================  ==============================  ================================
quantity                      Izhikevich (2007)               here (defaults)
============================  ==============================  ================================
neurons                       800 exc. + 200 inh. Izhikevich  100 Poisson inputs -> 10 LIF
                              neurons, recurrent              outputs (neurocomp's membrane)
plastic synapses              80,000 excitatory               1,000 (all-to-all, feedforward)
firing rates                  ~1 Hz                           inputs 2 Hz, outputs ~1.5 Hz
weights                       0-4 mV, start 1 mV              0-4 mV, start 1 mV
STDP                          A+ = 1, A- = 1.5, 20 ms         same
eligibility, dopamine         tau_c = 1 s, tau_d = 0.2 s      same
dopamine per reward, tonic    0.5, 0.002 (in the code)        same
pairing -> reward             pre then post within 20 ms,     same
                              reward 1-3 s later
learning rate eta             10 mV/s (0.1 x 0.01 s^-1 per    3 mV/s (0.3 x)
                              10 ms step)
simulated time                3,600 s at 1 ms                 3,600 s at 1 ms
============================  ==============================  ================================

What sets the time scale. The rewarded synapse's tag when the dopamine arrives is
``a_plus exp(-Δt/tau_stdp) exp(-delay/tau_c)`` ≈ 0.1 (Δt < 20 ms, delay 1-3 s), while
every synapse carries a random tag from its chance pairings, of mean
``-(a_minus - a_plus) r_in r_out tau_stdp tau_c`` ≈ -0.03 and SD ≈ 0.2 at 2 Hz. The
other synapses therefore spread with a width proportional to η and the rewarded one
climbs by ≈ 0.07 η-units per reward: it clears the largest of N others only after
~100-200 rewards whatever η is. Rewards come at the chance pairing rate
``r_in r_out × 20 ms`` (~0.08 /s at 2 Hz, 4 times Izhikevich's ~0.02 /s at 1 Hz) plus
what the growing synapse causes itself. Hence the scaling: the network is 80 times
smaller, the rates twice as high, the outputs noise-driven (membrane noise SD 10 mV,
so one 4 mV synapse has a small causal effect and unrewarded synapses do not run
away by Hebbian feedback), and η is lowered to 0.3 times Izhikevich's so that the
others' spread stays well below ``w_max``; the result needs about the same simulated
hour. With 20 x 5 synapses and rewards 0.5-1 s after the pairing (tag ≈ 0.3) the same
model singles its synapse out in under 10 simulated minutes (the fast test). Each network
is run with an optional *yoked control*: an independent copy (its own spikes) that
receives exactly the same dopamine pulses at the same times, so it gets the same
number of rewards with no contingency on its own synapse 0. Several networks
(``n_runs``, and their yoked twins) are simulated at once in one brian2 network.

Integration: membrane and dopamine in 1 ms steps (Euler); STDP traces and the
eligibility increments event-driven and exact; every 10 ms (Izhikevich's update
interval) ``c`` takes its exact decay and the weights take the exact integral of
``η c (d + d_tonic)`` over the next 10 ms (``c`` and ``d`` decay exponentially in
between), clipped to ``[0, w_max]``. Rewards are delivered on that 10 ms grid; an STDP
increment starts to move the weight at the next update (< 10 ms late).

References
----------
Izhikevich, E. M. (2007). Solving the distal reward problem through linkage of STDP
    and dopamine signaling. Cereb. Cortex 17, 2443–2452.
Frémaux, N. & Gerstner, W. (2016). Neuromodulated spike-timing-dependent plasticity,
    and theory of three-factor learning rules. Front. Neural Circuits 9, 85.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_in_range, check_int, check_positive

__all__ = ["distal_reward_stdp", "weight_rank"]

#: Largest number of plastic synapses (all runs together) a call may ask for.
MAX_SYNAPSES = 100_000
#: Interval of the eligibility-to-weight update (Izhikevich's 10 ms), in s.
UPDATE_INTERVAL = 0.01
#: Quantiles of the unrewarded synapses' weights recorded over time.
QUANTILES = (0.1, 0.5, 0.9)


def weight_rank(weights, rewarded: int = 0) -> np.ndarray:
    """Rank of one synapse's weight among all (1 = strictly above every other).

    Ties count against the synapse: its rank is 1 + the number of *other* synapses
    whose weight is at least as large.

    Parameters
    ----------
    weights : array of shape (..., n_synapses)
        Weights, synapses along the last axis.
    rewarded : int
        Index of the synapse along the last axis.

    Returns
    -------
    numpy.ndarray of int, shape (...)
        The rank, between 1 and ``n_synapses``.

    Examples
    --------
    >>> weight_rank([3.0, 1.0, 2.0])
    array(1)
    >>> weight_rank([2.0, 2.0, 1.0])
    array(2)
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim < 1 or w.shape[-1] < 1:
        raise ValidationError(f"weights must have synapses along a non-empty last axis; got shape {w.shape}")
    rewarded = check_int("rewarded", rewarded, 0, w.shape[-1] - 1)
    mine = w[..., rewarded: rewarded + 1]
    others = np.delete(w, rewarded, axis=-1)
    return np.asarray(1 + (others >= mine).sum(axis=-1))


def distal_reward_stdp(
    *,
    n_runs: int = 1,
    yoked_control: bool = True,
    n_inputs: int = 100,
    n_outputs: int = 10,
    duration: float = 3600.0,
    input_rate: float = 2.0,
    bias: float = -8e-3,
    noise_sd: float = 10e-3,
    w_init: float = 1e-3,
    w_init_rewarded: float | None = None,
    w_max: float = 4e-3,
    a_plus: float = 1.0,
    a_minus: float = 1.5,
    tau_stdp: float = 0.02,
    tau_eligibility: float = 1.0,
    tau_dopamine: float = 0.2,
    dopamine_pulse: float = 0.5,
    dopamine_tonic: float = 0.002,
    learning_rate: float = 0.003,
    pairing_window: float = 0.02,
    reward_delay: tuple[float, float] = (1.0, 3.0),
    dt: float = 1e-3,
    record_every: float = 5.0,
    rng=None,
) -> xr.Dataset:
    """Reward-modulated STDP with a delayed reward for one chosen synapse (Izhikevich 2007).

    ``n_inputs`` Poisson neurons project all-to-all onto ``n_outputs`` LIF neurons.
    The rewarded synapse is input 0 → output 0: whenever input 0 fires and output 0
    fires within ``pairing_window`` after it, a reward (a dopamine pulse) follows after
    a delay drawn uniformly from ``reward_delay``; several rewards may be pending at
    once, as in Izhikevich's code. The module docstring compares every scale with his.

    Parameters
    ----------
    n_runs : int
        Independent networks simulated together (each with its own spikes).
    yoked_control : bool
        Add, for every network, a yoked twin that receives the same dopamine pulses
        at the same times but whose own spikes are independent of them.
    n_inputs, n_outputs : int
        Poisson inputs and LIF outputs of each network.
    duration : float
        Simulated time in s.
    input_rate : float
        Firing rate of every input, in Hz.
    bias : float
        Constant depolarisation of the outputs above rest, in V.
    noise_sd : float
        Stationary SD of the outputs' free membrane potential, in V
        (:func:`neurocomp.spiking.membrane_equation`).
    w_init, w_max : float
        Initial and largest weight, in V (the voltage jump of one input spike).
    w_init_rewarded : float, optional
        Initial weight of the rewarded synapse in V (default ``w_init``;
        Izhikevich starts it at 0).
    a_plus, a_minus : float
        STDP amplitudes of potentiation (pre before post) and depression added to
        the eligibility trace (dimensionless, Izhikevich's 1 and 1.5).
    tau_stdp, tau_eligibility, tau_dopamine : float
        Time constants of the STDP window, the eligibility trace and dopamine, in s.
    dopamine_pulse : float
        Dopamine released by one reward (Izhikevich's 0.5 μM; dimensionless here).
    dopamine_tonic : float
        Tonic dopamine level added in the weight update (Izhikevich's 0.002).
    learning_rate : float
        η in ``dw/dt = η c (d + d_tonic)``, in V/s (Izhikevich's code: 0.01 V/s).
    pairing_window : float
        A pairing is input 0 then output 0 within this time, in s.
    reward_delay : (float, float)
        The reward follows the pairing after a uniform delay in ``[low, high]`` s.
    dt : float
        Simulation step in s (at most 1 ms).
    record_every : float
        Weights are recorded every this many s.
    rng : None, int or Generator
        Seeds brian2 (same ``rng``, same result on one machine and target).

    Returns
    -------
    xarray.Dataset
        Dims ``schedule`` (``"contingent"``, and ``"yoked"`` with ``yoked_control``),
        ``run``, ``time`` (s), ``quantile``, ``synapse`` and ``reward``:

        * ``rewarded_weight`` (schedule, run, time), V — weight of synapse 0 → 0;
        * ``others_mean``, ``others_max`` (schedule, run, time), V, and
          ``others_quantile`` (schedule, run, quantile, time), V — the other synapses;
        * ``final_weight`` (schedule, run, synapse), V, coords ``pre``, ``post``;
          synapse 0 is the rewarded one;
        * ``rewarded_rank`` (schedule, run) — rank of the rewarded synapse's final
          weight (1 = above all others; :func:`weight_rank`);
        * ``reward_time`` (schedule, run, reward), s, NaN-padded; ``n_rewards``;
        * ``output_rate`` (schedule, run), Hz — mean rate of the outputs.

    Raises
    ------
    ValueError
        For a negative rate, a non-positive time constant, ``reward_delay`` with
        low > high, weights outside ``[0, w_max]``, or a network too large.

    Notes
    -----
    Per synapse (Izhikevich 2007, eqs 1-2)::

        dc/dt = -c / tau_c + STDP(Δt) δ(t - t_pre/post)
        dw/dt = η c (d + d_tonic)
        dd/dt = -d / tau_d + dopamine_pulse Σ δ(t - t_reward)

    with ``STDP(Δt) = a_plus exp(-Δt / tau_stdp)`` for pre before post and
    ``-a_minus exp(-|Δt| / tau_stdp)`` for post before pre (nearest-neighbour-free
    all-pairs traces). Between updates ``c`` and ``d`` decay exponentially, so the
    weight change over an interval Δ is
    ``η c0 [d0 τ_cd (1 - e^{-Δ/τ_cd}) + d_tonic τ_c (1 - e^{-Δ/τ_c})]`` with
    ``1/τ_cd = 1/τ_c + 1/τ_d``.

    Examples
    --------
    >>> out = distal_reward_stdp(n_inputs=10, n_outputs=2, duration=1.0, rng=0)  # doctest: +SKIP
    >>> out.final_weight.dims                                                   # doctest: +SKIP
    ('schedule', 'run', 'synapse')

    References
    ----------
    Izhikevich, E. M. (2007). Solving the distal reward problem through linkage of
        STDP and dopamine signaling. Cereb. Cortex 17, 2443–2452.
    Frémaux, N. & Gerstner, W. (2016). Neuromodulated spike-timing-dependent
        plasticity, and theory of three-factor learning rules. Front. Neural
        Circuits 9, 85.
    """
    n_runs = check_int("n_runs", n_runs, 1, 1000)
    n_inputs = check_int("n_inputs", n_inputs, 2, 100_000)
    n_outputs = check_int("n_outputs", n_outputs, 1, 100_000)
    if not isinstance(yoked_control, (bool, np.bool_)):
        raise TypeError(f"yoked_control must be True or False; got {yoked_control!r}")
    n_sched = 2 if yoked_control else 1
    n_net = n_runs * n_sched
    n_syn = n_inputs * n_outputs
    if n_net * n_syn > MAX_SYNAPSES:
        raise ValidationError(f"n_runs x (1 + yoked_control) x n_inputs x n_outputs = {n_net * n_syn} synapses; "
                              f"at most {MAX_SYNAPSES}")
    check_in_range("input_rate", input_rate, 0.0, 1000.0)
    for name, v in dict(duration=duration, tau_stdp=tau_stdp, tau_eligibility=tau_eligibility,
                        tau_dopamine=tau_dopamine, pairing_window=pairing_window, dt=dt,
                        record_every=record_every, w_max=w_max).items():
        check_positive(name, v)
    for name, v in dict(a_plus=a_plus, a_minus=a_minus, dopamine_pulse=dopamine_pulse,
                        dopamine_tonic=dopamine_tonic, learning_rate=learning_rate, noise_sd=noise_sd).items():
        check_in_range(name, v, 0.0, None)
    check_in_range("bias", bias, -0.1, 0.1)
    check_in_range("w_init", w_init, 0.0, w_max)
    w_init_rewarded = w_init if w_init_rewarded is None else check_in_range("w_init_rewarded", w_init_rewarded,
                                                                           0.0, w_max)
    if tau_eligibility < dt:
        raise ValidationError(f"tau_eligibility must be at least dt = {dt} s; got {tau_eligibility} s")
    if dt > 1e-3:
        raise ValidationError(f"dt must be at most 1 ms (the STDP window is resolved in steps); got {dt} s")
    try:
        lo, hi = (float(x) for x in reward_delay)
    except (TypeError, ValueError):
        raise ValidationError(f"reward_delay must be a pair (low, high) in s; got {reward_delay!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 <= lo <= hi):
        raise ValidationError(f"reward_delay must be (low, high) with 0 <= low <= high; got {reward_delay!r}")
    if duration / dt > 1e8:
        raise ValidationError(f"duration / dt = {duration / dt:.3g} steps is too many; shorten duration")
    if record_every > duration:
        raise ValidationError(f"record_every must be at most duration = {duration} s; got {record_every} s")
    if record_every < UPDATE_INTERVAL:
        raise ValidationError(f"record_every must be at least {UPDATE_INTERVAL} s; got {record_every} s")
    if duration / record_every * n_net * n_syn > 5e7:
        raise ValidationError(f"recording {n_net * n_syn} weights every {record_every} s for {duration} s is too much "
                              "memory; raise record_every")

    import brian2 as b2

    from neurocomp.random import brian2_seeded, spawn
    from neurocomp.spiking.backend import brian2_settings
    from neurocomp.spiking.populations import _lif_namespace, lif_parameters, membrane_equation

    p = lif_parameters()
    tau_cd = 1.0 / (1.0 / tau_eligibility + 1.0 / tau_dopamine)
    step = UPDATE_INTERVAL
    # exact integral over one update interval of c(t) d(t) and of c(t), per unit c0, d0
    gain_phasic = tau_cd * -np.expm1(-step / tau_cd)
    gain_tonic = tau_eligibility * -np.expm1(-step / tau_eligibility)
    # network k (0 .. n_net-1): contingent runs first, then their yoked twins (k + n_runs)
    pre_local, post_local = np.divmod(np.arange(n_syn), n_outputs)   # synapse s = pre * n_outputs + post
    net_of_syn = np.repeat(np.arange(n_net), n_syn)
    syn_i = net_of_syn * n_inputs + np.tile(pre_local, n_net)
    syn_j = net_of_syn * n_outputs + np.tile(post_local, n_net)
    brian_rng, delay_rng = spawn(rng, 2)
    with brian2_settings(), brian2_seeded(brian_rng) as seed:
        b2.start_scope()
        clock = b2.Clock(dt * b2.second, name="distal_reward_clock")
        ns = _lif_namespace(p)
        ns.update(bias=bias * b2.volt, tau_d=tau_dopamine * b2.second, noise_sd=noise_sd * b2.volt)
        eqs = "\n".join([membrane_equation("bias", noise=noise_sd > 0), "dd/dt = -d / tau_d : 1"])
        outputs = b2.NeuronGroup(n_net * n_outputs, eqs, threshold="v > v_threshold", reset="v = v_reset",
                                 refractory=p["t_ref"] * b2.second, method="euler", namespace=ns, clock=clock,
                                 name="distal_reward_outputs")
        outputs.v = (p["v_rest"] + bias) * b2.volt
        inputs = b2.PoissonGroup(n_net * n_inputs, input_rate * b2.Hz, clock=clock, name="distal_reward_inputs")
        syn_ns = dict(a_plus=a_plus, a_minus=a_minus, tau_s=tau_stdp * b2.second, w_max=w_max * b2.volt,
                      eta=learning_rate * b2.volt / b2.second, step=step * b2.second,
                      g_phasic=gain_phasic * b2.second,
                      g_tonic=gain_tonic * b2.second, d_tonic=dopamine_tonic,
                      decay_c=float(np.exp(-step / tau_eligibility)), tau_c=tau_eligibility * b2.second)
        syn = b2.Synapses(
            inputs, outputs,
            model="""w : volt
                     c : 1
                     t_tick = step * (ceil(t / step - 1e-6) - 1) : second
                     dapre/dt = -apre / tau_s : 1 (event-driven)
                     dapost/dt = -apost / tau_s : 1 (event-driven)""",
            on_pre="v_post += w\napre += a_plus\nc -= apost * exp((t - t_tick) / tau_c)",
            on_post="apost += a_minus\nc += apre * exp((t - t_tick) / tau_c)",
            namespace=syn_ns, clock=clock, name="distal_reward_synapses")
        syn.connect(i=syn_i, j=syn_j)
        w0 = np.full(n_net * n_syn, w_init)
        w0[::n_syn] = w_init_rewarded   # synapse 0 of every network: input 0 -> output 0
        syn.w = w0 * b2.volt
        # c is stored relative to the last update time t_tick (an increment at t is stored as
        # A exp((t - t_tick) / tau_c)), so the update's decay factor makes it exact at the update
        syn.run_regularly("c = c * decay_c\n"
                          "w = clip(w + eta * c * (d_post * g_phasic + d_tonic * g_tonic), 0 * volt, w_max)",
                          dt=step * b2.second, when="end", name="distal_reward_update")
        # the critic: one unit per contingent network; it fires at every pairing (input 0, then output 0
        # within the window) and a reward is scheduled for each pairing (several may be pending at once)
        critic = b2.NeuronGroup(n_runs, "t_input : second\npaired : boolean", threshold="paired",
                                reset="paired = False", clock=clock, name="distal_reward_critic")
        critic.t_input = -1e9 * b2.second
        crit_ns = dict(window=pairing_window * b2.second)
        watch_pre = b2.Synapses(inputs, critic, on_pre="t_input_post = t", clock=clock, namespace=crit_ns,
                                name="distal_reward_watch_pre")
        watch_pre.connect(i=np.arange(n_runs) * n_inputs, j=np.arange(n_runs))
        watch_post = b2.Synapses(outputs, critic, on_pre="paired_post = paired_post or (t - t_input_post <= window)",
                                 clock=clock, namespace=crit_ns, name="distal_reward_watch_post")
        watch_post.connect(i=np.arange(n_runs) * n_outputs, j=np.arange(n_runs))
        pmon = b2.SpikeMonitor(critic, name="distal_reward_pairings")
        # dopamine of run k reaches the outputs of network k and of its yoked twin k + n_runs
        targets = [np.concatenate([np.arange(n_outputs) + (k + s * n_runs) * n_outputs for s in range(n_sched)])
                   for k in range(n_runs)]
        pending: list[tuple[float, int]] = []   # (due time, run), kept sorted
        delivered: list[tuple[float, int]] = []
        seen = [0]

        @b2.network_operation(dt=step * b2.second, when="start", name="distal_reward_dopamine")
        def _reward(t):
            now = float(t / b2.second)
            n_seen = pmon.num_spikes
            if n_seen > seen[0]:
                new_i = np.asarray(pmon.i[seen[0]:n_seen])
                new_t = np.asarray(pmon.t[seen[0]:n_seen] / b2.second)
                due = new_t + lo + (hi - lo) * delay_rng.random(new_i.size)
                pending.extend(zip(due.tolist(), new_i.tolist()))
                pending.sort()
                seen[0] = n_seen
            n_due = 0
            while n_due < len(pending) and pending[n_due][0] <= now + 1e-9:
                n_due += 1
            if n_due:
                d = np.asarray(outputs.d[:])
                for due_t, k in pending[:n_due]:
                    d[targets[k]] += dopamine_pulse
                    delivered.append((now, k))
                outputs.d[:] = d
                del pending[:n_due]

        wmon = b2.StateMonitor(syn, "w", record=True, dt=record_every * b2.second, when="end",
                               name="distal_reward_wmon")
        omon = b2.SpikeMonitor(outputs, record=False, name="distal_reward_omon")
        net = b2.Network(outputs, inputs, syn, critic, watch_pre, watch_post, pmon, _reward, wmon, omon)
        net.run(duration * b2.second, namespace={})
        weights = np.asarray(wmon.w / b2.volt)            # (n_net * n_syn, n_times)
        times = np.asarray(wmon.t / b2.second)
        final = np.asarray(syn.w / b2.volt)
        reward_run = np.array([k for _, k in delivered], dtype=int)
        reward_t = np.array([tt for tt, _ in delivered], dtype=float)
        counts = np.asarray(omon.count[:])
    return _as_dataset(weights=weights, times=times, final=final, reward_run=reward_run, reward_t=reward_t,
                       counts=counts, n_runs=n_runs, n_sched=n_sched, n_inputs=n_inputs, n_outputs=n_outputs,
                       duration=duration,
                       attrs={"brian2_seed": seed, "input_rate": input_rate, "learning_rate": learning_rate,
                              "tau_eligibility": tau_eligibility, "tau_dopamine": tau_dopamine,
                              "w_max": w_max, "pairing_window": pairing_window,
                              "reward_delay": [lo, hi], "dt": dt})


def _as_dataset(*, weights, times, final, reward_run, reward_t, counts, n_runs, n_sched, n_inputs, n_outputs,
                duration, attrs) -> xr.Dataset:
    n_syn = n_inputs * n_outputs
    w = weights.reshape(n_sched, n_runs, n_syn, times.size)
    others = w[:, :, 1:, :]
    final = final.reshape(n_sched, n_runs, n_syn)
    n_rew = np.bincount(reward_run, minlength=n_runs)
    rtimes = np.full((n_runs, max(int(n_rew.max(initial=0)), 1)), np.nan)
    for k in range(n_runs):
        tk = np.sort(reward_t[reward_run == k])
        rtimes[k, :tk.size] = tk
    rate = counts.reshape(n_sched, n_runs, n_outputs).mean(axis=-1) / duration
    schedules = ["contingent", "yoked"][:n_sched]
    pre_local, post_local = np.divmod(np.arange(n_syn), n_outputs)
    V = "V"
    return xr.Dataset(
        {
            "rewarded_weight": (("schedule", "run", "time"), w[:, :, 0, :],
                                {"units": V, "long_name": "weight of the rewarded synapse"}),
            "others_mean": (("schedule", "run", "time"), others.mean(axis=2),
                            {"units": V, "long_name": "mean weight of the other synapses"}),
            "others_max": (("schedule", "run", "time"), others.max(axis=2),
                           {"units": V, "long_name": "largest weight of the other synapses"}),
            "others_quantile": (("schedule", "run", "quantile", "time"),
                                np.moveaxis(np.quantile(others, QUANTILES, axis=2), 0, 2),
                                {"units": V, "long_name": "quantiles of the other synapses' weights"}),
            "final_weight": (("schedule", "run", "synapse"), final,
                             {"units": V, "long_name": "final synaptic weight"}),
            "rewarded_rank": (("schedule", "run"), weight_rank(final, 0),
                              {"units": "1", "long_name": "rank of the rewarded synapse's final weight (1 = top)"}),
            "reward_time": (("schedule", "run", "reward"), np.broadcast_to(rtimes, (n_sched,) + rtimes.shape).copy(),
                            {"units": "s", "long_name": "time of a reward (dopamine pulse)"}),
            "n_rewards": (("schedule", "run"), np.broadcast_to(n_rew, (n_sched, n_runs)).copy(),
                          {"units": "1", "long_name": "number of rewards"}),
            "output_rate": (("schedule", "run"), rate, {"units": "Hz", "long_name": "mean output firing rate"}),
        },
        coords={
            "schedule": ("schedule", schedules, {"long_name": "reward schedule"}),
            "run": np.arange(n_runs),
            "time": ("time", times, {"units": "s", "long_name": "time"}),
            "quantile": ("quantile", list(QUANTILES), {"units": "1", "long_name": "quantile"}),
            "synapse": np.arange(n_syn),
            "pre": ("synapse", pre_local, {"long_name": "presynaptic input"}),
            "post": ("synapse", post_local, {"long_name": "postsynaptic output"}),
            "reward": np.arange(rtimes.shape[1]),
        },
        attrs=attrs,
    )
