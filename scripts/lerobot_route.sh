# Source this (bash) from a script that made `say`: which LeRobot a script runs, where, and its
# venv; shared by scripts/check_lerobot.sh and scripts/train_hil.sh (one recipe for both).
#
#   lerobot_route SCRIPT ARGS...  choose the LeRobot (ARGS may start with --lerobot 0.6|0.4.4;
#                                 FRANKA_HIL_LEROBOT sets the default, 0.6) and say which:
#     - 0.6.x (the newest on PyPI, needs Python >= 3.12) with the system's python3 (or PYTHON=...)
#       where that is 3.12 / 3.13: sets LEROBOT, RESOLVER_HINTS, LEROBOT_WANT, LEROBOT_ARGS (ARGS
#       without --lerobot) and exports PYTHON (the workspace is set up with it) and returns;
#     - 0.6.x where that Python is older (Debian 12: 3.11): in a Debian 13 root (Python 3.13,
#       scripts/debian13_root.sh, made once under FRANKA_HIL_PLATFORM_CACHE, default
#       /var/cache/franka-hil; needs root) this checkout goes to /srv/franka-hil-lerobot, this
#       checkout's out/ is bind-mounted on its out/ (outputs land here), SCRIPT runs there with
#       ARGS, and this shell exits with its status (paths in ARGS are the root's);
#     - 0.4.4 (the last for Python 3.11) with --lerobot 0.4.4, on a 3.11 workspace, no root.
#   lerobot_exec SCRIPT COMMAND ARGS...
#                                 lerobot_route SCRIPT ARGS, then lerobot_venv (LEROBOT_VENV,
#                                 default .venv-lerobot), the workspace environment with that
#                                 venv in place of the workspace's (scripts/venv_env.sh), then
#                                 exec the venv's COMMAND with LEROBOT_ARGS (check_lerobot.sh,
#                                 train_hil.sh).
#   lerobot_venv VENV             the workspace (scripts/setup.sh), then LeRobot's venv at VENV as
#                                 LeRobot's docs make it (idempotent: made again only when its
#                                 recipe changes, scripts/outside_venv.sh), then this checkout's
#                                 training package in it; says which LeRobot and Python it holds.
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
#      packages only: the script fails if they would change any version LeRobot's install chose
#      (scripts/outside_venv.sh).
#   4. our packages come from the workspace's install/ (colcon build by scripts/setup.sh):
#      PYTHONPATH and AMENT_PREFIX_PATH (scripts/venv_env.sh), never the workspace's mujoco /
#      gymnasium pins. The graph itself (bringup, the sim with MuJoCo 4) runs with the
#      workspace's Python; the env in LeRobot's process imports no simulator.
_lr_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LEROBOT_ROOT_DIR=/srv/franka-hil-lerobot

lerobot_route() {
  local script=$1 python pyver cache status=0 args
  shift
  LEROBOT_WANT=${FRANKA_HIL_LEROBOT:-0.6}
  if [ "${1:-}" = --lerobot ]; then LEROBOT_WANT=${2:-}; shift; [ $# -eq 0 ] || shift; fi
  LEROBOT_ARGS=("$@")
  case $LEROBOT_WANT in
    0.6 | 0.4.4) ;;
    *) echo "usage: bash scripts/$script [--lerobot 0.6|0.4.4] [options]" >&2; exit 2 ;;
  esac
  python=${PYTHON:-python3}
  pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || pyver=
  if [ "$LEROBOT_WANT" = 0.4.4 ]; then
    LEROBOT='lerobot[hilserl]==0.4.4'
    RESOLVER_HINTS='numpy==2.3.5 opencv-python-headless==4.11.0.86 coal==3.0.2 libcoal==3.0.2'
    if [ "$pyver" != 3.11 ]; then
      say "LeRobot 0.4.4 needs the workspace on Python 3.11, but $python is ${pyver:-not a Python}"
      exit 1
    fi
    say "LeRobot 0.4.4 on Python 3.11 ($python), as asked (--lerobot 0.4.4)"
    return 0
  fi
  if [ -n "$pyver" ] && [ "${pyver#3.}" -ge 12 ] 2>/dev/null; then
    LEROBOT='lerobot[hilserl]>=0.6,<0.7'
    RESOLVER_HINTS=''
    say "LeRobot 0.6.x (the newest on PyPI) on Python $pyver ($python)"
    export PYTHON=$python
    return 0
  fi
  cache=${FRANKA_HIL_PLATFORM_CACHE:-/var/cache/franka-hil}
  say "LeRobot 0.6.x (the newest on PyPI) in a Debian 13 root (Python 3.13): $python is" \
      "Python ${pyver:-?}, LeRobot >= 0.5 needs >= 3.12 (--lerobot 0.4.4: LeRobot 0.4.4 here)"
  if [ "$(id -u)" -ne 0 ]; then
    say "the Debian 13 root needs root (debootstrap, chroot, bind mounts): run it with sudo"
    exit 1
  fi
  # shellcheck disable=SC1091
  source "$_lr_root/scripts/debian13_root.sh"
  debian13_root_up "$cache" || exit 1
  debian13_root_sync "$LEROBOT_ROOT_DIR" || exit 1
  mkdir -p "$_lr_root/out" "$D13_ROOT$LEROBOT_ROOT_DIR/out"
  mount --bind "$_lr_root/out" "$D13_ROOT$LEROBOT_ROOT_DIR/out"  # unmounted on exit
  args=  # (printf '%q ' with no arguments would print '', an empty argument)
  [ ${#LEROBOT_ARGS[@]} -eq 0 ] || args=$(printf '%q ' "${LEROBOT_ARGS[@]}")
  debian13_root_run "$LEROBOT_ROOT_DIR" \
    "FRANKA_HIL_LEROBOT=0.6 PYTHON=python3 bash scripts/$script $args" || status=$?
  exit "$status"
}

lerobot_venv() {
  local venv=$1
  bash "$_lr_root/scripts/setup.sh"
  # shellcheck disable=SC1091
  source "$_lr_root/scripts/outside_venv.sh"
  if outside_venv_begin "$venv" lerobot "$LEROBOT $RESOLVER_HINTS"; then
    say "pip install $LEROBOT (torch from PyPI; a few GB to download)"
    if [ -n "$RESOLVER_HINTS" ]; then
      tr ' ' '\n' <<< "$RESOLVER_HINTS" > "$venv/resolver-hints.txt"
      "${pip[@]}" install -q "$LEROBOT" -c "$venv/resolver-hints.txt"
    else
      "${pip[@]}" install -q "$LEROBOT"
    fi
    outside_venv_add_ros "$venv" lerobot
    LEROBOT_WANT=$LEROBOT_WANT "$venv/bin/python" - <<'EOF'
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
print('[lerobot] ' + ', '.join(f'{k} {v}' for k, v in versions.items()))
EOF
    outside_venv_end "$venv" lerobot
  fi
  outside_venv_add_training "$venv"
  say "$("$venv/bin/python" -c 'import importlib.metadata as m, sys; print("LeRobot %s, Python %d.%d" % ((m.version("lerobot"),) + sys.version_info[:2]))') in $venv"
}

lerobot_exec() {
  local script=$1 command=$2 venv=${LEROBOT_VENV:-$_lr_root/.venv-lerobot}
  shift 2
  lerobot_route "$script" "$@"  # in a Debian 13 root: runs SCRIPT there and exits
  lerobot_venv "$venv"
  # shellcheck disable=SC1091
  source "$_lr_root/scripts/venv_env.sh" "$venv"
  set -u
  exec "$venv/bin/$command" "${LEROBOT_ARGS[@]}"
}
