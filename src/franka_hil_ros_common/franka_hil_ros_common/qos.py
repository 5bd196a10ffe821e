# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""QoS profiles the nodes share."""

from franka_hil_common.task import MAX_EPISODE_STEPS
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

# Latched (ROS 1's latch): the latest message kept for subscribers that join later
# (robot_description, /tf_static, a recorder's status).
LATCHED = QoSProfile(
    depth=1,
    reliability=ReliabilityPolicy.RELIABLE,
    durability=DurabilityPolicy.TRANSIENT_LOCAL,
)
# step_info keeps an episode's worth (at gym-hil's length) for late subscribers: the demo,
# started with the graph, still sees the first step of an episode a person ends at once.
STEP_INFO = QoSProfile(
    depth=MAX_EPISODE_STEPS,
    reliability=ReliabilityPolicy.RELIABLE,
    durability=DurabilityPolicy.TRANSIENT_LOCAL,
)
