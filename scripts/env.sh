# Source this (bash): `source scripts/env.sh` puts the pip-only workspace on this shell:
# the venv, the ROS 2 wheels as the underlay, our built packages, and safe defaults.
_fh_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VIRTUAL_ENV="$_fh_root/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
export AMENT_PREFIX_PATH="$VIRTUAL_ENV${AMENT_PREFIX_PATH:+:$AMENT_PREFIX_PATH}"
# shellcheck disable=SC1091
. "$_fh_root/install/setup.bash"
# DDS discovery stays on this machine unless the user says otherwise (see README, multi-host).
export ROS_AUTOMATIC_DISCOVERY_RANGE="${ROS_AUTOMATIC_DISCOVERY_RANGE:-LOCALHOST}"
# No display: MuJoCo renders off-screen through EGL (Mesa).
[ -n "${DISPLAY:-}" ] || export MUJOCO_GL="${MUJOCO_GL:-egl}"
unset _fh_root
