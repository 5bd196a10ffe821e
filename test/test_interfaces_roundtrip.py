# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
franka_hil_msgs across processes.

Every message round trips through a peer process over DDS, and the Step / Reset services answer
across processes.
"""

import json
from pathlib import Path
import sys

from builtin_interfaces.msg import Time
import franka_hil_msgs.msg as msg
import franka_hil_msgs.srv as srv
from geometry_msgs.msg import Twist, Vector3
import pytest
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image
from std_msgs.msg import Header

PEER = Path(__file__).with_name('interface_peer.py')
STAMP = Header(stamp=Time(sec=12, nanosec=345), frame_id='panda_link0')


def sample_messages():
    """One message of each custom type, every field set to a non-default value."""
    image = Image(height=1, width=2, encoding='rgb8', step=6, data=bytes([1, 2, 3, 4, 5, 6]))
    step_info = msg.StepInfo(
        header=STAMP,
        episode=3,
        step=42,
        action=[0.5, -0.5, 1.0, 2.0],
        policy_action=[0.0, 0.0, 0.0, 1.0],
        is_intervention=True,
        reward=1.0,
        terminated=True,
        truncated=False,
        success=True,
        discrete_penalty=-0.5,
        rerecord_episode=False,
        human_event=msg.EpisodeEvent.SUCCESS,
        physics_error=False,
    )
    return {
        'intervention': msg.Intervention(
            header=STAMP,
            active=True,
            gripper=msg.Intervention.GRIPPER_CLOSE,
            source='gamepad',
            twist=Twist(linear=Vector3(x=0.1, y=-0.2, z=0.25), angular=Vector3(z=0.5)),
        ),
        'episode_event': msg.EpisodeEvent(
            header=STAMP, event=msg.EpisodeEvent.RERECORD, source='keyboard'
        ),
        'step_info': step_info,
        'step_infos': msg.StepInfoArray(steps=[msg.StepInfo(episode=3, step=41), step_info]),
        'observation': msg.Observation(
            header=STAMP,
            agent_pos=[float(i) for i in range(18)],
            environment_state=[0.5, 0.0, 0.02],
            image_names=['front'],
            images=[image],
        ),
    }


def fields(message):
    """Return the fields of a message as plain values (generated types compare arrays oddly)."""
    values = {name: getattr(message, name) for name in message.get_fields_and_field_types()}
    return {name: list(v) if hasattr(v, 'tolist') else v for name, v in values.items()}


@pytest.fixture
def peer(start_process):
    proc = start_process([sys.executable, str(PEER)], name='interface_peer')
    proc.wait_for_output('ready', timeout=30)
    return proc


def test_every_message_round_trips(peer, ros_node, spin):
    qos = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)
    received = {}
    for topic, message in sample_messages().items():
        ros_node.create_subscription(
            type(message), topic + '_echo', lambda m, t=topic: received.setdefault(t, m), qos
        )
        pub = ros_node.create_publisher(type(message), topic, qos)
        spin(ros_node, lambda: pub.get_subscription_count() > 0, 20, f'peer subscribed to {topic}')
        spin(
            ros_node,
            lambda: ros_node.count_publishers(topic + '_echo') > 0,
            20,
            f'peer publishing {topic}_echo',
        )
        pub.publish(message)
        spin(ros_node, lambda: topic in received, 10, f'{topic} echoed back')
        assert fields(received[topic]) == fields(message)


def test_step_and_reset_services_across_processes(peer, ros_node, spin):
    step = ros_node.create_client(srv.Step, 'step')
    reset = ros_node.create_client(srv.Reset, 'reset')
    assert step.wait_for_service(timeout_sec=20) and reset.wait_for_service(timeout_sec=20)

    def call(client, request):
        future = client.call_async(request)
        spin(ros_node, future.done, 10, f'response of {client.srv_name}')
        return future.result()

    answer = call(step, srv.Step.Request(action=[0.25, -0.5, 1.0, 2.0]))
    assert answer.ok and answer.terminated and answer.error == ''
    assert call(step, srv.Step.Request(probe=True)).error == 'probe'
    assert call(reset, srv.Reset.Request(probe=True)).error == 'probe'
    assert list(answer.observation.agent_pos) == [0.5, -1.0, 2.0, 4.0]
    assert answer.reward == pytest.approx(2.75)
    assert list(answer.info.action) == [0.25, -0.5, 1.0, 2.0] and answer.info.is_intervention
    assert answer.observation.image_names == ['front']
    image = answer.observation.images[0]
    assert (image.height, image.width, image.encoding) == (2, 3, 'rgb8')
    assert bytes(image.data) == bytes(range(18))

    answer = call(reset, srv.Reset.Request(use_seed=True, seed=7, options_json='{"a": 1}'))
    assert answer.ok and list(answer.observation.environment_state) == [7.0, 0.0, 0.0]
    assert json.loads(answer.info_json) == {'options': {'a': 1}}
