#!/usr/bin/env bash
# The policy alone (teleop none) on held-out random-cube seeds: `bash scripts/eval_policy.sh
# [--lerobot 0.6|0.4.4] CHECKPOINT_DIR [--seeds 50] [--first-seed 10000] [--out result.json]`,
# the package's `franka-hil-eval-lerobot` (training/franka_hil_training/lerobot/evaluate.py;
# --help). Runs where scripts/train_hil.sh runs (scripts/lerobot_route.sh: on Debian 12 in the
# Debian 13 root, where out/ is this checkout's out/ and other paths are the root's), in the
# LeRobot venv that it or scripts/check_lerobot.sh made.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[eval_policy] %s\n' "$*"; }
# shellcheck disable=SC1091
source scripts/lerobot_route.sh
lerobot_route eval_policy.sh "$@"  # in a Debian 13 root: runs this script there and exits
# shellcheck disable=SC1091
source scripts/lerobot_env.sh
set -u
exec "$LEROBOT_VENV/bin/franka-hil-eval-lerobot" "${LEROBOT_ARGS[@]}"
