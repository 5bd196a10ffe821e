# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""TeleopPublisher with a stand-in node: what it publishes and what it logs."""

from builtin_interfaces.msg import Time
from franka_hil_common.events import FAILURE, SUCCESS
from franka_hil_teleop.ros_io import TeleopPublisher
from franka_hil_teleop.teleop_core import Output


class FakeNode:
    """Records published messages and log lines."""

    def __init__(self, subscribers=1):
        self.published, self.lines, self.subscribers = [], [], subscribers

    def create_publisher(self, msg_type, topic, qos):
        node = self

        class Publisher:
            def publish(self, msg):
                node.published.append((topic, msg))

            def get_subscription_count(self):
                return node.subscribers

        return Publisher()

    def get_logger(self):
        node = self

        class Logger:
            def info(self, text):
                node.lines.append(text)

            def warning(self, text):
                node.lines.append(text)

        return Logger()


def test_a_flood_of_event_presses_logs_one_line_per_event_kind_but_sends_every_event():
    node = FakeNode()
    out = TeleopPublisher(node, 'keyboard', 'panda_link0')
    for _ in range(1000):  # a fuzzer or a stuck key, far inside one second
        out.publish(Output(events=(SUCCESS, FAILURE)), stamp=Time())
    assert sum(topic == 'episode_event' for topic, _ in node.published) == 2000
    assert node.lines == ['episode event: success', 'episode event: failure']


def test_an_event_pressed_before_the_simulator_is_discovered_is_sent_when_it_is():
    node = FakeNode(subscribers=0)
    out = TeleopPublisher(node, 'keyboard', 'panda_link0')
    out.publish(Output(events=(SUCCESS,)), stamp=Time())
    out.publish(Output())
    assert node.published == []
    node.subscribers = 1
    out.publish(Output())  # the next input (the keyboard polls at 100 Hz)
    assert [(topic, msg.event) for topic, msg in node.published] == [('episode_event', SUCCESS)]
