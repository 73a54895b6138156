#!/usr/bin/env bash
# The action's main job on examples/, outside GitHub: the same pipeline as on a runner
# (node dist/index.js, inputs as INPUT_* variables), printing the comment it would post.
# Interpreters come from scripts/provision.sh (built once per machine, then cached).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/provision.sh"
CACHE=${CPV_CACHE:-$HOME/.cache/cpython-variants}
tools=$(cat "$CACHE/pytools.path")
# No PyPI here: the install command puts the provisioned pytest and pytest-benchmark on the venv's path.
install="python -c \"import pathlib, sysconfig; pathlib.Path(sysconfig.get_path('purelib'), 'cpv-tools.pth').write_text('$tools\n')\""
# Nor a package index: pip installs pytest-run-parallel (thread stress) from local wheels, through
# pip's own configuration, as a user with a private mirror would.
wheels=${CPV_WHEELS:-$root/../shared/wheels}
pip_env=()
if [ -d "$wheels" ]; then pip_env=("PIP_FIND_LINKS=$wheels" "PIP_NO_INDEX=1"); fi
cd "$root/examples"
env "${pip_env[@]}" \
  "INPUT_VARIANTS=${CPV_VARIANTS:-3.13 3.13t 3.13+jit}" \
  "INPUT_INTERPRETERS=$(cat "$CACHE/interpreters.txt")" \
  "INPUT_INSTALL-COMMAND=$install" \
  "INPUT_TEST-COMMAND=python -m pytest -q" \
  "INPUT_BENCHMARK-COMMAND=python -m pytest -q benchmarks --benchmark-max-time=0.1 --benchmark-json={json}" \
  "INPUT_MEASURE-MINUTES=${CPV_MEASURE_MINUTES:-3}" \
  node "$root/dist/index.js"
