#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (its Ubuntu base image, with network). It installs Python 3.11+ and the
# pinned CPU-only runtime (requirements.txt beside it) into /opt/dlkit-venv.
# Nothing is downloaded when a submission is graded: the data sets are in
# the bundle and no probe loads weights.
set -euo pipefail
SOURCE="$(cd "$(dirname "$0")" && pwd)"
VENV="${DLKIT_VENV:-/opt/dlkit-venv}"
export DEBIAN_FRONTEND=noninteractive

apt-get update
PYTHON=""
for version in 3.13 3.12 3.11; do
  # one that runs (a pyenv shim may name a version it does not select)
  if "python$version" -c "" 2>/dev/null; then PYTHON="python$version"; break; fi
done
if [ -z "$PYTHON" ]; then
  # Ubuntu 22.04's python3 is 3.10; its universe archive has 3.11.
  PYTHON=python3.11
  apt-get install -y --no-install-recommends "$PYTHON"
fi
# Debian and Ubuntu ship venv's ensurepip apart, as python3.X-venv.
if ! "$PYTHON" -m venv "$VENV"; then
  apt-get install -y --no-install-recommends "$PYTHON-venv"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --no-cache-dir --upgrade pip
"$VENV/bin/python" -m pip install --no-cache-dir -r "$SOURCE/requirements.txt"
# Import everything once: a broken install fails the image build, not a
# student's submission.
"$VENV/bin/python" -c "import tensorflow, keras, numpy, pandas, sklearn, matplotlib"
chmod +x "$SOURCE/run_autograder"
