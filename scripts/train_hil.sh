#!/usr/bin/env bash
# Opt-in benchmark (not CI): a HIL-SERL training run on the graph with LeRobot 0.4.4's learner
# and actor and the corrective synthetic human, then the policy alone on held-out seeds: the
# package's `franka-hil-train-lerobot` (training/franka_hil_training/lerobot/train.py; settings
# in training/franka_hil_training/configs/lerobot_sac.yaml) in the LeRobot venv.
# `bash scripts/train_hil.sh [--minutes 20] [--no-human] [--demos 20] ...` (--help lists all);
# outputs under out/train-<time>/. Needs the LeRobot venv (LEROBOT_VENV, default .venv-lerobot:
# scripts/check_lerobot.sh makes it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
# shellcheck disable=SC1091
source scripts/lerobot_env.sh
set -u
exec "$LEROBOT_VENV/bin/franka-hil-train-lerobot" "$@"
