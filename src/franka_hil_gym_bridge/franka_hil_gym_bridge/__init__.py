# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The franka-hil ROS 2 graph as a Gymnasium env: a drop-in for gym-hil ids in LeRobot HIL-SERL.

Importing the package registers the franka_hil_ros/ and gym_hil/FrankaHil... ids (LeRobot's
--env.discover_packages_path imports it for that), and nothing else: rclpy and MuJoCo load when
an env is made.
"""

from franka_hil_gym_bridge.registration import register_envs

register_envs()
