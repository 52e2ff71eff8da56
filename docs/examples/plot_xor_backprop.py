"""
Why XOR needs a hidden layer
============================

A perceptron (one threshold unit) cannot separate XOR; a network with two hidden units trained
by backpropagation can. Both are scikit-learn estimators, so the same calls fit and score them.
"""

import matplotlib.pyplot as plt
import numpy as np

from neurocomp.dnn.mlp import MLP, make_xor
from neurocomp.gates import Perceptron
from neurocomp.plotting.gates import plot_decision_surface

X, y = make_xor()
import warnings

from neurocomp._validation import NeurocompWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", NeurocompWarning)  # the perceptron says it did not converge
    perceptron = Perceptron(max_iter=20).fit(X, y)
net = MLP((2,), learning_rate=0.5, momentum=0.9, batch_size=4, n_epochs=800, rng=3).fit(X, y)
print("perceptron accuracy", perceptron.score(X, y), "| MLP accuracy", net.score(X, y))

fig, axes = plt.subplots(1, 2, figsize=(8, 3.6))
grid = np.linspace(-0.3, 1.3, 200)
gx, gy = np.meshgrid(grid, grid)
side = perceptron.predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
axes[0].contourf(gx, gy, side, levels=[-0.5, 0.5, 1.5], colors=["#9ecae1", "#fcae91"])
axes[0].scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=60)
axes[0].set_title("perceptron: one line")
plot_decision_surface(net, X, y, ax=axes[1])
axes[1].set_title("2 hidden units: two lines")
for ax in axes:
    ax.set_xlabel("input 1")
    ax.set_ylabel("input 2")
fig.tight_layout()
