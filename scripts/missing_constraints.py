# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Print the pins of a constraints file for packages this interpreter does not have yet.

An outside stack's venv (LeRobot, Stable-Baselines3) installs its own stack first; then the
ROS 2 client wheels go in at the workspace's versions without touching what it chose:
`python scripts/missing_constraints.py constraints.txt > ros-constraints.txt`.
"""

import importlib.metadata as metadata
import re
import sys


def norm(name):
    return re.sub(r'[-_.]+', '-', name).lower()


have = {norm(d.metadata['Name']) for d in metadata.distributions()}
for line in open(sys.argv[1]):
    name = re.split(r'[=<>\[ ;]', line.strip())[0]
    if name and not name.startswith('#') and norm(name) not in have:
        print(line.strip())
