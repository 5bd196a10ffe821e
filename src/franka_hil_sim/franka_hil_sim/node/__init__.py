# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The simulator on the ROS graph: sim_node, its parameters, messages and service thread."""
