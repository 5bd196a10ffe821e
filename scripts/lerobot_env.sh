# Source this (bash): the workspace environment with an existing LeRobot venv (LEROBOT_VENV,
# default .venv-lerobot, made by scripts/check_lerobot.sh) in place of the workspace's venv, as
# check_lerobot.sh runs lerobot_check.py (scripts/venv_env.sh). Sets LEROBOT_PYTHON.
# shellcheck disable=SC1091
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/venv_env.sh" \
  "${LEROBOT_VENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv-lerobot}" || return 1
LEROBOT_PYTHON=$OUTSIDE_PYTHON
