# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Bring-up: the pick-cube graph described once (config/pick_cube.yaml), started and stopped.

graph resolves the description for both `ros2 launch franka_hil_sim pick_cube.launch.py` and the
pip-only `bringup` command (supervisor); demo runs the whole graph with the synthetic human.
"""
