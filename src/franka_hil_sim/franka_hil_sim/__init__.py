# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""MuJoCo pick-cube simulation of a Franka Panda: ROS-free core and ROS 2 node."""
