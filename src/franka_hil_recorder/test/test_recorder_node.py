# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The recorder node as a process on a live graph: nothing lost, custom types decodable.

This test publishes known messages of every recorded type over DDS (latched /tf_static before
the recorder starts, a best-effort camera_info, a /clock publisher that only appears later),
waits on the recorder's own ~/status counts, stops it with a signal, and reads the bag back with
rosbags and, independently, with mcap + mcap_ros2.
"""

import json
import os
import signal
import subprocess
import time

from ament_index_python.packages import get_package_prefix
from builtin_interfaces.msg import Time
from franka_hil_msgs.msg import EpisodeEvent
from franka_hil_msgs.msg import Intervention
from franka_hil_msgs.msg import Observation
from franka_hil_msgs.msg import StepInfo
from franka_hil_recorder.bag_recorder import flushed_messages
from geometry_msgs.msg import TransformStamped
from geometry_msgs.msg import Twist
from geometry_msgs.msg import Vector3
import imageio_ffmpeg
from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory
import numpy as np
import pytest
from rclpy.qos import DurabilityPolicy
from rclpy.qos import QoSProfile
from rclpy.qos import ReliabilityPolicy
from rosbags.highlevel import AnyReader
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo
from sensor_msgs.msg import Image
from sensor_msgs.msg import JointState
from std_msgs.msg import Header
from std_msgs.msg import String
from tf2_msgs.msg import TFMessage

N = 8  # messages per topic
SIZE = 128  # camera images: SIZE x SIZE rgb8
FLUSH_PERIOD = 0.5


def script(name):
    return f'{get_package_prefix("franka_hil_recorder")}/lib/franka_hil_recorder/{name}'


def header(i, frame=''):
    return Header(stamp=Time(sec=100 + i // 10, nanosec=(i % 10) * 100_000_000), frame_id=frame)


def image(i, camera):
    pixels = np.full((SIZE, SIZE, 3), 10 * i + (0 if camera == 'front' else 100), np.uint8)
    return Image(
        header=header(i, camera),
        height=SIZE,
        width=SIZE,
        encoding='rgb8',
        step=SIZE * 3,
        data=pixels.tobytes(),
    )


def transform(i, child):
    return TFMessage(
        transforms=[TransformStamped(header=header(i, 'world'), child_frame_id=f'{child}{i}')]
    )


# relative topic -> (type, message factory, reliable); all are volatile except /tf_static.
TOPICS = {
    'joint_states': (
        JointState,
        lambda i: JointState(header=header(i), name=['j1', 'j2'], position=[0.1 * i, -0.1 * i]),
        True,
    ),
    'front/image_raw': (Image, lambda i: image(i, 'front'), True),
    'wrist/image_raw': (Image, lambda i: image(i, 'wrist'), True),
    'front/camera_info': (
        CameraInfo,
        lambda i: CameraInfo(header=header(i, 'front'), height=SIZE, width=SIZE),
        True,
    ),
    'wrist/camera_info': (
        CameraInfo,
        lambda i: CameraInfo(header=header(i, 'wrist'), height=SIZE, width=SIZE),
        False,
    ),
    '/tf': (TFMessage, lambda i: transform(i, 'tcp'), True),
    'observation': (
        Observation,
        lambda i: Observation(
            header=header(i),
            agent_pos=[float(i + k) for k in range(18)],
            environment_state=[0.5, 0.0, 0.02],
        ),
        True,
    ),
    'step_info': (
        StepInfo,
        lambda i: StepInfo(
            header=header(i + 1),
            episode=1 + i // 4,
            step=1 + i % 4,
            action=[0.1, -0.2, 0.3, 2.0],
            policy_action=[0.0, 0.0, 0.0, 1.0],
            is_intervention=i % 2 == 1,
            reward=float(i % 4 == 3),
            terminated=i % 4 == 3,
            discrete_penalty=-0.05,
        ),
        True,
    ),
    'intervention': (
        Intervention,
        lambda i: Intervention(
            header=header(i),
            active=True,
            twist=Twist(linear=Vector3(x=0.01 * i)),
            gripper=Intervention.GRIPPER_CLOSE,
            source='script',
        ),
        True,
    ),
    'episode_event': (
        EpisodeEvent,
        lambda i: EpisodeEvent(header=header(i), event=EpisodeEvent.SUCCESS, source='script'),
        True,
    ),
}
LATCHED = 2  # /tf_static messages published before the recorder starts


def absolute(ns, topic):
    return topic if topic.startswith('/') else f'{ns}/{topic}'


class Recording:
    """A recorder process and the test's publishers in one namespace."""

    def __init__(self, ros_node, spin, start_process, tmp_path):
        self.node, self.spin = ros_node, spin
        self.ns = f'/rec_{os.getpid()}_{time.monotonic_ns() % 10**6}'
        self.bag = tmp_path / 'bag'
        self.status = None
        self.publishers = {}
        for topic, (msg_type, _, reliable) in TOPICS.items():
            qos = QoSProfile(
                depth=N,
                reliability=ReliabilityPolicy.RELIABLE
                if reliable
                else ReliabilityPolicy.BEST_EFFORT,
            )
            self.publishers[topic] = ros_node.create_publisher(
                msg_type, absolute(self.ns, topic), qos
            )
        self.tf_static = ros_node.create_publisher(
            TFMessage,
            '/tf_static',
            QoSProfile(depth=LATCHED, durability=DurabilityPolicy.TRANSIENT_LOCAL),
        )
        for i in range(LATCHED):
            self.tf_static.publish(transform(i, 'camera'))
        ros_node.create_subscription(String, f'{self.ns}/recorder/status', self._on_status, 10)
        self.proc = start_process(
            [
                script('recorder'),
                '--ros-args',
                '-r',
                f'__ns:={self.ns}',
                '-p',
                f'output:={self.bag}',
                '-p',
                'progress_period:=0.1',
                '-p',
                f'flush_period:={FLUSH_PERIOD}',
                '-p',
                'graph_poll_period:=0.1',
            ],
            name='recorder',
        )

    def _on_status(self, msg):
        self.status = json.loads(msg.data)

    def count(self, topic):
        if self.status is None:
            return 0
        return self.status['topics'].get(absolute(self.ns, topic), {}).get('messages', 0)

    def wait_subscribed(self, publisher, what):
        self.spin(
            self.node,
            lambda: publisher.get_subscription_count() > 0,
            30,
            f'the recorder to subscribe to {what}',
        )

    def wait_count(self, topic, count, timeout=20):
        self.spin(
            self.node,
            lambda: self.count(topic) >= count,
            timeout,
            f'{count} {topic} messages recorded (status: {self.status})',
        )

    def publish_all(self):
        """Publish N messages on every topic; return what was published, by bag topic name."""
        for topic, publisher in self.publishers.items():
            self.wait_subscribed(publisher, topic)
        sent = {absolute(self.ns, t): [] for t in TOPICS}
        for i in range(N):
            for topic, (_, make, reliable) in TOPICS.items():
                message = make(i)
                self.publishers[topic].publish(message)
                sent[absolute(self.ns, topic)].append(message)
                if not reliable:
                    # Best effort gives no delivery guarantee: pace it by the recorder's counts.
                    self.wait_count(topic, i + 1)
        # A publisher that appears after the recording started is picked up by graph polling.
        clock = self.node.create_publisher(Clock, '/clock', 10)
        self.wait_subscribed(clock, '/clock')
        sent['/clock'] = [Clock(clock=Time(sec=100 + i)) for i in range(N)]
        for message in sent['/clock']:
            clock.publish(message)
        sent['/tf_static'] = [transform(i, 'camera') for i in range(LATCHED)]
        for topic, messages in sent.items():
            self.wait_count(topic, len(messages))
        return sent


def field_values(message):
    """Return a ROS message's fields as plain Python values, recursively."""
    if hasattr(message, 'get_fields_and_field_types'):
        return {k: field_values(getattr(message, k)) for k in message.get_fields_and_field_types()}
    if isinstance(message, (list, tuple)) or hasattr(message, 'tolist'):
        values = message.tolist() if hasattr(message, 'tolist') else message
        return [field_values(v) for v in values]
    return message


def decoded_values(message):
    """Return a decoded message (rosbags or mcap_ros2 object) as plain Python values."""
    if hasattr(message, '__slots__') or hasattr(message, '__dataclass_fields__'):
        names = getattr(message, '__dataclass_fields__', None) or message.__slots__
        return {
            k: decoded_values(getattr(message, k))
            for k in names
            if k != '__msgtype__' and not k.isupper()
        }  # constants are no fields
    if isinstance(message, (bytes, bytearray)):
        return list(message)
    if isinstance(message, (list, tuple)) or hasattr(message, 'tolist'):
        values = message.tolist() if hasattr(message, 'tolist') else message
        return [decoded_values(v) for v in values]
    return message


def approx(values):
    """Float fields went through float32 or float64 CDR: compare them approximately."""
    if isinstance(values, dict):
        return {k: approx(v) for k, v in values.items()}
    if isinstance(values, list):
        return [approx(v) for v in values]
    if isinstance(values, float):
        return pytest.approx(values, rel=1e-6)
    return values


def check_bag(bag, sent):
    """Read the bag with rosbags and with mcap: every message there, every field right."""
    with AnyReader([bag]) as reader:
        read = {}
        for connection, _, raw in reader.messages():
            read.setdefault(connection.topic, []).append(
                decoded_values(reader.deserialize(raw, connection.msgtype))
            )
        qos = {c.topic: c.ext.offered_qos_profiles for c in reader.connections}
    assert {t: len(m) for t, m in read.items()} == {t: len(m) for t, m in sent.items()}
    for topic, messages in sent.items():
        assert read[topic] == approx([field_values(m) for m in messages]), topic
    assert qos['/tf_static'][0].durability.name == 'TRANSIENT_LOCAL'

    with open(bag / f'{bag.name}.mcap', 'rb') as stream:
        decoded = {}
        for schema, channel, _, message in make_reader(
            stream, decoder_factories=[DecoderFactory()]
        ).iter_decoded_messages():
            decoded.setdefault(channel.topic, []).append(decoded_values(message))
            assert schema.encoding == 'ros2msg' and schema.data
    assert {t: len(m) for t, m in decoded.items()} == {t: len(m) for t, m in sent.items()}
    for topic in sent:
        if 'franka_hil_msgs' in type(sent[topic][0]).__module__:
            assert decoded[topic] == approx([field_values(m) for m in sent[topic]]), topic


@pytest.mark.parametrize('stop_signal', [signal.SIGINT, signal.SIGTERM])
def test_signal_finishes_a_complete_bag(ros_node, spin, start_process, tmp_path, stop_signal):
    recording = Recording(ros_node, spin, start_process, tmp_path)
    sent = recording.publish_all()
    assert recording.proc.stop(stop_signal) == 0, recording.proc.output()
    assert (recording.bag / 'metadata.yaml').is_file()
    check_bag(recording.bag, sent)
    assert 'bag closed' in recording.proc.output()

    if stop_signal == signal.SIGINT:
        video = tmp_path / 'cameras.mp4'
        result = subprocess.run(
            [script('bag_to_video'), str(recording.bag), str(video)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert imageio_ffmpeg.count_frames_and_secs(str(video))[0] == N
        assert tuple(next(imageio_ffmpeg.read_frames(str(video)))['size']) == (2 * SIZE, SIZE)
        # step_info i is stamped one period after observation i: two 4-step episodes.
        dataset = tmp_path / 'dataset'
        result = subprocess.run(
            [script('bag_to_lerobot'), str(recording.bag), str(dataset)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if 'pip install pyarrow' not in result.stderr:
            assert result.returncode == 0, result.stderr
            assert f'{dataset}: 2 episodes, {N} frames' in result.stdout


def test_sigkill_keeps_every_flushed_message(ros_node, spin, start_process, tmp_path):
    recording = Recording(ros_node, spin, start_process, tmp_path)
    publisher = recording.publishers['step_info']
    recording.wait_subscribed(publisher, 'step_info')
    for i in range(N):
        publisher.publish(TOPICS['step_info'][1](i))
    recording.wait_count('step_info', N)
    mcap = recording.bag / 'bag.mcap'
    topic = absolute(recording.ns, 'step_info')

    def on_disk():
        return [m for _, c, m in flushed_messages(mcap) if c.topic == topic]

    # Small messages never fill rosbags' 1 MiB chunk: only the periodic flush puts them on disk.
    spin(ros_node, lambda: len(on_disk()) == N, 10 * FLUSH_PERIOD, 'a flush of step_info')
    for i in range(N, 2 * N):  # more, killed before they are flushed or not: both are fine
        publisher.publish(TOPICS['step_info'][1](i))
    recording.proc.proc.send_signal(signal.SIGKILL)
    recording.proc.proc.wait(10)
    assert not (recording.bag / 'metadata.yaml').exists()

    decoder = DecoderFactory()
    decoded = []
    for schema, channel, message in flushed_messages(mcap):
        if channel.topic == topic:
            decode = decoder.decoder_for(channel.message_encoding, schema)
            decoded.append(decoded_values(decode(message.data)))
    print(
        f'SIGKILL: {len(decoded)} of {2 * N} step_info messages on disk (the {N} published '
        f'before the last periodic flush, then whatever the next flush took)'
    )
    assert N <= len(decoded) <= 2 * N
    expected = [field_values(TOPICS['step_info'][1](i)) for i in range(len(decoded))]
    assert decoded == approx(expected)

    # bag_recover turns it into a finished bag that rosbags (and so the converters) can read.
    recovered = tmp_path / 'recovered'
    result = subprocess.run(
        [script('bag_recover'), str(recording.bag), str(recovered)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    with AnyReader([recovered]) as reader:
        values = [
            decoded_values(reader.deserialize(raw, c.msgtype))
            for c, _, raw in reader.messages()
            if c.topic == topic
        ]
    assert values == approx(expected)


def test_refuses_to_overwrite_and_rejects_bad_parameters(run_process, tmp_path):
    existing = tmp_path / 'old'
    existing.mkdir()
    for params, error in (
        ([f'output:={existing}'], 'refusing to overwrite'),
        ([f'output:={tmp_path / "new"}', 'flush_period:=-1.0'], 'flush_period must be a positive'),
        ([f'output:={tmp_path / "new"}', 'flsh_period:=1.0'], 'unknown parameter(s) flsh_period'),
    ):
        args = [script('recorder'), '--ros-args']
        for param in params:
            args += ['-p', param]
        result = run_process(args, capture_output=True, text=True, timeout=30)
        assert result.returncode == 2 and error in result.stderr, result.stderr
    assert not (tmp_path / 'new').exists()
