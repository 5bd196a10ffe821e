# Source this (bash): `source scripts/env.sh` puts the pip-only workspace on this shell:
# the venv, the ROS 2 wheels as the underlay, our built packages, and safe defaults.
_fh_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VIRTUAL_ENV="$_fh_root/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
export AMENT_PREFIX_PATH="$VIRTUAL_ENV${AMENT_PREFIX_PATH:+:$AMENT_PREFIX_PATH}"
# shellcheck disable=SC1091
. "$_fh_root/install/setup.bash"
# Our console scripts on PATH (what `ros2 run <package> <executable>` would find).
for _fh_bin in "$_fh_root"/install/franka_hil_*/lib/franka_hil_*; do
  [ -d "$_fh_bin" ] && PATH="$_fh_bin:$PATH"
done
# DDS discovery stays on this machine unless the user says otherwise (see README, multi-host).
export ROS_AUTOMATIC_DISCOVERY_RANGE="${ROS_AUTOMATIC_DISCOVERY_RANGE:-LOCALHOST}"
# No display: MuJoCo renders off-screen through EGL (Mesa).
[ -n "${DISPLAY:-}" ] || export MUJOCO_GL="${MUJOCO_GL:-egl}"
unset _fh_root _fh_bin
