# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The franka-hil ROS 2 graph as a Gymnasium env."""
