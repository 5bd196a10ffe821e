# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""TeleopPublisher with a stand-in node: what it publishes and what it logs."""

from builtin_interfaces.msg import Time
from franka_hil_common.events import FAILURE, SUCCESS
from franka_hil_teleop.ros_io import TeleopPublisher
from franka_hil_teleop.teleop_core import Output


class FakeNode:
    """Records published messages and log lines."""

    def __init__(self):
        self.published, self.lines = [], []

    def create_publisher(self, msg_type, topic, qos):
        node = self

        class Publisher:
            def publish(self, msg):
                node.published.append((topic, msg))
        return Publisher()

    def get_logger(self):
        node = self

        class Logger:
            def info(self, text):
                node.lines.append(text)
        return Logger()


def test_a_flood_of_event_presses_logs_one_line_per_event_kind_but_sends_every_event():
    node = FakeNode()
    out = TeleopPublisher(node, 'keyboard', 'panda_link0')
    for _ in range(1000):  # a fuzzer or a stuck key, far inside one second
        out.publish(Output(events=(SUCCESS, FAILURE)), stamp=Time())
    assert sum(topic == 'episode_event' for topic, _ in node.published) == 2000
    assert node.lines == ['episode event: success', 'episode event: failure']
