#!/usr/bin/env bash
# The robot install, in one place (README "Build your own pet", dev.sh):
#   bash scripts/install_robot.sh VENV [EXTRAS] [--editable]
# 1. mediapipe without its declared dependencies (robot-no-deps.txt says why);
# 2. petbrain with EXTRAS (default "robot"), which pins what mediapipe needs.
# Everything comes from the package index (or pip's cache); nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:?usage: install_robot.sh VENV [EXTRAS] [--editable]}"
EXTRAS="${2:-robot}"
EDITABLE=()
[ "${3:-}" = "--editable" ] && EDITABLE=(-e)
"$VENV/bin/python" -m pip install -q --no-deps -r robot-no-deps.txt
"$VENV/bin/python" -m pip install -q "${EDITABLE[@]}" ".[${EXTRAS}]"
