# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
ROS 2 shell of the bag recorder: live graph in, bag_recorder.BagRecorder out.

rosbag2 (`ros2 bag record`) is not installable from pip, so this node records the demo topics
itself: it watches the graph for publishers of the chosen topics, subscribes to each one in raw
mode with a QoS that matches its publishers, and writes the bytes exactly as received. SIGINT and
SIGTERM finish the bag (summary and metadata.yaml); chunks are flushed every `flush_period`
seconds so a SIGKILL loses at most that much. A progress line is logged, and published as JSON on
`~/status` (std_msgs/String, latched), every `progress_period` seconds; the status is published
at once too when a topic starts being recorded (a simulator holds its first step until the
status says that its topics are recorded: `wanted` lists the topics to record, `topics` those
recorded so far).
"""

import datetime
import functools
import json
import math
from pathlib import Path
import sys
import time

from franka_hil_recorder.bag_recorder import BagRecorder
from franka_hil_recorder.bag_recorder import DEFAULT_TOPICS
from franka_hil_recorder.bag_recorder import EndpointQos
from franka_hil_recorder.bag_recorder import import_message_class
from franka_hil_recorder.bag_recorder import RecorderError
from franka_hil_recorder.bag_recorder import SUBSCRIPTION_DEPTH
from franka_hil_recorder.bag_recorder import subscription_qos
from franka_hil_ros_common.node_main import bad_namespace_remap, one_line, start_failed
from franka_hil_ros_common.node_main import StopFlag, tear_down
from franka_hil_ros_common.qos import LATCHED
from rcl_interfaces.msg import ParameterDescriptor
import rclpy
from rclpy.event_handler import SubscriptionEventCallbacks
from rclpy.exceptions import NameValidationException
from rclpy.exceptions import ParameterException
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy
from rclpy.qos import HistoryPolicy
from rclpy.qos import QoSProfile
from rclpy.qos import ReliabilityPolicy
from rclpy.signals import SignalHandlerOptions
from rclpy.utilities import remove_ros_args
from std_msgs.msg import String


# How long a stop request may spend taking messages that DDS already delivered.
DRAIN_TIMEOUT_S = 1.0

PERIODS = {
    'graph_poll_period': (0.5, 'seconds between looks at the graph for new publishers'),
    'flush_period': (1.0, 'seconds between chunk flushes: the most a SIGKILL can lose'),
    'progress_period': (5.0, 'seconds between progress log lines and ~/status messages'),
}


def _endpoint_qos(profile):
    return EndpointQos(
        reliable=profile.reliability == ReliabilityPolicy.RELIABLE,
        transient_local=profile.durability == DurabilityPolicy.TRANSIENT_LOCAL,
    )


def _seconds(value):
    """Return a period as float: an integer number of seconds is a valid value too."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _rclpy_qos(qos):
    return QoSProfile(
        history=HistoryPolicy.KEEP_LAST,
        depth=SUBSCRIPTION_DEPTH,
        reliability=ReliabilityPolicy.RELIABLE if qos.reliable else ReliabilityPolicy.BEST_EFFORT,
        durability=(
            DurabilityPolicy.TRANSIENT_LOCAL if qos.transient_local else DurabilityPolicy.VOLATILE
        ),
    )


class RecorderNode(Node):
    """Subscribes to the chosen topics as their publishers appear and records them."""

    def __init__(self):
        super().__init__('recorder')
        topics = self.declare_parameter(
            'topics',
            list(DEFAULT_TOPICS),
            ParameterDescriptor(
                description='topics to record; relative names resolve in this namespace'
            ),
        ).value
        output = self.declare_parameter(
            'output',
            '',
            ParameterDescriptor(
                description='new bag directory (refuses to overwrite); default rosbag2_<time>'
            ),
        ).value
        # dynamic_typing: `-p flush_period:=2` (an integer) is two seconds, not a type error.
        periods = {
            name: _seconds(
                self.declare_parameter(
                    name, default, ParameterDescriptor(description=text, dynamic_typing=True)
                ).value
            )
            for name, (default, text) in PERIODS.items()
        }
        self._check_parameters(topics, periods)
        self._topics = sorted({self.resolve_topic_name(t) for t in topics})
        if not output:
            output = datetime.datetime.now().strftime('rosbag2_%Y_%m_%d-%H_%M_%S')
        self._recorder = BagRecorder(Path(output).resolve())
        self._subscriptions_by_topic = {}
        self._warned = set()
        self.failure = None  # why recording stopped early (a storage fault), else None
        # Latched: a simulator that holds its first step until we record it (its `recorder`
        # parameter) reads the latest status whenever it starts listening.
        self._status = self.create_publisher(String, '~/status', LATCHED)
        self.create_timer(periods['graph_poll_period'], self._poll_graph)
        self.create_timer(periods['flush_period'], self._flush)
        self.create_timer(periods['progress_period'], self._report)
        self.get_logger().info(f'recording {", ".join(self._topics)} into {self._recorder.path}')
        self._poll_graph()

    def _check_parameters(self, topics, periods):
        known = {'topics', 'output', 'use_sim_time', *PERIODS}
        unknown = sorted(set(getattr(self, '_parameter_overrides', {})) - known)
        if unknown:
            raise RecorderError(
                f'unknown parameter(s) {", ".join(unknown)}; known: {", ".join(sorted(known))}'
            )
        if not topics or not all(isinstance(t, str) and t for t in topics):
            raise RecorderError(f'parameter topics must be a non-empty list of names: {topics}')
        for name, value in periods.items():
            if not (isinstance(value, float) and math.isfinite(value) and value > 0):
                raise RecorderError(
                    f'parameter {name} must be a positive number of seconds, got {value!r}'
                )

    def _warn_once(self, key, text):
        if key not in self._warned:
            self._warned.add(key)
            self.get_logger().warning(text)

    def _poll_graph(self):
        if self.failure is not None:
            return
        for topic in self._topics:
            if topic in self._subscriptions_by_topic:
                continue
            publishers = self.get_publishers_info_by_topic(topic)
            if publishers:
                self._subscribe(topic, publishers)

    def _subscribe(self, topic, publishers):
        msgtypes = sorted({p.topic_type for p in publishers})
        if len(msgtypes) > 1:
            self._warn_once(
                topic,
                f'not recording {topic}: publishers disagree on its type ({", ".join(msgtypes)})',
            )
            return
        msgtype = msgtypes[0]
        try:
            message_class = import_message_class(msgtype)
            embedded = self._recorder.types.type_hash(msgtype)
            offered = [_endpoint_qos(p.qos_profile) for p in publishers]
            self._recorder.add_topic(topic, msgtype, offered)
        except RecorderError as error:
            self._warn_once(topic, f'not recording {topic}: {error}')
            return
        for publisher in publishers:
            graph_hash = str(publisher.topic_type_hash)
            if graph_hash.startswith('RIHS01_') and graph_hash != embedded:
                self._warn_once(
                    topic + '#hash',
                    (
                        f'{topic}: publisher {publisher.node_name} uses a {msgtype} definition '
                        f'({graph_hash}) that differs from the one embedded in the bag '
                        f'({embedded})'
                    ),
                )
        qos = subscription_qos(offered, topic)
        events = SubscriptionEventCallbacks(
            incompatible_qos=lambda event, t=topic: self._warn_once(
                t + '#qos',
                f'{t}: a publisher with incompatible QoS appeared '
                'after subscribing; its messages are not recorded',
            )
        )
        self._subscriptions_by_topic[topic] = self.create_subscription(
            message_class,
            topic,
            functools.partial(self._on_message, topic),
            _rclpy_qos(qos),
            raw=True,
            event_callbacks=events,
        )
        self.get_logger().info(
            f'recording {topic} [{msgtype}] '
            f'{"reliable" if qos.reliable else "best-effort"}, '
            f'{"transient-local" if qos.transient_local else "volatile"}'
        )
        self._publish_status()  # at once: a simulator may be holding until we record it

    def _on_message(self, topic, data):
        if self.failure is not None:
            return
        try:
            self._recorder.write(topic, data, time.time_ns())
        except OSError as error:
            self._stop_recording(error)

    def _flush(self):
        if self.failure is not None:
            return
        try:
            self._recorder.flush()
        except OSError as error:
            self._stop_recording(error)

    def _stop_recording(self, error):
        """
        Stop recording after a storage fault (disk full, medium gone); keep the node up.

        The bag is finished if the disk still takes its summary; otherwise its flushed chunks
        stay in the .mcap for bag_recover. Either way it is one error line, not a traceback.
        """
        for subscription in self._subscriptions_by_topic.values():
            self.destroy_subscription(subscription)
        self._subscriptions_by_topic = {}
        try:
            self._recorder.close()
            outcome = 'the bag is finished and readable'
        except OSError:
            self._recorder.abandon()
            outcome = (
                'the bag is unfinished: '
                f'`franka-hil-bag-recover {self._recorder.path} NEW_DIR` '
                'writes a readable bag of every flushed message'
            )
        progress = self._recorder.progress()
        self.failure = f'{error.strerror or error}'
        self.get_logger().error(
            f'recording stopped: cannot write {self._recorder.path}: {self.failure} after '
            f'{progress.messages} messages; {outcome}; the rest of the graph runs on'
        )
        self._publish_status()

    def _report(self):
        self.get_logger().info(self._recorder.progress().line())
        self._publish_status()

    def _publish_status(self):
        """Publish ~/status: the topics wanted, those recorded (`topics`) with their counts."""
        status = {
            'output': str(self._recorder.path),
            'wanted': self._topics,
            **self._recorder.progress().as_dict(),
            'failure': self.failure,
        }
        self._status.publish(String(data=json.dumps(status)))

    @property
    def messages_written(self):
        """Return how many messages the bag holds so far."""
        return self._recorder.progress().messages

    def finish(self):
        """Close the bag and log its final totals (nothing more after a storage fault)."""
        if self.failure is not None:
            return
        try:
            self._recorder.close()
        except OSError as error:
            self._stop_recording(error)
            return
        self.get_logger().info(
            f'bag closed: {self._recorder.path}: {self._recorder.progress().line()}'
        )


def _spin_until_stopped(node, stop):
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    while not stop and rclpy.ok():
        executor.spin_once(timeout_sec=0.1)
    stop.ignore_more()
    # Take what DDS has already delivered, until a round brings nothing new.
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        before = node.messages_written
        executor.spin_once(timeout_sec=0.05)
        if node.messages_written == before:
            break
    executor.remove_node(node)


def main(args=None):
    """Run the recorder until SIGINT or SIGTERM, then finish the bag."""
    # Our own handlers only set a flag (the first signal; later ones are ignored), so no
    # exception can cut a write in half and the bag is always finished.
    stop = StopFlag()
    argv = sys.argv if args is None else list(args)
    problem = bad_namespace_remap(argv)
    if problem:
        return start_failed('recorder', problem)
    try:
        extra = remove_ros_args(argv)[1:]
    except (RuntimeError, ValueError) as error:
        return start_failed('recorder', one_line(error))
    if extra:
        return start_failed(
            'recorder',
            f'unknown command-line argument(s) {extra}: the '
            'recorder takes only ROS arguments (--ros-args -p output:=DIR ...)',
        )
    try:
        rclpy.init(args=argv, signal_handler_options=SignalHandlerOptions.NO)
    except (RuntimeError, ValueError) as error:
        return start_failed('recorder', one_line(error))
    try:
        node = RecorderNode()
    except (
        RecorderError,
        ParameterException,
        NameValidationException,
        ValueError,
        OSError,
    ) as error:
        rclpy.try_shutdown()
        return start_failed('recorder', one_line(error))
    try:
        _spin_until_stopped(node, stop)
    finally:
        node.finish()
        tear_down(node)
    return 0


if __name__ == '__main__':
    sys.exit(main())
