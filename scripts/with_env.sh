#!/usr/bin/env bash
# Set up if needed, then run a command in the workspace environment (venv, ROS 2 wheels, our
# packages, DDS discovery on localhost), in the current directory:
# `bash scripts/with_env.sh COMMAND [ARGS...]`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh"
# The command runs where it was called (`bash ../../scripts/test.sh` inside a package runs its
# tests), not in the repository root.
set +u  # colcon's setup scripts read unset variables
# shellcheck disable=SC1091
source "$root/scripts/env.sh"
set -u
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
exec "$@"
