"""Plot functions follow plot_x(data, *, ax=None) -> Axes (issue 22); old forms warn."""

from __future__ import annotations

import numpy as np
import pytest


def test_center_surround_plots_take_ax_and_return_it():
    import matplotlib.pyplot as plt

    from neurocomp import gates
    from neurocomp.plotting import gates as gplot

    image = np.zeros((20, 20))
    image[5:15, 5:15] = 1.0
    response = gates.center_surround(image, sigma_center=1.0, sigma_surround=3.0)
    fig, axes = plt.subplots(1, 3)
    assert gplot.plot_center_surround(response, ax=axes[1]) is axes[1]
    assert gplot.plot_luminance(image, ax=axes[0]) is axes[0]
    assert gplot.plot_dog_profile(gates.dog_kernel(1.0, 3.0), ax=axes[2]) is axes[2]
    assert axes[2].get_ylabel() == "weight"  # dimensionless: no "[1]"
    with pytest.warns(DeprecationWarning, match="plot_center_surround"):
        old = gplot.plot_center_surround(image, response, kernel=gates.dog_kernel(1.0, 3.0))
    assert isinstance(old, list) and len(old) == 3
    with pytest.raises(ValueError, match="response must be 2-D"):
        gplot.plot_center_surround(np.zeros(5))
