#!/usr/bin/env bash
# Measures the robot install: a fresh virtual environment, then exactly the
# documented install (scripts/install_robot.sh, extras "robot"), from pip's
# cache or the package index. Prints one JSON line:
#   {"robot_install_mb": MB on disk of the venv, "install_s": wall seconds,
#    "reference_venv_mb": MB of the empty venv, "jax_installed": false, ...}
# Usage: bash scripts/install_size.sh [PYTHON]   (default python3.11)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-python3.11}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/petbrain-install-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$PYTHON" -m venv "$WORK/venv"
empty_mb="$(du -sm "$WORK/venv" | cut -f1)"
# A copy of the source, so the install never writes build files into the checkout.
mkdir "$WORK/src"
git ls-files -z | xargs -0 cp --parents -t "$WORK/src" 2>/dev/null || cp -r . "$WORK/src"
start="$(date +%s.%N)"
bash "$WORK/src/scripts/install_robot.sh" "$WORK/venv" robot
end="$(date +%s.%N)"
total_mb="$(du -sm "$WORK/venv" | cut -f1)"
jax="false"; [ -d "$WORK/venv/lib/python3.11/site-packages/jaxlib" ] && jax="true"
"$WORK/venv/bin/python" -c "import brain.cli, sensors.camera.pipeline, mediapipe" >/dev/null 2>&1 \
  && imports="true" || imports="false"
largest="$(du -sm "$WORK"/venv/lib/python3.11/site-packages/* | sort -rn | head -5 \
  | awk '{n=split($2,p,"/"); printf "%s\"%s\": %s", (NR>1?", ":""), p[n], $1}')"
printf '{"robot_install_mb": %s, "install_s": %.1f, "reference_venv_mb": %s, "jax_installed": %s, "imports_ok": %s, "largest_mb": {%s}}\n' \
  "$total_mb" "$(echo "$end - $start" | bc)" "$empty_mb" "$jax" "$imports" "$largest"
