#!/usr/bin/env bash
# Installs everything genspec and its tests need, into the active Python environment:
#   - the Debian package dataset-fashion-mnist (the embedded default data set of the model tests),
#   - genspec itself, editable, with its dependencies and the models' extra (torch and torchvision
#     resolved together): everything the checkout's tests and `genspec train` need.
# Usage: bash scripts/install.sh            (from the repository root; run as root or with sudo)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq dataset-fashion-mnist
fi

python3 -m pip install --disable-pip-version-check -q -e ".[models]"
python3 -c "import torch, torchvision, genspec; print('genspec installed: torch', torch.__version__, 'torchvision', torchvision.__version__)"
