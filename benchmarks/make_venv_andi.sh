#!/usr/bin/env bash
# Create benchmarks/.venv-andi: a separate virtualenv holding andi-datasets (the
# reference generator of the AnDi challenge, Munoz-Gil et al. 2021), which pins
# numpy <= 1.26.4 and so cannot share neurocomp's environment (numpy 2.3).
# Used by benchmarks/diffusion_andi.py and tests/fixtures/make_andi_fixtures.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-andi"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "andi-datasets" "numpy<=1.26.4" ipython
"$venv/bin/python" -c "import andi_datasets, numpy; print('andi-datasets ok, numpy', numpy.__version__)"
