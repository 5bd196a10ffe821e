# Source this (bash) with a venv's path: the workspace environment (scripts/env.sh) with that
# venv (an outside stack's: LeRobot, Stable-Baselines3) in place of the workspace's venv, so
# our packages come from install/ and everything else from that venv. Builds nothing: run
# scripts/setup.sh and make the venv first. Sets OUTSIDE_PYTHON to its interpreter.
_fh_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_fh_venv=$1
if [ ! -x "$_fh_venv/bin/python" ] || [ ! -d "$_fh_root/install" ]; then
  echo "no venv at $_fh_venv or no install/: run scripts/setup.sh and make the venv first" >&2
  return 1
fi
set +u  # colcon's setup scripts read unset variables
# shellcheck disable=SC1091
source "$_fh_root/scripts/env.sh"
_fh_prefixes=()
IFS=: read -r -a _fh_entries <<< "$AMENT_PREFIX_PATH"
for _fh_entry in "${_fh_entries[@]}"; do
  if [ "$_fh_entry" = "$_fh_root/.venv" ]; then _fh_prefixes+=("$_fh_venv")
  else _fh_prefixes+=("$_fh_entry"); fi
done
AMENT_PREFIX_PATH=$(IFS=:; echo "${_fh_prefixes[*]}")
export AMENT_PREFIX_PATH VIRTUAL_ENV="$_fh_venv" PATH="$_fh_venv/bin:$PATH"
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
OUTSIDE_PYTHON="$_fh_venv/bin/python"
unset _fh_root _fh_venv _fh_prefixes _fh_entries _fh_entry
