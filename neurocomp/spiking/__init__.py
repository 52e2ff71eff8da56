"""Spiking simulations on brian2: LIF and Poisson populations, labelled spike data, rate theory.

brian2 is the engine; neurocomp builds the populations, seeds them from
``rng``, chooses the code-generation target, and returns xarray objects.

Quick tour
----------
* Simulate: :func:`simulate_lif`, :func:`simulate_poisson`.
* Build your own network: :func:`lif_population`, :func:`poisson_population`,
  :func:`poisson_input`, :func:`brian2_settings`, :func:`standalone_device`.
* Convert a brian2 network's monitors: :func:`spike_monitor_to_dataset`,
  :func:`state_monitor_to_dataarray`, :func:`rate_monitor_to_dataarray`.
* Analyse spike datasets: :func:`firing_rate`, :func:`isi_cv`,
  :func:`windowed_fano_factor`, :func:`psth`, :func:`binned_rate`.
* Theory: :func:`lif_rate` (f–I curve), :func:`siegert_rate` (white-noise
  input; Brunel 2000), :func:`rheobase`.

References: Gerstner et al., *Neuronal Dynamics* (2014); Dayan & Abbott,
*Theoretical Neuroscience* (2001); Brunel (2000), *J. Comput. Neurosci.* 8:183.
"""

from neurocomp.spiking._units import UnitError
from neurocomp.spiking.analysis import (
    binned_rate, fano_factor, firing_rate, isi_cv, psth, spike_counts, windowed_fano_factor,
)
from neurocomp.spiking.backend import (
    brian2_settings,
    cache_dir,
    cython_cache_dir,
    default_codegen_target,
    set_codegen_target,
    standalone_device,
)
from neurocomp.spiking.convert import (
    rate_monitor_to_dataarray,
    spike_dataset,
    spike_monitor_to_dataset,
    state_monitor_to_dataarray,
)
from neurocomp.spiking.populations import (
    DT,
    E_EXC,
    E_INH,
    RESISTANCE,
    T_REF,
    TAU_EXC,
    TAU_INH,
    TAU_M,
    V_RESET,
    V_REST,
    V_THRESHOLD,
    lif_equations,
    membrane_equation,
    lif_parameters,
    lif_population,
    poisson_input,
    poisson_population,
)
from neurocomp.spiking.simulate import simulate_lif, simulate_poisson
from neurocomp.spiking.theory import lif_rate, rheobase, siegert_rate

__all__ = [
    "UnitError",
    "simulate_lif",
    "simulate_poisson",
    "lif_population",
    "poisson_population",
    "poisson_input",
    "lif_equations",
    "membrane_equation",
    "lif_parameters",
    "spike_dataset",
    "spike_monitor_to_dataset",
    "state_monitor_to_dataarray",
    "rate_monitor_to_dataarray",
    "firing_rate",
    "isi_cv",
    "windowed_fano_factor",
    "fano_factor",
    "psth",
    "binned_rate",
    "spike_counts",
    "lif_rate",
    "siegert_rate",
    "rheobase",
    "brian2_settings",
    "standalone_device",
    "cache_dir",
    "cython_cache_dir",
    "default_codegen_target",
    "set_codegen_target",
    "TAU_M",
    "T_REF",
    "V_REST",
    "V_RESET",
    "V_THRESHOLD",
    "RESISTANCE",
    "E_EXC",
    "E_INH",
    "TAU_EXC",
    "TAU_INH",
    "DT",
]
