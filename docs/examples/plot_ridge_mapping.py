"""
Predicting neurons from model units with a cross-validated ridge mapping
========================================================================

Fake "neurons" respond linearly to 5 of 40 model units, plus noise. A per-neuron
:class:`~neurocomp.analysis.regression.RidgeMapping` fitted in scikit-learn's
``cross_val_predict`` recovers them; the held-out Pearson r of each neuron approaches the
ceiling set by its noise.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import KFold, cross_val_predict

from neurocomp.analysis.regression import RidgeMapping, pearson_r

rng = np.random.default_rng(0)
n_stimuli, n_units, n_neurons = 200, 40, 30
units = rng.standard_normal((n_stimuli, n_units))
weights = np.zeros((n_units, n_neurons))
weights[:5] = rng.standard_normal((5, n_neurons))
signal = units @ weights
noise_sd = np.linspace(0.2, 3.0, n_neurons) * signal.std()
neurons = signal + noise_sd * rng.standard_normal(signal.shape)

predicted = cross_val_predict(RidgeMapping(), units, neurons, cv=KFold(5, shuffle=True, random_state=0))
r = pearson_r(predicted, neurons)
ceiling = signal.std(0) / np.sqrt(signal.var(0) + noise_sd**2)  # r of the noiseless signal

fig, ax = plt.subplots(figsize=(5, 3.6))
ax.plot(noise_sd / signal.std(), ceiling, "k-", label="best possible r")
ax.plot(noise_sd / signal.std(), r, "o", label="held-out r (5-fold)")
ax.set_xlabel("noise SD / signal SD")
ax.set_ylabel("Pearson r")
ax.legend(frameon=False)
fig.tight_layout()
