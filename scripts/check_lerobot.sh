#!/usr/bin/env bash
# Opt-in check (not part of CI): LeRobot's HIL-SERL on our graph, for real, in LeRobot's own venv.
#
#   bash scripts/check_lerobot.sh [--lerobot 0.4.4] [--parts 1234] [--workdir DIR] ...
#
# Which LeRobot (it says which in one line):
# - the newest LeRobot 0.6.x from PyPI (needs Python >= 3.12), the default:
#   - with the system's python3 (or PYTHON=...) where that is 3.12 or 3.13 (Ubuntu 24.04: 3.12):
#     the workspace is set up with it (PYTHON=... scripts/setup.sh) and the venv made from it;
#   - where it is older (Debian 12: 3.11), inside a Debian 13 root (Python 3.13; needs root for
#     debootstrap, chroot and bind mounts): scripts/debian13_root.sh makes it once under
#     FRANKA_HIL_PLATFORM_CACHE (default /var/cache/franka-hil), this checkout (HEAD plus its
#     uncommitted changes) goes to /srv/franka-hil-lerobot in it, and this script runs there.
#     Our messages' typesupport is built per Python, so the workspace is set up inside too.
#     Paths given there (--workdir) are the root's (CACHE/debian13/DIR from outside), and
#     LEROBOT_VENV is not passed in (the venv is /srv/franka-hil-lerobot/.venv-lerobot);
# - LeRobot 0.4.4 (the last for Python 3.11) with --lerobot 0.4.4, on a 3.11 workspace, no root.
#
# The venv is made as LeRobot's docs make one (default .venv-lerobot, git-ignored;
# LEROBOT_VENV=DIR puts it elsewhere), then the ROS 2 client wheels and our training package
# (training/, pip install -e); then its `franka-hil-check-lerobot`
# (training/franka_hil_training/lerobot/check.py) runs with our workspace on its paths (install/,
# not pip-installed): env + processors on a graph it attaches to, gym_manipulator record mode,
# demonstrations -> bag_to_lerobot -> LeRobotDataset, and LeRobot's learner + actor on a graph
# the env launches. Other arguments go to it (--parts 1234, --workdir DIR, --timeout S,
# --domain N). test/test_lerobot_check.py runs it when the venv is there (and says it is skipped
# if not). Idempotent: the venv is made again only when its recipe (below) changes.
#
# The 0.6 venv: python -m venv; pip install "lerobot[hilserl]>=0.6,<0.7" (HIL-SERL's extras:
# gym-hil, placo, grpcio, transformers; torch / torchvision as pip picks them from PyPI, a CUDA
# build of several GB), nothing pinned by us; then 3. and 4. below.
#
# The 0.4.4 venv, nothing upgraded or patched:
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
say() { printf '[check_lerobot] %s\n' "$*"; }

want=${FRANKA_HIL_LEROBOT:-0.6}
if [ "${1:-}" = --lerobot ]; then want=${2:-}; shift; [ $# -eq 0 ] || shift; fi
case $want in
  0.6 | 0.4.4) ;;
  *) echo "usage: bash scripts/check_lerobot.sh [--lerobot 0.6|0.4.4] [check options]" >&2; exit 2 ;;
esac
python=${PYTHON:-python3}
pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || pyver=

if [ "$want" = 0.4.4 ]; then
  LEROBOT='lerobot[hilserl]==0.4.4'
  RESOLVER_HINTS='numpy==2.3.5 opencv-python-headless==4.11.0.86 coal==3.0.2 libcoal==3.0.2'
  if [ "$pyver" != 3.11 ]; then
    say "LeRobot 0.4.4 needs the workspace on Python 3.11, but $python is ${pyver:-not a Python}"
    exit 1
  fi
  say "LeRobot 0.4.4 on Python 3.11 ($python), as asked (--lerobot 0.4.4)"
elif [ -n "$pyver" ] && [ "${pyver#3.}" -ge 12 ] 2>/dev/null; then
  LEROBOT='lerobot[hilserl]>=0.6,<0.7'
  RESOLVER_HINTS=''
  say "LeRobot 0.6.x (the newest on PyPI) on Python $pyver ($python)"
  export PYTHON=$python
else
  cache=${FRANKA_HIL_PLATFORM_CACHE:-/var/cache/franka-hil}
  say "LeRobot 0.6.x (the newest on PyPI) in a Debian 13 root (Python 3.13): $python is" \
      "Python ${pyver:-?}, LeRobot >= 0.5 needs >= 3.12 (--lerobot 0.4.4: LeRobot 0.4.4 here)"
  if [ "$(id -u)" -ne 0 ]; then
    say "the Debian 13 root needs root (debootstrap, chroot, bind mounts): run it with sudo"
    exit 1
  fi
  # shellcheck disable=SC1091
  source scripts/debian13_root.sh
  debian13_root_up "$cache"
  debian13_root_sync /srv/franka-hil-lerobot
  args=$(printf '%q ' "$@")
  status=0
  debian13_root_run /srv/franka-hil-lerobot \
    "FRANKA_HIL_LEROBOT=0.6 PYTHON=python3 bash scripts/check_lerobot.sh $args" || status=$?
  exit "$status"
fi

# The workspace first: its venv, ROS wheels and install/ (our packages, built for its Python).
bash scripts/setup.sh
# shellcheck disable=SC1091
source scripts/outside_venv.sh
if outside_venv_begin "$venv" lerobot "$LEROBOT $RESOLVER_HINTS"; then
  say "pip install $LEROBOT (torch from PyPI; a few GB to download)"
  if [ -n "$RESOLVER_HINTS" ]; then
    tr ' ' '\n' <<< "$RESOLVER_HINTS" > "$venv/resolver-hints.txt"
    "${pip[@]}" install -q "$LEROBOT" -c "$venv/resolver-hints.txt"
  else
    "${pip[@]}" install -q "$LEROBOT"
  fi
  outside_venv_add_ros "$venv" lerobot
  LEROBOT_WANT=$want "$venv/bin/python" - <<'EOF'
import importlib.metadata as metadata
import os

import gym_hil  # noqa: F401
import lerobot.rl.actor  # noqa: F401
import lerobot.rl.learner  # noqa: F401
import rclpy  # noqa: F401
import torchvision  # noqa: F401

versions = {name: metadata.version(name) for name in ('lerobot', 'gym-hil', 'mujoco', 'torch',
                                                       'torchvision', 'numpy', 'ros-rclpy')}
want = os.environ['LEROBOT_WANT']
assert versions['lerobot'] == want or versions['lerobot'].startswith(want + '.'), versions
assert tuple(map(int, versions['mujoco'].split('.')[:2])) < (3, 9), versions  # gym-hil's pin
print('[check_lerobot] ' + ', '.join(f'{k} {v}' for k, v in versions.items()))
EOF
  outside_venv_end "$venv" lerobot
fi
outside_venv_add_training "$venv"
say "$("$venv/bin/python" -c 'import importlib.metadata as m, sys; print("LeRobot %s, Python %d.%d" % ((m.version("lerobot"),) + sys.version_info[:2]))') in $venv"

# The workspace environment with the LeRobot venv in place of the workspace's venv.
# shellcheck disable=SC1091
source scripts/venv_env.sh "$venv"
set -u
exec "$venv/bin/franka-hil-check-lerobot" "$@"
