# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A subscription read when its node chooses to, not woken per message.

An executor wakes its node for every message of every subscription. For a topic published at
every simulator step (about 1000 a second in a fast lockstep run) those wake-ups, not the bytes,
are what a listener costs the machine: measured, three do-nothing Python subscribers of the
per-step topics took 35% of a lockstep client's steps on two cores. A listener that draws 30
times a second needs to read only then: the messages wait in the subscription's own queue
(its QoS depth; beyond it the oldest are dropped, as KEEP_LAST does) until take_all().
"""

from rclpy.impl.implementation_singleton import rclpy_implementation as _rclpy
from rclpy.type_support import check_is_valid_msg_type


class PolledSubscription:
    """A subscription of `node` that no executor waits on: call take_all() to read it."""

    def __init__(self, node, msg_type, topic, qos):
        """Subscribe to `topic` (resolved in the node's namespace) with QoSProfile `qos`."""
        check_is_valid_msg_type(msg_type)  # also loads its type support
        with node.handle:
            self.handle = _rclpy.Subscription(
                node.handle, msg_type, topic, qos.get_c_qos_profile(), None
            )
        self.msg_type = msg_type

    def take_all(self):
        """Return the messages received since the last call, oldest first."""
        taken = []
        with self.handle:
            while (message := self.handle.take_message(self.msg_type, False)) is not None:
                taken.append(message[0])
        return taken

    def destroy(self):
        """Unsubscribe (before the node is destroyed)."""
        self.handle.destroy_when_not_in_use()
