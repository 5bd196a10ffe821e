#!/usr/bin/env bash
# Set up if needed, then run every test: pytest over src/*/test and test/ (ament flake8 / pep257
# / copyright lint tests included). Extra arguments go to pytest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh"
cd "$root"
set +u  # colcon's setup scripts read unset variables
# shellcheck disable=SC1091
source scripts/env.sh
set -u
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
exec python -m pytest "$@"
