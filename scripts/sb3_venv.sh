#!/usr/bin/env bash
# Makes the Stable-Baselines3 venv (default .venv-sb3, git-ignored; SB3_VENV=DIR puts it
# elsewhere) as SB3's docs make one: `pip install stable-baselines3` (torch from PyPI as pip
# picks it; pytest for test/test_sb3_hil_buffer.py), then the ROS 2 client wheels our env
# imports at the workspace's versions, changing nothing SB3's install chose
# (scripts/outside_venv.sh), and our training package (training/, `pip install -e`: the
# franka-hil-train-sb3 / franka-hil-eval-sb3 commands). Idempotent: made again only when this
# recipe changes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv=${SB3_VENV:-$root/.venv-sb3}
SB3='stable-baselines3==2.9.2 pytest'
say() { printf '[sb3_venv] %s\n' "$*"; }

# shellcheck disable=SC1091
source scripts/outside_venv.sh
if outside_venv_begin "$venv" sb3 "$SB3"; then
  say "pip install $SB3 (torch from PyPI)"
  # shellcheck disable=SC2086
  "${pip[@]}" install -q $SB3
  outside_venv_add_ros "$venv" sb3
  "$venv/bin/python" -c 'import rclpy, stable_baselines3, torch; print(
      "[sb3_venv] stable-baselines3", stable_baselines3.__version__, "torch", torch.__version__)'
  outside_venv_end "$venv" sb3
fi
outside_venv_add_training "$venv"
