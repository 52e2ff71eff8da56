"""
Einstein's law: the mean-squared displacement of Brownian walkers
=================================================================

2000 walkers with diffusion coefficient :math:`D = 10^{-12}\\ \\mathrm{m^2/s}` (a small protein
in water) move in two dimensions. Their ensemble mean-squared displacement grows as
:math:`\\langle r^2 \\rangle = 2 d D t`, and a fit recovers :math:`D`.
"""

import matplotlib.pyplot as plt
import numpy as np

from neurocomp.diffusion import brownian, ensemble_msd

D, dt = 1e-12, 1e-3
walks = brownian(2000, 500, D=D, dt=dt, d=2, rng=0)
msd = ensemble_msd(walks)
t = msd["lag"].values if "lag" in msd.dims else msd[msd.dims[0]].values

fig, ax = plt.subplots(figsize=(5, 3.6))
ax.plot(t, msd.values * 1e12, "o", ms=3, alpha=0.6, label="2000 walkers")
ax.plot(t, 2 * 2 * D * t * 1e12, "k-", lw=1.5, label=r"theory $4Dt$")
ax.set_xlabel("lag time (s)")
ax.set_ylabel(r"mean-squared displacement (µm$^2$)")
ax.legend(frameon=False)
fig.tight_layout()

# %%
# The least-squares slope through the origin, divided by :math:`2d`:
slope = np.sum(t * msd.values) / np.sum(t * t)
print(f"D estimated {slope / 4:.3g} m^2/s (true {D:g})")
