#!/usr/bin/env bash
# The policy alone (teleop none) on held-out random-cube seeds: `bash scripts/eval_policy.sh
# CHECKPOINT_DIR [--seeds 50] [--first-seed 10000] [--out result.json]`, the package's
# `franka-hil-eval-lerobot` (training/franka_hil_training/lerobot/evaluate.py; --help). Needs the
# LeRobot venv, as scripts/train_hil.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck disable=SC1091
source scripts/lerobot_env.sh
set -u
exec "$LEROBOT_VENV/bin/franka-hil-eval-lerobot" "$@"
