# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The pick-cube task without ROS: model, physics and controller, rendering, envs, session."""
