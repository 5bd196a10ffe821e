# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""TeleopPublisher with a stand-in node: what it publishes and what it logs."""

from types import SimpleNamespace

from builtin_interfaces.msg import Time
from franka_hil_common.events import FAILURE, SUCCESS
from franka_hil_common.names import SIM_NODE
from franka_hil_teleop import ros_io
from franka_hil_teleop.ros_io import TeleopPublisher
from franka_hil_teleop.teleop_core import Output
import pytest


class FakeNode:
    """Records published messages and log lines; `subscribers` are the graph's node names."""

    def __init__(self, subscribers=(SIM_NODE,), sim_time=False):
        self.published, self.lines, self.subscribers = [], [], list(subscribers)
        self.sim_time = sim_time
        self.nodes = list(subscribers)  # the graph's nodes (in this node's namespace)
        self.matched = len(self.subscribers)
        self.timer = None  # the callback of the running timer

    def create_publisher(self, msg_type, topic, qos):
        node = self

        class Publisher:
            topic_name = f'/{topic}'

            def publish(self, msg):
                node.published.append((topic, msg))

            def get_subscription_count(self):
                return node.matched

        return Publisher()

    def create_timer(self, period, callback, clock=None):
        node = self

        class Timer:
            def cancel(self):
                node.timer = None

            def reset(self):
                node.timer = callback

        return Timer()

    def get_parameter(self, name):
        assert name == 'use_sim_time'
        return SimpleNamespace(value=self.sim_time)

    def get_namespace(self):
        return '/ns'

    def get_node_names_and_namespaces(self):
        return [(name, '/ns') for name in self.nodes] + [(SIM_NODE, '/other')]

    def get_subscriptions_info_by_topic(self, topic):
        return [SimpleNamespace(node_name=name) for name in self.subscribers]

    def get_logger(self):
        node = self

        class Logger:
            def info(self, text):
                node.lines.append(text)

            def warning(self, text):
                node.lines.append(text)

        return Logger()


def test_a_flood_of_event_presses_logs_one_line_per_event_kind_but_sends_every_event(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(ros_io.time, 'monotonic', lambda: clock[0])
    node = FakeNode()
    out = TeleopPublisher(node, 'keyboard', 'panda_link0')
    out.publish(Output())
    clock[0] += ros_io.SIMULATOR_MATCH_SETTLE_S
    for _ in range(1000):  # a fuzzer or a stuck key, far inside one second
        out.publish(Output(events=(SUCCESS, FAILURE)), stamp=Time())
    assert sum(topic == 'episode_event' for topic, _ in node.published) == 2000
    assert node.lines == ['episode event: success', 'episode event: failure']


def events_sent(node):
    return [(topic, msg.event) for topic, msg in node.published]


def test_an_event_pressed_before_the_simulator_is_discovered_is_sent_when_it_is(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(ros_io.time, 'monotonic', lambda: clock[0])
    node = FakeNode(subscribers=())
    out = TeleopPublisher(node, 'keyboard', 'panda_link0')
    assert node.timer is None
    out.publish(Output(events=(SUCCESS,)), stamp=Time())
    node.timer()  # held events look again on a timer, with no input coming
    assert node.published == []
    node.subscribers, node.matched = ['recorder'], 1  # found first: it does not make it go
    node.timer()
    assert node.published == []
    node.subscribers.append(SIM_NODE)  # seen on the graph, not matched yet
    out.publish(Output())  # an input looks too
    assert node.published == []
    node.matched = 2
    node.timer()
    # Matched here; the simulator's end may take this writer a moment later.
    clock[0] += ros_io.SIMULATOR_MATCH_SETTLE_S - 0.01
    node.timer()
    assert node.published == []
    clock[0] += 0.01
    node.timer()
    assert events_sent(node) == [('episode_event', SUCCESS)]
    assert node.timer is None


def test_without_a_simulator_an_early_event_goes_to_the_listeners_after_a_wait(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(ros_io.time, 'monotonic', lambda: clock[0])
    node = FakeNode(subscribers=('test_listener',))
    out = TeleopPublisher(node, 'keyboard', 'panda_link0')
    out.publish(Output(events=(FAILURE,)), stamp=Time())
    clock[0] += ros_io.NO_SIMULATOR_WAIT_S - 0.1
    node.timer()
    assert node.published == []
    clock[0] += 0.1
    node.timer()
    assert events_sent(node) == [('episode_event', FAILURE)]


@pytest.mark.parametrize('found, sim_time', [(True, False), (False, True)])
def test_an_early_event_waits_for_a_simulator_on_the_graph(monkeypatch, found, sim_time):
    # A simulator node found (not its subscription yet), or none found by a node on sim time
    # (a bringup graph's): the recorder's subscription alone does not make the event go.
    clock = [100.0]
    monkeypatch.setattr(ros_io.time, 'monotonic', lambda: clock[0])
    node = FakeNode(subscribers=('recorder',), sim_time=sim_time)
    if found:
        node.nodes.append(SIM_NODE)
    out = TeleopPublisher(node, 'keyboard', 'panda_link0')
    out.publish(Output(events=(SUCCESS,)), stamp=Time())
    clock[0] += ros_io.NO_SIMULATOR_WAIT_S + 1.0
    node.timer()
    assert node.published == []
    node.subscribers.append(SIM_NODE)
    node.matched = 2
    node.timer()
    clock[0] += ros_io.SIMULATOR_MATCH_SETTLE_S
    node.timer()
    assert events_sent(node) == [('episode_event', SUCCESS)]


def test_early_events_nobody_takes_are_dropped_with_a_warning(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(ros_io.time, 'monotonic', lambda: clock[0])
    node = FakeNode(subscribers=())
    out = TeleopPublisher(node, 'keyboard', 'panda_link0')
    out.publish(Output(events=(SUCCESS,)), stamp=Time())
    clock[0] += ros_io.EARLY_EVENT_WAIT_S + 0.1
    node.timer()
    assert node.published == [] and node.timer is None
    assert node.lines[-1] == (
        '1 episode event(s) dropped: no simulator subscribed within '
        f'{ros_io.EARLY_EVENT_WAIT_S:g} s'
    )
