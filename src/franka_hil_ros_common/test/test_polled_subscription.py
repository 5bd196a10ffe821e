# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""PolledSubscription: messages wait for take_all(), the executor never takes them."""

from franka_hil_ros_common.polled_subscription import PolledSubscription
from rclpy.qos import QoSProfile, ReliabilityPolicy
from std_msgs.msg import Int32

RELIABLE = ReliabilityPolicy.RELIABLE


def test_messages_wait_for_take_all_in_order_oldest_dropped_beyond_depth(ros_node, spin):
    publisher = ros_node.create_publisher(
        Int32, 'counted', QoSProfile(depth=50, reliability=RELIABLE)
    )
    polled = PolledSubscription(
        ros_node, Int32, 'counted', QoSProfile(depth=4, reliability=RELIABLE)
    )
    # A normal subscription of the same topic says when the messages have reached this process.
    heard = []
    ros_node.create_subscription(
        Int32,
        'counted',
        lambda msg: heard.append(msg.data),
        QoSProfile(depth=50, reliability=RELIABLE),
    )
    spin(ros_node, lambda: publisher.get_subscription_count() == 2, what='both subscriptions')
    assert polled.take_all() == []

    for value in range(3):
        publisher.publish(Int32(data=value))
    spin(ros_node, lambda: len(heard) == 3, what='3 messages heard')  # the executor spun
    assert [msg.data for msg in polled.take_all()] == [0, 1, 2]
    assert polled.take_all() == []

    for value in range(10, 20):
        publisher.publish(Int32(data=value))
    spin(ros_node, lambda: len(heard) == 13, what='10 more messages heard')
    assert [msg.data for msg in polled.take_all()] == [16, 17, 18, 19]  # depth 4: the newest
    polled.destroy()
    spin(ros_node, lambda: publisher.get_subscription_count() == 1, what='unsubscribed')
