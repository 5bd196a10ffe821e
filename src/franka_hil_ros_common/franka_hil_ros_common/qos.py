# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""QoS profiles the nodes share."""

from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

# Latched (ROS 1's latch): the latest message kept for subscribers that join later
# (robot_description, /tf_static, a recorder's status).
LATCHED = QoSProfile(
    depth=1,
    reliability=ReliabilityPolicy.RELIABLE,
    durability=DurabilityPolicy.TRANSIENT_LOCAL,
)
