# Source this (bash): the workspace environment with an existing LeRobot venv (LEROBOT_VENV,
# default .venv-lerobot, made by scripts/check_lerobot.sh) in place of the workspace's venv, as
# check_lerobot.sh runs franka-hil-check-lerobot (scripts/venv_env.sh), with this checkout's
# training package installed in it (scripts/outside_venv.sh). Sets LEROBOT_VENV and
# LEROBOT_PYTHON.
LEROBOT_VENV=${LEROBOT_VENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv-lerobot}
# shellcheck disable=SC1091
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/venv_env.sh" "$LEROBOT_VENV" || return 1
# shellcheck disable=SC1091
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/outside_venv.sh"
outside_venv_add_training "$LEROBOT_VENV" || return 1
LEROBOT_PYTHON=$OUTSIDE_PYTHON
