#!/usr/bin/env bash
# Opt-in benchmark (not CI): a HIL-SERL training run on the graph with LeRobot's learner and
# actor and the corrective synthetic human, then the policy alone on held-out seeds: the
# package's `franka-hil-train-lerobot` (training/franka_hil_training/lerobot/train.py; settings
# in training/franka_hil_training/configs/lerobot_sac.yaml) in LeRobot's venv.
#
#   bash scripts/train_hil.sh [--lerobot 0.6|0.4.4] [--minutes 20] [--no-human] [--demos 20] ...
#
# (--help lists the rest); outputs under out/train-<time>[-nohuman]/. Which LeRobot, where, and
# its venv exactly as scripts/check_lerobot.sh (scripts/lerobot_route.sh): LeRobot 0.6.x by
# default, with the system's python3 (or PYTHON=...) where it is 3.12 / 3.13, else (Debian 12)
# inside the Debian 13 root (needs root; FRANKA_HIL_PLATFORM_CACHE), whose out/ is this
# checkout's out/ (an --out given there is the root's path); --lerobot 0.4.4 on a Python 3.11
# workspace. The venv is made when missing (a few GB).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[train_hil] %s\n' "$*"; }
# shellcheck disable=SC1091
source scripts/lerobot_route.sh
lerobot_exec train_hil.sh franka-hil-train-lerobot "$@"
