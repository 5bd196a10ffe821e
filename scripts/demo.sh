#!/usr/bin/env bash
# Set up if needed, then run the pick-cube demo headless: the whole ROS graph with the synthetic
# human at the gamepad for a few episodes, recorded to a bag and an mp4 under out/.
# Extra arguments go to franka-hil-demo (e.g. --episodes 20, or teleop:=keyboard to drive yourself).
exec bash "$(dirname "${BASH_SOURCE[0]}")/with_env.sh" franka-hil-demo --episodes 10 "$@"
