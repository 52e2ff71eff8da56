#!/usr/bin/env bash
# Create benchmarks/.venv-neurodynex3: a separate virtualenv for neurodynex3, the peer of
# benchmarks/hopfield_vs_peers.py.
#
# neurodynex3 pins brian2 2.5.4, which does not build against Cython 3 nor run on numpy 2, so it
# cannot share neurocomp's environment. Its hopfield_network package (network.py, pattern_tools.py)
# needs only numpy and scipy (and matplotlib for plot_tools), so we install neurodynex3 without its pinned
# dependencies and add those two.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-neurodynex3"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet --no-deps 'neurodynex3==1.0.4'
"$venv/bin/python" -m pip install --quiet 'numpy<2.4' 'scipy' 'matplotlib'
"$venv/bin/python" -c "from neurodynex3.hopfield_network import network, pattern_tools; print('neurodynex3 hopfield_network importable')"
