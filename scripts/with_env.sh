#!/usr/bin/env bash
# Set up if needed, then run a command in the workspace environment (venv, ROS 2 wheels, our
# packages, DDS discovery on localhost): `bash scripts/with_env.sh COMMAND [ARGS...]`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh"
cd "$root"
set +u  # colcon's setup scripts read unset variables
# shellcheck disable=SC1091
source scripts/env.sh
set -u
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
exec "$@"
