#!/usr/bin/env bash
# Opt-in check (not part of CI): LeRobot's HIL-SERL on our graph, for real, in LeRobot's own venv.
#
#   bash scripts/check_lerobot.sh [--lerobot 0.4.4] [--parts 1234] [--workdir DIR] ...
#
# Which LeRobot (it says which in one line), where, and how its venv is made (default
# .venv-lerobot, git-ignored; LEROBOT_VENV=DIR puts it elsewhere): scripts/lerobot_route.sh, the
# same as scripts/train_hil.sh's. By default the newest LeRobot 0.6.x from PyPI (Python >= 3.12):
# with the system's python3 (or PYTHON=...) where that is 3.12 / 3.13 (Ubuntu 24.04: 3.12), else
# (Debian 12: 3.11) inside a Debian 13 root (Python 3.13; needs root; FRANKA_HIL_PLATFORM_CACHE,
# default /var/cache/franka-hil), where this checkout goes to /srv/franka-hil-lerobot and this
# script runs; paths given there (--workdir) are the root's (CACHE/debian13/DIR from outside)
# except under out/, which is this checkout's out/, and LEROBOT_VENV is not passed in (the venv
# is /srv/franka-hil-lerobot/.venv-lerobot). LeRobot 0.4.4 (the last for Python 3.11) with
# --lerobot 0.4.4, on a 3.11 workspace, no root.
#
# Then its `franka-hil-check-lerobot` (training/franka_hil_training/lerobot/check.py) runs with
# our workspace on its paths (install/, not pip-installed): env + processors on a graph it
# attaches to, gym_manipulator record mode, demonstrations -> bag_to_lerobot -> LeRobotDataset,
# and LeRobot's learner + actor on a graph the env launches. Other arguments go to it
# (--parts 1234, --workdir DIR, --timeout S, --domain N). test/test_lerobot_check.py runs it when
# the venv is there (and says it is skipped if not). Idempotent: the venv is made again only
# when its recipe changes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[check_lerobot] %s\n' "$*"; }
# shellcheck disable=SC1091
source scripts/lerobot_route.sh
lerobot_exec check_lerobot.sh franka-hil-check-lerobot "$@"
