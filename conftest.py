# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Settings for every test in the workspace, set before any node or DDS participant starts."""

import os

# DDS discovery must never leave loopback on our machines.
os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
# Headless: MuJoCo renders through EGL unless a display (or an explicit choice) is present.
if not os.environ.get('DISPLAY'):
    os.environ.setdefault('MUJOCO_GL', 'egl')
