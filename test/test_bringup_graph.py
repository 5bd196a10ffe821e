# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The whole pick-cube graph, started by the pip-only `bringup` as a user would start it.

An independent client sees every topic of the graph, the synthetic human completes episodes
through joy alone, and Ctrl-C leaves a finished bag with every recorded topic in it.
"""

import signal
import sys

from builtin_interfaces.msg import Time
import franka_hil_msgs.msg as hil
from geometry_msgs.msg import TwistStamped
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy
from rosbags.rosbag2 import Reader
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo, Image, JointState, Joy
from std_msgs.msg import Float64, String
from tf2_msgs.msg import TFMessage
from visualization_msgs.msg import MarkerArray

TOPICS = {
    'joint_states': JointState,
    'front/image_raw': Image,
    'front/camera_info': CameraInfo,
    'wrist/image_raw': Image,
    'wrist/camera_info': CameraInfo,
    '/tf': TFMessage,
    '/tf_static': TFMessage,
    'robot_description': String,
    '/clock': Clock,
    'markers': MarkerArray,
    'observation': hil.Observation,
    'step_info': hil.StepInfo,
    'real_time_factor': Float64,
    'joy': Joy,
    'intervention': hil.Intervention,
    'cmd_vel': TwistStamped,
    'episode_event': hil.EpisodeEvent,
}
LATCHED = ('/tf_static', 'robot_description')


def test_bringup_runs_the_graph_and_records_it(start_process, ros_node, spin, tmp_path):
    bag = tmp_path / 'bag'
    graph = start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_sim.bringup.supervisor',
            'mode:=realtime',
            'teleop:=script',
            f'record:={bag}',
        ],
        name='bringup',
    )
    seen = {}  # the latest message of each topic
    for topic, msg_type in TOPICS.items():
        qos = QoSProfile(
            depth=10,
            reliability=ReliabilityPolicy.RELIABLE,
            durability=DurabilityPolicy.TRANSIENT_LOCAL
            if topic in LATCHED
            else DurabilityPolicy.VOLATILE,
        )
        ros_node.create_subscription(
            msg_type, topic, lambda m, t=topic: seen.__setitem__(t, m), qos
        )
    successes = []
    ros_node.create_subscription(
        hil.StepInfo,
        'step_info',
        lambda m: (
            successes.append(m) if m.terminated and m.success and m.is_intervention else None
        ),
        10,
    )

    spin(
        ros_node,
        lambda: len(seen) == len(TOPICS) and len(successes) >= 2,
        timeout=90,
        what=lambda: f'topics {sorted(set(TOPICS) - set(seen))} and 2 successes',
    )
    assert seen['episode_event'].event == hil.EpisodeEvent.SUCCESS
    assert seen['front/image_raw'].encoding == 'rgb8'
    assert seen['/clock'].clock != Time()
    assert '<robot' in seen['robot_description'].data

    assert graph.stop(signal.SIGINT, timeout=30) == 0
    assert 'died' not in graph.output()
    with Reader(bag) as reader:
        counts = {c.topic: c.msgcount for c in reader.connections}
    recorded = {
        '/joint_states',
        '/front/image_raw',
        '/wrist/image_raw',
        '/tf',
        '/tf_static',
        '/step_info',
        '/observation',
        '/intervention',
        '/episode_event',
        '/clock',
        '/robot_description',
        '/joy',
        '/cmd_vel',
    }
    assert recorded <= {t for t, n in counts.items() if n > 0}, counts
