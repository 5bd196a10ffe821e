# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The node's conversions and parameter checks, without a running graph.

Observations and info dicts must survive message round trips unchanged (the gym bridge relies on
it), and every bad parameter value must be named in the start-up error.
"""

from types import SimpleNamespace

from franka_hil_common import actions, events, messages as fields
from franka_hil_common.observation import IMAGE_SIZE
from franka_hil_common.task import SessionConfig
from franka_hil_msgs.msg import EpisodeEvent, Intervention, Observation, StepInfo
from franka_hil_sim.core.session import HilSession
from franka_hil_sim.node import messages as rm, telemetry
from franka_hil_sim.node.parameters import PARAMETERS, settings_from
from geometry_msgs.msg import Twist, Vector3
import numpy as np
import pytest
from rclpy.serialization import deserialize_message, serialize_message
from sensor_msgs.msg import Image


def through_wire(message):
    """Serialize and deserialize, as DDS does."""
    return deserialize_message(serialize_message(message), type(message))


@pytest.fixture(scope='module')
def outcomes():
    """Real step outcomes of a state and an image session, with an intervention."""
    result = {}
    for image_obs in (False, True):
        session = HilSession(SessionConfig(image_obs=image_obs))
        observation, _ = session.reset(seed=1)
        session.set_intervention(True, (0.1, 0.0, -0.05), actions.GRIPPER_CLOSE)
        session.queue_event(events.SUCCESS)
        result[image_obs] = (observation, session.step(session.hold_action()))
        session.close()
    return result


@pytest.mark.parametrize('image_obs', [False, True])
def test_observation_round_trip(outcomes, image_obs):
    for observation in (outcomes[image_obs][0], outcomes[image_obs][1].observation):
        msg = through_wire(rm.observation_msg(observation, 1_234_500_000_001, 'sim1/'))
        assert fields.stamp_ns(msg.header.stamp) == 1_234_500_000_001
        back = fields.observation_from_msg(msg)
        assert back.keys() == observation.keys()
        np.testing.assert_array_equal(back['agent_pos'], observation['agent_pos'])
        assert back['agent_pos'].dtype == np.float32
        if image_obs:
            assert [i.header.frame_id for i in msg.images] == [
                'sim1/front_optical_frame',
                'sim1/wrist_optical_frame',
            ]
            for name, pixels in observation['pixels'].items():
                np.testing.assert_array_equal(back['pixels'][name], pixels)
                assert back['pixels'][name].dtype == np.uint8
        else:
            np.testing.assert_array_equal(
                back['environment_state'], observation['environment_state']
            )
    state_only = rm.observation_msg(outcomes[image_obs][0], 0, images=False)
    assert not state_only.images and not state_only.image_names


@pytest.mark.parametrize('image_obs', [False, True])
def test_info_round_trip(outcomes, image_obs):
    outcome = outcomes[image_obs][1]
    msg = through_wire(rm.step_info_msg(outcome))
    assert (msg.episode, msg.step, msg.reward, msg.terminated) == (1, 1, 1.0, True)
    assert msg.human_event == EpisodeEvent.SUCCESS and msg.is_intervention
    back = fields.info_from_step_info(msg)
    assert back.keys() == outcome.info.keys()
    for key, value in outcome.info.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(back[key], value)
            assert back[key].dtype == np.float32
        else:
            assert back[key] == pytest.approx(value) and type(back[key]) is type(value), key
    running = fields.info_from_step_info(StepInfo(action=[0.0] * 4, policy_action=[0.0] * 4))
    assert 'next.success' not in running


def test_malformed_messages_are_clear_errors():
    with pytest.raises(ValueError, match='agent_pos must have 18'):
        fields.observation_from_msg(Observation(agent_pos=[0.0] * 3))
    with pytest.raises(ValueError, match='environment_state must have 3'):
        fields.observation_from_msg(Observation(agent_pos=[0.0] * 18))
    with pytest.raises(ValueError, match='encoding must be rgb8'):
        fields.image_array(Image(height=1, width=1, encoding='bgr8', step=3, data=b'abc'))
    with pytest.raises(ValueError, match='needs step 6'):
        fields.image_array(Image(height=1, width=2, encoding='rgb8', step=6, data=b'abc'))
    with pytest.raises(ValueError, match='HxWx3'):
        rm.image_msg(np.zeros((4, 4), np.uint8), 0, 'x')


def test_camera_info_is_a_pinhole_of_the_image():
    session = HilSession()
    intrinsics = telemetry.camera_intrinsics(session.sim, 'front', (160, 120))
    info = rm.camera_info_msg(intrinsics, 5, 'front_optical_frame')
    fx, cx, cy = intrinsics['fx'], 79.5, 59.5
    assert (info.width, info.height, info.distortion_model) == (160, 120, 'plumb_bob')
    assert list(info.k) == pytest.approx([fx, 0, cx, 0, fx, cy, 0, 0, 1])
    assert list(info.p) == pytest.approx([fx, 0, cx, 0, 0, fx, cy, 0, 0, 0, 1, 0])
    assert list(info.d) == [0.0] * 5
    session.close()


def test_tf_and_stamps():
    tf = rm.TfMessages('a/')
    msg = tf.msg(
        [('world', 'block', np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.5, 0.5, 0.5]))],
        2_500_000_000,
    )
    t = msg.transforms[0]
    assert (t.header.frame_id, t.child_frame_id) == ('a/world', 'a/block')
    assert (t.header.stamp.sec, t.header.stamp.nanosec) == (2, 500_000_000)
    assert (t.transform.rotation.w, t.transform.translation.z) == (0.5, 3.0)
    # the next step's message: the same frames moved and restamped, new ones added
    msg = tf.msg(
        [
            ('world', 'block', np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.0, 0.0, 0.0])),
            ('block', 'lid', np.zeros(3), np.array([1.0, 0.0, 0.0, 0.0])),
        ],
        3_000_000_000,
    )
    assert [(t.header.frame_id, t.child_frame_id) for t in msg.transforms] == [
        ('a/world', 'a/block'),
        ('a/block', 'a/lid'),
    ]
    t = msg.transforms[0]
    assert (t.header.stamp.sec, t.transform.rotation.w, t.transform.translation.z) == (3, 1.0, 4.0)
    assert fields.stamp_ns(rm.clock_msg(7).clock) == 7


def test_scene_markers_follow_the_cube_and_the_target():
    markers = rm.SceneMarkers(0.02, [[0.0, -0.5, 0.0], [1.0, 0.5, 0.5]], 'a/world')
    state = SimpleNamespace(
        stamp_ns=1_000_000_000,
        target_pos=np.array([0.1, 0.2, 0.3]),
        block_pose=(np.array([0.5, 0.0, 0.02]), np.array([1.0, 0, 0, 0])),
    )
    cube, target, bounds = markers.msg(state).markers
    assert (cube.ns, target.ns, bounds.ns) == ('cube', 'tcp_target', 'workspace_bounds')
    assert {m.header.frame_id for m in (cube, target, bounds)} == {'a/world'}
    assert cube.scale.x == pytest.approx(0.04) and len(bounds.points) == 24
    state.stamp_ns, state.target_pos = 2_000_000_000, np.array([0.4, 0.5, 0.6])
    state.block_pose = (np.array([0.5, 0.1, 0.2]), np.array([0.0, 1.0, 0.0, 0.0]))
    cube, target, bounds = markers.msg(state).markers
    assert {m.header.stamp.sec for m in (cube, target, bounds)} == {2}
    assert (cube.pose.position.y, cube.pose.position.z, cube.pose.orientation.x) == (0.1, 0.2, 1.0)
    assert (target.pose.position.x, target.pose.position.z) == (0.4, 0.6)


def test_message_constants_match_the_shared_vocabulary():
    assert (Intervention.GRIPPER_OPEN, Intervention.GRIPPER_STAY, Intervention.GRIPPER_CLOSE) == (
        actions.GRIPPER_OPEN,
        actions.GRIPPER_STAY,
        actions.GRIPPER_CLOSE,
    )
    assert (EpisodeEvent.SUCCESS, EpisodeEvent.FAILURE, EpisodeEvent.RERECORD) == (
        events.SUCCESS,
        events.FAILURE,
        events.RERECORD,
    )
    msg = Intervention(
        active=True,
        twist=Twist(linear=Vector3(x=0.1, y=0.2, z=0.3)),
        gripper=Intervention.GRIPPER_OPEN,
    )
    assert rm.intervention_command(msg) == (True, (0.1, 0.2, 0.3), 0)


def test_default_parameters_are_the_contract():
    settings = settings_from({})
    assert settings.session == SessionConfig()
    assert settings.mode == 'lockstep' and settings.cameras == ('front', 'wrist')
    assert settings.image_size == (IMAGE_SIZE,) * 2 and settings.reliable_images
    assert settings.publish_clock and settings.frame_prefix == ''
    assert all(description for _, description in PARAMETERS.values())
    fast = settings_from({'control_rate': 20, 'mode': 'realtime', 'cameras': []})
    assert fast.session.control_dt == pytest.approx(0.05) and fast.cameras == ()
    assert settings_from({'cameras': None}).cameras == ()  # how `cameras:=[]` arrives


@pytest.mark.parametrize(
    'name, value, message',
    [
        ('mode', 'fast', "mode must be one of ['lockstep', 'realtime']"),
        ('control_rate', 0, 'control_rate must be a number'),
        ('control_rate', float('inf'), 'control_rate must be a number'),
        ('cameras', ['front', 'front'], 'cameras must be distinct'),
        ('cameras', 'front', 'cameras must be distinct'),
        ('image_width', 0, 'image_width must be an integer'),
        ('image_height', 1.5, 'image_height must be an integer'),
        ('image_obs', 'yes', 'image_obs must be true or false'),
        ('reward_type', 'shaped', 'reward_type must be one of'),
        ('seed', -1, 'seed must be an integer'),
        ('image_reliability', 'maybe', 'image_reliability must be one of'),
        ('intervention_timeout', -0.1, 'intervention_timeout must be'),
        ('action_timeout', 0, 'action_timeout must be'),
        ('max_episode_steps', 0, 'max_episode_steps must be'),
        ('action_space', 'joint', 'action_space must be one of'),
        ('gripper_penalty', 0.1, 'gripper_penalty must be'),
        ('publish_clock', 1, 'publish_clock must be true or false'),
        ('frame_prefix', '/abs', 'frame_prefix must be'),
        ('colour', 'red', "unknown parameter 'colour'"),
    ],
)
def test_each_bad_parameter_is_named(name, value, message):
    with pytest.raises(ValueError, match=message.replace('[', r'\[').replace(']', r'\]')):
        settings_from({name: value})
