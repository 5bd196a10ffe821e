# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The facts every franka-hil package shares, each stated once, in plain Python.

Nothing here imports rclpy or MuJoCo, so the teleop nodes, the recorder and the gym bridge can
speak the simulator's language without loading it.
"""
