# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The ROS side shared by the teleop nodes: config files, QoS and the teleop publishers.

The joystick teleop and the keyboard teleop publish exactly the same topics with the same QoS
from the same TeleopCore output; keeping that here means a recorder or the simulator cannot tell
the devices apart except by `source`.
"""

from pathlib import Path
import threading
import time

from ament_index_python.packages import get_package_share_directory, PackageNotFoundError
from franka_hil_common import events, names
from franka_hil_msgs.msg import EpisodeEvent, Intervention
from franka_hil_ros_common.log import RateLimitedLog
from franka_hil_ros_common.parameters import ParameterError
from geometry_msgs.msg import TwistStamped
from rclpy.clock import Clock, ClockType
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy

PACKAGE = 'franka_hil_teleop'
# Commands are superseded by the next one; keep a few so a slow reader still sees the release.
COMMAND_QOS = QoSProfile(
    depth=10, reliability=ReliabilityPolicy.RELIABLE, history=HistoryPolicy.KEEP_LAST
)
# Episode events must never be dropped: reliable, with room for a burst.
EVENT_QOS = QoSProfile(
    depth=100, reliability=ReliabilityPolicy.RELIABLE, history=HistoryPolicy.KEEP_LAST
)
# Events pressed before the simulator is discovered wait for it this long (s of wall time): a
# person who ends an episode as soon as the key map shows must not lose the key. Another
# subscriber (a recorder) found first does not make them go: they are for the simulator.
EARLY_EVENT_WAIT_S = 10.0
# Without a simulator on the graph, early events go to the subscribers there after this long.
# A node on sim time (a bringup graph's) or one that sees a simulator node in its namespace
# waits for the simulator's subscription: on a loaded machine the recorder's came 2 s before
# the simulator was discovered at all, and a re-record key went to the recorder alone.
NO_SIMULATOR_WAIT_S = 2.0
# With one, after this long: DDS matches a topic's two ends one at a time, and a volatile reader
# drops what a writer sent before the reader took it (Fast DDS #2641), so the simulator's reader
# may miss an event sent the moment this writer took the reader.
SIMULATOR_MATCH_SETTLE_S = 1.0
# How often held events look for the simulator (s of wall time), inputs or not.
EARLY_EVENT_POLL_S = 0.05


def config_file(name):
    """Return config/<name>: the installed copy, else the workspace's (run from source)."""
    candidates = []
    try:
        candidates.append(Path(get_package_share_directory(PACKAGE)) / 'config' / name)
    except PackageNotFoundError:
        pass
    candidates.append(Path(__file__).resolve().parents[3] / 'config' / name)
    for path in candidates:
        if path.is_file():
            return path
    raise ParameterError(
        f'config file {name} not found (looked in {", ".join(str(p.parent) for p in candidates)})'
    )


def steady_timer(node, period, callback):
    """
    Create a timer on the steady clock: it runs in wall time even under use_sim_time.

    The teleop nodes stamp messages in sim time when /clock is there, but a deadman timeout or a
    key-polling rate must not stop when the simulator does (lockstep: /clock moves per step).
    """
    return node.create_timer(period, callback, clock=Clock(clock_type=ClockType.STEADY_TIME))


class TeleopPublisher:
    """Publishes TeleopCore outputs as Intervention, TwistStamped and EpisodeEvent messages."""

    def __init__(self, node, source, frame_id):
        """Create the three publishers on `node`; `source` names the device in each message."""
        self.node = node
        self.source = source
        self.frame_id = frame_id
        self.intervention = node.create_publisher(Intervention, names.INTERVENTION, COMMAND_QOS)
        self.cmd_vel = node.create_publisher(TwistStamped, names.CMD_VEL, COMMAND_QOS)
        self.events = node.create_publisher(EpisodeEvent, names.EPISODE_EVENT, EVENT_QOS)
        self._log = RateLimitedLog(node.get_logger())
        self._early = []  # (monotonic time, event) pressed before the simulator was there
        self._matched = False
        self._matched_since = None  # (how many, since when) the subscriptions were all matched
        self._sim_time = node.get_parameter('use_sim_time').value  # a simulator's clock
        # The held events: a keyboard publishes from its reader thread, the timer runs in the
        # executor's.
        self._lock = threading.RLock()
        self._retry = steady_timer(node, EARLY_EVENT_POLL_S, self._send_early)
        self._retry.cancel()  # runs only while events are held

    def publish(self, output, stamp=None):
        """
        Publish one TeleopCore Output; stamp defaults to now on the node's clock (sim time).

        Until the simulator subscribes to the event topic, events are held (EARLY_EVENT_WAIT_S at
        most) and sent when it does, by a timer if no input comes.
        """
        with self._lock:
            if self._early or not self._matched:
                self._send_early()
            if output.command is None and not output.events:
                return
            stamp = stamp or self.node.get_clock().now().to_msg()
            for code in output.events:
                event = EpisodeEvent(event=code, source=self.source)
                event.header.stamp = stamp
                if self._matched:
                    self.events.publish(event)
                else:
                    self._early.append((time.monotonic(), event))
                    self._retry.reset()
                # The record of what the human decided: one line a second per event, with a
                # count (a flood of presses, from a fuzzer or a stuck key, must not flood the
                # log).
                self._log.info(code, f'episode event: {events.NAMES[code]}')
        command = output.command
        if command is None:
            return
        msg = Intervention(active=command.active, gripper=command.gripper, source=self.source)
        msg.header.stamp = stamp
        msg.header.frame_id = self.frame_id
        msg.twist.linear.x, msg.twist.linear.y, msg.twist.linear.z = command.linear
        self.intervention.publish(msg)
        twist = TwistStamped(header=msg.header, twist=msg.twist)
        self.cmd_vel.publish(twist)

    def _receivers_matched(self, now):
        """
        Return True once the event topic's subscriptions, one a simulator's, are all matched.

        True SIMULATOR_MATCH_SETTLE_S after they were; a node on wall time in a graph without a
        simulator node (a test's listener, a recorder alone) sends them after NO_SIMULATOR_WAIT_S.
        """
        matched = self.events.get_subscription_count()
        seen = self.node.get_subscriptions_info_by_topic(self.events.topic_name) if matched else []
        simulator = any(info.node_name == names.SIM_NODE for info in seen)
        if (
            not seen
            or matched < len(seen)
            or (not simulator and (self._sim_time or self._simulator_node()))
        ):
            self._matched_since = None
            return False
        if self._matched_since is None or self._matched_since[0] != len(seen):
            self._matched_since = (len(seen), now)
        wait = SIMULATOR_MATCH_SETTLE_S if simulator else NO_SIMULATOR_WAIT_S
        return now - self._matched_since[1] >= wait

    def _simulator_node(self):
        """Tell whether the graph has a simulator node in this node's namespace."""
        here = self.node.get_namespace()
        return (names.SIM_NODE, here) in self.node.get_node_names_and_namespaces()

    def _send_early(self):
        with self._lock:
            now = time.monotonic()
            self._matched = self._matched or self._receivers_matched(now)
            if not self._matched:
                late = [e for t, e in self._early if now - t > EARLY_EVENT_WAIT_S]
                if late:
                    self._log.warning(
                        'early events',
                        f'{len(late)} episode event(s) dropped: no '
                        f'simulator subscribed within {EARLY_EVENT_WAIT_S:g} s',
                    )
                    self._early = [
                        (t, e) for t, e in self._early if now - t <= EARLY_EVENT_WAIT_S
                    ]
                if not self._early:
                    self._retry.cancel()
                return
            for _, event in self._early:
                self.events.publish(event)
            self._early.clear()
            self._retry.cancel()
