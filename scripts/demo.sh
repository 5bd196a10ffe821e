#!/usr/bin/env bash
# Set up if needed, then run the pick-cube demo headless: the whole ROS graph with the synthetic
# human at the gamepad for a few episodes, recorded to a bag and an mp4 under out/.
# Extra arguments go to hil_demo (e.g. --episodes 20, or teleop:=keyboard to drive yourself).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh"
cd "$root"
set +u  # colcon's setup scripts read unset variables
# shellcheck disable=SC1091
source scripts/env.sh
set -u
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
exec hil_demo --episodes 10 "$@"
