#!/usr/bin/env bash
# Opt-in check (not part of CI): LeRobot's HIL-SERL on our graph, for real, in LeRobot's own venv.
#
# Sets up a LeRobot venv as LeRobot's docs make one (default .venv-lerobot, git-ignored;
# LEROBOT_VENV=DIR puts it elsewhere), adds the ROS 2 client wheels and our training package
# (training/, pip install -e), and runs its `franka-hil-check-lerobot`
# (training/franka_hil_training/lerobot/check.py) with our workspace on its paths (install/,
# not pip-installed): env + processors on a graph it attaches to, gym_manipulator record mode,
# demonstrations -> bag_to_lerobot -> LeRobotDataset, and LeRobot's learner + actor on a graph
# the env launches. Arguments go to it (--parts 1234, --workdir DIR, --timeout S, --domain N).
# test/test_lerobot_check.py runs it when the venv is there (and says it is skipped if not).
# Idempotent: the venv is made again only when its recipe (below) changes.
#
# The venv, nothing upgraded or patched:
#   1. python -m venv, with the workspace's interpreter (CPython 3.11: install/ holds message
#      typesupport built for it; LeRobot >= 0.5 needs 3.12, so 0.4.4 is the newest usable).
#   2. pip install "lerobot[hilserl]==0.4.4": LeRobot with HIL-SERL's extras (gym-hil 0.1.14 with
#      its own MuJoCo < 3.9, placo, grpcio, transformers) and torch / torchvision as pip picks
#      them from PyPI (they match each other). RESOLVER_HINTS only spare pip a long backtrack
#      (opencv-python-headless 4.12 wants numpy < 2.3, placo's cmeel-boost 1.89 wants
#      numpy >= 2.3, < 2.4: without the hints pip downloads five torch releases, ~900 MB each,
#      before it finds this): they pick versions inside LeRobot's own ranges and pin nothing
#      LeRobot does not allow.
#   3. the ROS 2 client wheels our packages import, at the workspace's versions; they add
#      packages only: the check fails if they would change any version LeRobot's install chose
#      (scripts/outside_venv.sh).
#   4. our packages come from the workspace's install/ (colcon build by scripts/setup.sh):
#      PYTHONPATH and AMENT_PREFIX_PATH, never the workspace's mujoco / gymnasium pins. The
#      graph itself (bringup, the sim with MuJoCo 4) runs with the workspace's Python; the env
#      in LeRobot's process imports no simulator.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv=${LEROBOT_VENV:-$root/.venv-lerobot}
LEROBOT='lerobot[hilserl]==0.4.4'
RESOLVER_HINTS='numpy==2.3.5 opencv-python-headless==4.11.0.86 coal==3.0.2 libcoal==3.0.2'
say() { printf '[check_lerobot] %s\n' "$*"; }

# The workspace first: its venv, ROS wheels and install/ (our packages, built for its Python).
bash scripts/setup.sh
# shellcheck disable=SC1091
source scripts/outside_venv.sh
if outside_venv_begin "$venv" lerobot "$LEROBOT $RESOLVER_HINTS"; then
  say "pip install $LEROBOT (torch from PyPI; a few GB to download)"
  tr ' ' '\n' <<< "$RESOLVER_HINTS" > "$venv/resolver-hints.txt"
  "${pip[@]}" install -q "$LEROBOT" -c "$venv/resolver-hints.txt"
  outside_venv_add_ros "$venv" lerobot
  "$venv/bin/python" - <<'EOF'
import importlib.metadata as metadata

import gym_hil  # noqa: F401
import lerobot.rl.actor  # noqa: F401
import lerobot.rl.learner  # noqa: F401
import rclpy  # noqa: F401
import torchvision  # noqa: F401

versions = {name: metadata.version(name) for name in ('lerobot', 'gym-hil', 'mujoco', 'torch',
                                                       'torchvision', 'numpy', 'ros-rclpy')}
assert versions['lerobot'] == '0.4.4', versions
assert tuple(map(int, versions['mujoco'].split('.')[:2])) < (3, 9), versions  # gym-hil's pin
print('[check_lerobot] ' + ', '.join(f'{k} {v}' for k, v in versions.items()))
EOF
  outside_venv_end "$venv" lerobot
fi
outside_venv_add_training "$venv"

# The workspace environment with the LeRobot venv in place of the workspace's venv.
# shellcheck disable=SC1091
source scripts/venv_env.sh "$venv"
set -u
exec "$venv/bin/franka-hil-check-lerobot" "$@"
