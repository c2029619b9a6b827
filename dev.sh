#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (root, python3.11) or a dev box:
#   bash dev.sh demo [ARGS]   set everything up, then run the simulator demo
#   bash dev.sh test [ARGS]   set everything up, then run the test suite
#   bash dev.sh check         set everything up, then ruff (lint + format) and mypy
#   bash dev.sh setup         only set up
# Set-up is idempotent and quick when nothing changed: Debian packages are
# installed only when missing, the virtual environment is rebuilt only when
# pyproject.toml changes. PETBRAIN_VENV overrides the environment's folder.
set -euo pipefail
cd "$(dirname "$0")"

VENV="${PETBRAIN_VENV:-.venv}"
PYTHON="${PETBRAIN_PYTHON:-python3.11}"
# Debian packages: PortAudio headers for PyAudio, espeak-ng for synthetic
# speech in tests, Chromium for the dashboard's browser tests, faketime to
# prove in tests that a simulation never depends on the host's clock, strace
# for the privacy audit (tests/test_privacy.py: no network, no stray file).
APT_PACKAGES=(portaudio19-dev espeak-ng chromium faketime strace)

log() { printf '\033[1mdev.sh:\033[0m %s\n' "$*" >&2; }

setup_apt() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    log "missing Debian packages: ${missing[*]} (run as root or install them)"; return 1
  fi
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_venv() {
  command -v "$PYTHON" >/dev/null || { log "$PYTHON not found: petbrain needs Python 3.11"; return 1; }
  local stamp="$VENV/.petbrain-stamp"
  local want; want="$(cat pyproject.toml robot-no-deps.txt | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/petbrain" ]; then
    return 0
  fi
  log "creating the virtual environment in $VENV"
  [ -d "$VENV" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # The robot install (mediapipe without its unused jax/jaxlib, see
  # robot-no-deps.txt), editable, with the development tools.
  bash scripts/install_robot.sh "$VENV" "robot,dev" --editable
  echo "$want" > "$stamp"
}

setup() { setup_apt; setup_venv; }

# The README types commands as `petbrain ...`: say how to get that, once per shell.
path_hint() {
  [ "$(command -v petbrain 2>/dev/null)" = "$(pwd)/$VENV/bin/petbrain" ] && return 0
  log "to type the README's 'petbrain ...' commands: source $VENV/bin/activate (or run $VENV/bin/petbrain)"
}

run_tests() {
  local rc=0
  "$VENV/bin/python" -m pytest "$@" || rc=$?
  if [ "$rc" -eq 5 ]; then log "pytest collected no tests: failing on purpose"; return 1; fi
  return "$rc"
}

run_checks() {
  "$VENV/bin/ruff" check .
  "$VENV/bin/ruff" format --check .
  "$VENV/bin/mypy"
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
  setup) setup; path_hint ;;
  demo) setup; path_hint; exec "$VENV/bin/petbrain" demo "$@" ;;
  test) setup; run_tests "$@" ;;
  check) setup; run_checks ;;
  *) echo "usage: bash dev.sh demo|test|check|setup [ARGS]" >&2; exit 2 ;;
esac
