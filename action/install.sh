#!/usr/bin/env bash
# Install tssa from the action's own checkout into a virtual environment of its
# own (runner images refuse pip installs into the system Python), and put it on
# the PATH of the steps that follow.
set -euo pipefail
venv="${RUNNER_TEMP:-$(mktemp -d)}/tssa-venv"
"${INPUT_PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"
echo "$venv/bin" >>"${GITHUB_PATH:-/dev/null}"
"$venv/bin/tssa" --version
