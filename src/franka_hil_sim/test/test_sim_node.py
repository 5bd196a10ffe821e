# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
sim_node as a separate process, seen by an independent rclpy client over DDS.

Each test starts a node in a namespace of its own and checks what a user of the graph sees:
topic types, names, sizes, encodings and frames, the TF tree (composed here, without tf2),
/clock, the Step/Reset round trips against gym.make('franka_hil/PandaPickCube-v0') fed the same
seed and actions, human override arbitration, refusals, and realtime pacing measured from /clock
against wall time. Waits are on messages with timeouts; the only waits on time itself are where
the behaviour under test is a timeout.
"""

import itertools
import json
import os
import subprocess
import time

from ament_index_python.packages import get_package_prefix
from builtin_interfaces.msg import Time
from franka_hil_common import actions, names
from franka_hil_common.messages import info_from_step_info, observation_from_msg, stamp_fields
from franka_hil_common.messages import stamp_ns
from franka_hil_msgs.msg import EpisodeEvent, Intervention, Observation, StepInfo
from franka_hil_msgs.srv import Reset, Step
import franka_hil_sim  # noqa: F401  (registers the ids)
from franka_hil_sim.core import robot
from franka_hil_sim.core.mjcf_to_urdf import robot_description
from geometry_msgs.msg import Twist, Vector3
import gymnasium as gym
import mujoco
import numpy as np
import pytest
import rclpy
from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo, Image, JointState
from std_msgs.msg import Float32MultiArray, Float64, Header, String
from tf2_msgs.msg import TFMessage
from visualization_msgs.msg import MarkerArray

PERIOD_NS = 100_000_000
CAMERAS = ('front', 'wrist')
_ids = itertools.count()


def new_namespace():
    return f'/sim_test_{os.getpid()}_{next(_ids)}'


def script(name):
    return f'{get_package_prefix("franka_hil_sim")}/lib/franka_hil_sim/{name}'


class SimUnderTest:
    """A sim_node process in its own namespace, and this test's clients of it."""

    def __init__(self, start_process, node, spin, *params, ns=None):
        """Start a sim_node process; start_process=None: connect to the one running in `ns`."""
        self.ns = ns or new_namespace()
        if start_process is not None:
            argv = [script('sim_node'), '--ros-args', '-r', f'__ns:={self.ns}']
            for param in params:
                argv += ['-p', param]
            self.proc = start_process(argv, name='sim_node')
        self.node, self.spin = node, spin
        self.step_client = node.create_client(Step, f'{self.ns}/step')
        self.reset_client = node.create_client(Reset, f'{self.ns}/reset')
        spin(
            node,
            lambda: self.step_client.service_is_ready() and self.reset_client.service_is_ready(),
            60,
            'the step and reset services',
        )
        # service_is_ready() says our requests reach the node, not that its responses reach us:
        # under load the first response can be dropped before discovery completes. Probes
        # (answered at once, nothing done) are repeated until each client has had an answer.
        self.handshake(self.step_client)
        self.handshake(self.reset_client)

    def handshake(self, client):
        probe = client.srv_type.Request(probe=True)
        self.spin(
            self.node,
            lambda: self.answered(client, probe),
            60,
            f'a first answer from {client.srv_name}',
        )

    def answered(self, client, request, timeout=2.0):
        future = client.call_async(request)
        deadline = time.monotonic() + timeout
        while not future.done() and time.monotonic() < deadline:
            self.node.executor_for_test.spin_once(timeout_sec=0.05)
        if not future.done():
            client.remove_pending_request(future)
            return False
        answer = future.result()
        assert not answer.ok and answer.error == 'probe'
        return True

    def topic(self, name):
        return name if name.startswith('/') else f'{self.ns}/{name}'

    def call(self, client, request):
        future = client.call_async(request)
        self.spin(self.node, future.done, 30, f'a response from {client.srv_name}')
        return future.result()

    def step(self, action):
        return self.call(self.step_client, Step.Request(action=np.asarray(action, np.float32)))

    def reset(self, seed=None, options=''):
        return self.call(
            self.reset_client,
            Reset.Request(use_seed=seed is not None, seed=seed or 0, options_json=options),
        )

    def inbox(self, name, msg_type, qos=None):
        """Subscribe; return the list the messages are appended to (its .subscription too)."""
        box = Inbox()
        qos = qos or QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
        box.subscription = self.node.create_subscription(
            msg_type, self.topic(name), box.append, qos
        )
        return box

    def publisher(self, name, msg_type):
        pub = self.node.create_publisher(msg_type, self.topic(name), 10)
        self.spin(
            self.node,
            lambda: pub.get_subscription_count() > 0,
            30,
            f'sim_node to subscribe to {name}',
        )
        return pub

    def wait_for(self, box, predicate=lambda m: True, what='a message', timeout=20):
        self.spin(
            self.node,
            lambda: any(predicate(m) for m in box),
            timeout,
            f'{what} on {box.subscription.topic_name}',
        )
        return [m for m in box if predicate(m)]


class Inbox(list):
    """Messages received on one subscription, and when (time.monotonic) each arrived."""

    def __init__(self):
        super().__init__()
        self.times = []

    def append(self, message):
        self.times.append(time.monotonic())
        super().append(message)


def latched():
    return QoSProfile(
        depth=10,
        reliability=ReliabilityPolicy.RELIABLE,
        durability=DurabilityPolicy.TRANSIENT_LOCAL,
    )


def stamp_of(message):
    """Sim time (ns) of any message the node publishes."""
    if isinstance(message, Clock):
        return stamp_ns(message.clock)
    if isinstance(message, TFMessage):
        return stamp_ns(message.transforms[0].header.stamp)
    if isinstance(message, MarkerArray):
        return stamp_ns(message.markers[0].header.stamp)
    return stamp_ns(message.header.stamp)


def at(ns):
    return lambda m: stamp_of(m) == ns


def assert_same_observation(got, expected):
    assert got.keys() == expected.keys()
    np.testing.assert_array_equal(got['agent_pos'], expected['agent_pos'])
    if 'pixels' in expected:
        assert got['pixels'].keys() == expected['pixels'].keys()
        for name in expected['pixels']:
            np.testing.assert_array_equal(got['pixels'][name], expected['pixels'][name])
    else:
        np.testing.assert_array_equal(got['environment_state'], expected['environment_state'])


def random_actions(seed, count, scale=1.0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        action = rng.uniform(-scale, scale, 4).astype(np.float32)
        action[3] = rng.integers(0, 3)
        yield action


# Rigid transforms, composed here without tf2: (position, quaternion wxyz).
def quat_mul(a, b):
    w1, x1, y1, z1 = a
    w2, x2, y2, z2 = b
    return np.array(
        [
            w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
            w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
            w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
            w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2,
        ]
    )


def rotate(quat, vector):
    conjugate = quat * np.array([1.0, -1.0, -1.0, -1.0])
    return quat_mul(quat_mul(quat, np.concatenate(([0.0], vector))), conjugate)[1:]


def tree_of(*messages):
    """Map child -> (parent, position, quaternion) from TFMessages (later ones win)."""
    tree = {}
    for message in messages:
        for t in message.transforms:
            r, p = t.transform.rotation, t.transform.translation
            tree[t.child_frame_id] = (
                t.header.frame_id,
                np.array([p.x, p.y, p.z]),
                np.array([r.w, r.x, r.y, r.z]),
            )
    return tree


def world_pose(tree, frame, world):
    """Compose the chain frame -> ... -> world; fail if it does not reach world."""
    pos, quat = np.zeros(3), np.array([1.0, 0.0, 0.0, 0.0])
    seen = []
    while frame != world:
        assert frame in tree, f'TF chain {seen + [frame]} does not reach {world}'
        seen.append(frame)
        parent, p, q = tree[frame]
        pos, quat = p + rotate(q, pos), quat_mul(q, quat)
        frame = parent
    return pos, quat


def test_topics_tf_clock_and_cameras_in_lockstep(start_process, ros_node, spin):
    prefix = 'robot_a/'
    sim = SimUnderTest(start_process, ros_node, spin, f'frame_prefix:={prefix}')
    boxes = {
        'joint_states': sim.inbox('joint_states', JointState),
        '/clock': sim.inbox('/clock', Clock),
        '/tf': sim.inbox('/tf', TFMessage),
        '/tf_static': sim.inbox('/tf_static', TFMessage, latched()),
        'robot_description': sim.inbox('robot_description', String, latched()),
        'markers': sim.inbox('markers', MarkerArray),
        'observation': sim.inbox('observation', Observation),
        'step_info': sim.inbox('step_info', StepInfo),
    }
    for camera in CAMERAS:
        boxes[f'{camera}/image_raw'] = sim.inbox(f'{camera}/image_raw', Image)
        boxes[f'{camera}/camera_info'] = sim.inbox(f'{camera}/camera_info', CameraInfo)
    description = sim.wait_for(boxes['robot_description'], what='robot_description')[0]
    assert description.data == robot_description()
    static = sim.wait_for(
        boxes['/tf_static'],
        lambda m: any(t.child_frame_id == prefix + 'wrist_optical_frame' for t in m.transforms),
        what='the optical frames',
    )
    # Until the node has matched our subscriptions, resets publish without them: repeat.
    conditional = [
        b
        for name, b in boxes.items()
        if name.split('/')[-1] in ('image_raw', 'camera_info', 'tf', 'markers')
    ]
    spin(
        ros_node,
        lambda: sim.reset(seed=1).ok and all(conditional),
        60,
        'cameras, /tf and markers after a reset',
    )

    env = gym.make('franka_hil/PandaPickCube-v0', image_obs=True)
    env.reset(seed=1)
    start = stamp_ns(sim.reset(seed=1).observation.header.stamp)
    stamps, expected = [], []
    for action in random_actions(0, 3):
        answer = sim.step(action)
        assert answer.ok, answer.error
        stamps.append(stamp_ns(answer.observation.header.stamp))
        expected.append((answer, env.step(action)[0]))
    assert stamps == [start + k * PERIOD_NS for k in (1, 2, 3)]
    last = stamps[-1]
    for name, box in boxes.items():
        if name not in ('robot_description', '/tf_static'):
            sim.wait_for(box, at(last), f'the last step on {name}')

    # /clock: one message per reset and per step, a control period apart, never backwards.
    clock = [stamp_of(m) for m in boxes['/clock']]
    assert clock[-4:] == [start] + stamps and clock == sorted(clock)

    for (answer, direct), ns in zip(expected, stamps):
        joints = sim.wait_for(boxes['joint_states'], at(ns))[-1]
        assert list(joints.name) == [f'panda_joint{i}' for i in range(1, 8)] + [
            'panda_finger_joint1',
            'panda_finger_joint2',
        ]
        assert len(joints.position) == len(joints.velocity) == 9
        np.testing.assert_allclose(joints.position[:7], direct['agent_pos'][:7], atol=1e-6)
        np.testing.assert_allclose(
            joints.velocity[:7], direct['agent_pos'][7:14], rtol=1e-6, atol=1e-5
        )
        for camera in CAMERAS:
            image = sim.wait_for(boxes[f'{camera}/image_raw'], at(ns))[-1]
            info = sim.wait_for(boxes[f'{camera}/camera_info'], at(ns))[-1]
            frame = f'{prefix}{camera}_optical_frame'
            assert image.header.frame_id == info.header.frame_id == frame
            assert (image.encoding, image.width, image.height, image.step) == (
                'rgb8',
                128,
                128,
                384,
            )
            assert (info.width, info.height) == (image.width, image.height)
            assert info.k[2] == pytest.approx(63.5) and info.k[5] == pytest.approx(63.5)
            fovy = env.unwrapped.sim.model.camera(camera).fovy[0]
            assert info.k[0] == info.k[4] == pytest.approx(64.0 / np.tan(np.radians(fovy) / 2))
            assert list(info.p[:3]) == [info.k[0], 0.0, info.k[2]]
            pixels = np.frombuffer(image.data, np.uint8).reshape(128, 128, 3)
            np.testing.assert_array_equal(pixels, direct['pixels'][camera])
        observation = sim.wait_for(boxes['observation'], at(ns))[-1]
        assert list(observation.agent_pos) == list(answer.observation.agent_pos)
        assert not observation.images
        info = sim.wait_for(boxes['step_info'], at(ns))[-1]
        assert info == answer.info

    # The TF tree at the last step: world reaches both optical frames, the cube and the TCP.
    tree = tree_of(*static, *filter(at(last), boxes['/tf']))
    world = prefix + 'world'
    direct = expected[-1][1]
    sim_core = env.unwrapped.sim
    block, _ = world_pose(tree, prefix + robot.BLOCK_BODY, world)
    np.testing.assert_allclose(block, sim_core.block_pos, atol=1e-9)
    tcp, _ = world_pose(tree, prefix + robot.TCP_BODY, world)
    np.testing.assert_allclose(tcp, direct['agent_pos'][15:], atol=1e-6)
    for camera in CAMERAS:
        pos, quat = world_pose(tree, f'{prefix}{camera}_optical_frame', world)
        cam = sim_core.data.camera(camera)
        cam_pos, cam_quat = cam.xpos, np.zeros(4)
        mujoco.mju_mat2Quat(cam_quat, cam.xmat)  # MuJoCo: looks along -z, y up
        mujoco.mju_mulQuat(cam_quat, cam_quat.copy(), np.array((0.0, 1.0, 0.0, 0.0)))
        # MuJoCo's camera pose lags the body poses by one physics substep (2 ms) while moving.
        np.testing.assert_allclose(pos, cam_pos, atol=2e-3)
        assert abs(np.dot(quat, cam_quat)) == pytest.approx(1.0, abs=1e-4)
    markers = boxes['markers'][-1].markers
    assert [m.ns for m in markers] == ['cube', 'tcp_target', 'workspace_bounds']
    assert all(m.header.frame_id == world for m in markers)
    cube = markers[0].pose.position
    np.testing.assert_allclose((cube.x, cube.y, cube.z), sim_core.block_pos, atol=1e-9)
    assert markers[0].scale.x == pytest.approx(0.04) and len(markers[2].points) == 24
    env.close()


def test_step_and_reset_match_the_direct_env(start_process, ros_node, spin):
    sim = SimUnderTest(start_process, ros_node, spin, 'random_block_position:=true', 'seed:=7')
    env = gym.make('franka_hil/PandaPickCube-v0', random_block_position=True, seed=7)
    # Unseeded first reset = the node's seed parameter; then the stream; then an explicit seed.
    for episode, seed in enumerate((None, None, 123)):
        answer = sim.reset(seed)
        assert answer.ok, answer.error
        expected, _ = env.reset(seed=seed)
        assert_same_observation(observation_from_msg(answer.observation), expected)
        info = json.loads(answer.info_json)
        assert info['episode'] == episode + 1 and info['seed'] == (7 if episode == 0 else seed)
        steps = random_actions(episode, 100, 0.2) if episode == 0 else random_actions(episode, 20)
        for action in steps:
            answer = sim.step(action)
            assert answer.ok, answer.error
            obs, reward, terminated, truncated, env_info = env.step(action)
            assert_same_observation(observation_from_msg(answer.observation), obs)
            assert (answer.reward, answer.terminated, answer.truncated) == (
                reward,
                terminated,
                truncated,
            )
            info = info_from_step_info(answer.info)
            assert info['succeed'] == env_info['succeed']
            assert info['discrete_penalty'] == pytest.approx(env_info['discrete_penalty'])
            np.testing.assert_array_equal(info['teleop_action'], action)
            assert not info['is_intervention']
            if terminated or truncated:
                break
        if episode == 0:
            assert answer.truncated and answer.info.step == 100
    env.close()


# rclpy's own incompatible-QoS warning in this process uses a deprecated logger call.
@pytest.mark.filterwarnings('ignore:Deprecated in favor of')
def test_image_observations_match_the_direct_env(start_process, ros_node, spin):
    sim = SimUnderTest(
        start_process,
        ros_node,
        spin,
        'image_obs:=true',
        'cameras:=[wrist]',
        'image_reliability:=best_effort',
    )
    wrist = sim.inbox(
        'wrist/image_raw', Image, QoSProfile(depth=5, reliability=ReliabilityPolicy.BEST_EFFORT)
    )
    # A reliable subscriber cannot be served by a best-effort publisher: the node says so.
    sim.inbox('wrist/camera_info', CameraInfo)
    sim.proc.wait_for_output('incompatible QoS')
    states = sim.inbox('observation', Observation)
    env = gym.make('franka_hil/PandaPickCube-v0', image_obs=True)
    answer = sim.reset(seed=4)
    assert_same_observation(observation_from_msg(answer.observation), env.reset(seed=4)[0])
    assert not answer.observation.environment_state  # not part of an image observation
    assert list(answer.observation.image_names) == list(CAMERAS)
    assert [i.header.frame_id for i in answer.observation.images] == [
        f'{c}_optical_frame' for c in CAMERAS
    ]
    for action in random_actions(2, 4):
        answer = sim.step(action)
        expected = env.step(action)[0]
        observation = observation_from_msg(answer.observation)
        assert_same_observation(observation, expected)
    # The observation topic carries the cube position in image mode too (scripted helpers).
    state = sim.wait_for(states, at(stamp_of(answer.observation)))[-1]
    assert not state.images
    np.testing.assert_array_equal(
        state.environment_state, env.unwrapped.sim.block_pos.astype(np.float32)
    )
    # The published wrist image is the observation's (image mode renders every step anyway).
    image = sim.wait_for(wrist, at(stamp_of(answer.observation)))[-1]
    np.testing.assert_array_equal(
        np.frombuffer(image.data, np.uint8).reshape(128, 128, 3), expected['pixels']['wrist']
    )
    assert sim.node.count_publishers(sim.topic('front/image_raw')) == 0  # not in `cameras`
    env.close()


def intervention(
    active,
    linear=(0.0, 0.0, 0.0),
    gripper=Intervention.GRIPPER_STAY,
    frame='panda_link0',
    source='test',
):
    return Intervention(
        header=Header(frame_id=frame),
        active=active,
        twist=Twist(linear=Vector3(x=linear[0], y=linear[1], z=linear[2])),
        gripper=gripper,
        source=source,
    )


def step_until(sim, env, action, predicate, what, limit=100):
    """Step node and env together until predicate(answer); the env replays what was executed."""
    for _ in range(limit):
        answer = sim.step(action)
        assert answer.ok, answer.error
        executed = np.array(answer.info.action, np.float32)
        expected = env.step(executed)[0]
        assert_same_observation(observation_from_msg(answer.observation), expected)
        if predicate(answer):
            return answer
    raise AssertionError(f'{what} not seen within {limit} steps')


def test_human_override_arbitration(start_process, ros_node, spin):
    sim = SimUnderTest(start_process, ros_node, spin, 'intervention_timeout:=0.5')
    human = sim.publisher('intervention', Intervention)
    events = sim.publisher('episode_event', EpisodeEvent)
    env = gym.make('franka_hil/PandaPickCube-v0')
    sim.reset(seed=2)
    env.reset(seed=2)
    policy = np.array([-0.3, 0.3, 0.0, actions.GRIPPER_STAY], np.float32)
    assert list(sim.step(policy).info.action) == pytest.approx(policy)
    env.step(policy)

    # A fresh, active intervention replaces the policy's action.
    linear = (0.05, -0.1, 0.2)
    human.publish(intervention(True, linear, Intervention.GRIPPER_CLOSE))
    answer = step_until(sim, env, policy, lambda a: a.info.is_intervention, 'the override')
    np.testing.assert_allclose(
        answer.info.action, actions.twist_to_action(linear, actions.GRIPPER_CLOSE), rtol=1e-6
    )
    np.testing.assert_allclose(answer.info.action, (0.2, -0.4, 0.8, 2.0), rtol=1e-6)
    assert list(answer.info.policy_action) == pytest.approx(policy)
    seen = time.monotonic()

    # Stale: once older than intervention_timeout (0.5 s since receipt) it is ignored.
    spin(ros_node, lambda: time.monotonic() - seen > 0.6, 5, 'the intervention to go stale')
    answer = step_until(sim, env, policy, lambda a: True, 'a step')
    assert not answer.info.is_intervention
    assert list(answer.info.action) == pytest.approx(policy)

    # A fresh override, then its release.
    human.publish(intervention(True, (0.0, 0.0, -0.1)))
    step_until(sim, env, policy, lambda a: a.info.is_intervention, 'the second override')
    human.publish(intervention(False))
    step_until(sim, env, policy, lambda a: not a.info.is_intervention, 'the release')
    # A twist in a frame the sim does not know is refused (logged), not misapplied.
    human.publish(intervention(True, (0.1, 0.0, 0.0), frame='camera'))
    sim.proc.wait_for_output("twist frame 'camera'")
    assert not sim.step(policy).info.is_intervention
    env.step(policy)

    # Human success ends the episode with reward 1.0; the next Step is refused until Reset.
    events.publish(EpisodeEvent(event=EpisodeEvent.SUCCESS, source='test'))
    answer = step_until(sim, env, policy, lambda a: a.info.human_event != 0, 'the success')
    assert answer.info.human_event == EpisodeEvent.SUCCESS
    assert answer.reward == 1.0 and answer.terminated and answer.info.success
    assert info_from_step_info(answer.info)['next.success'] is True
    refused = sim.step(policy)
    assert not refused.ok and 'call reset' in refused.error
    sim.reset(seed=2)
    env.reset(seed=2)
    events.publish(EpisodeEvent(event=EpisodeEvent.RERECORD, source='test'))
    answer = step_until(sim, env, policy, lambda a: a.info.human_event != 0, 'the re-record')
    assert answer.terminated and answer.info.rerecord_episode and answer.reward == 0.0
    env.close()


def test_bad_requests_are_refused_and_the_node_keeps_serving(start_process, ros_node, spin):
    sim = SimUnderTest(start_process, ros_node, spin, 'max_episode_steps:=4')
    assert 'WARN' not in sim.proc.output()  # the handshake's probes are answered quietly
    env = gym.make('franka_hil/PandaPickCube-v0')
    answer = sim.step([0.0, 0.0, 0.0, 1.0])
    assert not answer.ok and 'no episode running' in answer.error
    sim.proc.wait_for_output('no episode running')  # a refusal is logged
    sim.reset(seed=9)
    env.reset(seed=9)
    actions = random_actions(3, 4)
    for bad, message in (
        ([0.0, 0.0, 1.0], r'shape must be (4,)'),
        ([0.0, np.nan, 0.0, 1.0], 'non-finite'),
        ([0.0, 0.0, 0.0, np.inf], 'non-finite'),
        ([0.1] * 7, r'shape must be (4,)'),
    ):
        answer = sim.step(bad)
        assert not answer.ok and message in answer.error, answer.error
        # State untouched: the next valid step still matches the direct env.
        action = next(actions)
        answer = sim.step(action)
        assert answer.ok
        assert_same_observation(observation_from_msg(answer.observation), env.step(action)[0])
    assert answer.truncated and answer.info.step == 4  # max_episode_steps
    answer = sim.step([0.0, 0.0, 0.0, 1.0])
    assert not answer.ok and 'truncated' in answer.error and 'call reset' in answer.error
    for seed, options, message in (
        (-5, '', 'seed must be'),
        (None, '{oops', 'not valid JSON'),
        (None, '[1, 2]', 'JSON object'),
    ):
        answer = sim.reset(seed, options)
        assert not answer.ok and message in answer.error, answer.error
    assert sim.reset(seed=9, options='{"note": "fine"}').ok
    env.reset(seed=9)
    action = np.array([0.5, 0.0, -0.5, 2.0], np.float32)
    assert_same_observation(
        observation_from_msg(sim.step(action).observation), env.step(action)[0]
    )
    assert sim.proc.proc.poll() is None
    env.close()


def test_concurrent_steps_and_inputs_do_not_deadlock(start_process, ros_node, spin):
    sim = SimUnderTest(start_process, ros_node, spin)
    human = sim.publisher('intervention', Intervention)
    events = sim.publisher('episode_event', EpisodeEvent)
    other = rclpy.create_node(f'second_client_{os.getpid()}', context=ros_node.context)
    ros_node.executor_for_test.add_node(other)
    # Responses to pipelined requests arrive in a burst: the clients keep them all.
    deep = QoSProfile(depth=100)
    first = ros_node.create_client(Step, f'{sim.ns}/step', qos_profile=deep)
    second = other.create_client(Step, f'{sim.ns}/step', qos_profile=deep)
    spin(
        ros_node,
        lambda: first.service_is_ready() and second.service_is_ready(),
        30,
        'the step service for both clients',
    )
    sim.handshake(first)
    sim.handshake(second)
    assert sim.reset(seed=0).ok
    # Two clients fire 40 requests without waiting while the human publishes: all are served,
    # one at a time, each exactly once.
    futures = []
    for k in range(20):
        for client in (first, second):
            futures.append(client.call_async(Step.Request(action=np.zeros(4, np.float32))))
        human.publish(intervention(k % 2 == 0, (0.01, 0.0, 0.0)))
    spin(ros_node, lambda: all(f.done() for f in futures), 60, 'all 40 responses')
    assert sorted(f.result().info.step for f in futures) == list(range(1, 41))
    # Again with a human failure among them: the episode ends; later requests are refused.
    events.publish(EpisodeEvent(event=EpisodeEvent.FAILURE, source='test'))
    futures = [
        client.call_async(Step.Request(action=np.zeros(4, np.float32)))
        for _ in range(10)
        for client in (first, second)
    ]
    spin(ros_node, lambda: all(f.done() for f in futures), 60, 'all 20 responses')
    answers = [f.result() for f in futures]
    served = sorted(a.info.step for a in answers if a.ok)
    assert served == list(range(41, 41 + len(served)))
    assert all('ended by the human (failure)' in a.error for a in answers if not a.ok)
    assert sim.reset(seed=0).ok and sim.step(np.zeros(4)).ok
    other.destroy_node()


def test_physics_blow_up_ends_the_episode_and_reset_recovers(ros_node, spin):
    # The node runs in this process, so that the test can break its physics; its services are
    # called over DDS as any client calls them.
    from franka_hil_sim.node.sim_node import SimNode
    from rclpy.signals import SignalHandlerOptions

    ns = new_namespace()
    context = rclpy.Context()
    rclpy.init(context=context, signal_handler_options=SignalHandlerOptions.NO)
    node = SimNode(context=context, namespace=ns)
    try:
        sim = SimUnderTest(None, ros_node, spin, ns=ns)
        infos = sim.inbox('step_info', StepInfo)
        env = gym.make('franka_hil/PandaPickCube-v0')
        assert sim.reset(seed=4).ok
        assert sim.step([0.2, 0.0, 0.0, 1.0]).ok
        with node.session.lock:
            node.session.sim.data.qvel[:7] = 1e12
        answer = sim.step([0.0, 0.0, 0.0, 1.0])
        assert answer.ok and answer.terminated and not answer.truncated
        assert answer.info.physics_error and answer.reward == 0.0 and not answer.info.success
        assert np.isfinite(observation_from_msg(answer.observation)['agent_pos']).all()
        sim.wait_for(infos, lambda m: m.physics_error and m.terminated, 'the physics error')
        answer = sim.step([0.0, 0.0, 0.0, 1.0])
        assert not answer.ok and 'physics error' in answer.error and 'call reset' in answer.error
        # The next Reset recovers: the same states as a fresh direct env.
        answer = sim.reset(seed=4)
        assert answer.ok
        assert_same_observation(observation_from_msg(answer.observation), env.reset(seed=4)[0])
        for action in random_actions(2, 3):
            assert_same_observation(
                observation_from_msg(sim.step(action).observation), env.step(action)[0]
            )
        env.close()
    finally:
        node.close()
        node.destroy_node()
        context.try_shutdown()


@pytest.mark.parametrize(
    'params, messages',
    [
        (
            ['mode:=fast', 'control_rate:=-1.0', 'cameras:=[top]', 'image_reliability:=sometimes'],
            [
                "mode must be one of ['lockstep', 'realtime'], got 'fast'",
                'control_rate must be',
                'cameras must be',
                'image_reliability must be one of',
            ],
        ),
        (
            ['seed:=-1', 'action_space:=joint', 'max_episode_steps:=0', 'colour:=red'],
            [
                'seed must be',
                'action_space must be one of',
                'max_episode_steps must be',
                "unknown parameter 'colour'",
            ],
        ),
        (['control_rate:=1000'], ['control_rate=1000 Hz: control_dt must be a number >= 0.002 s']),
    ],
)
def test_bad_parameters_exit_with_a_clear_error(run_process, params, messages):
    argv = [script('sim_node'), '--ros-args'] + [a for p in params for a in ('-p', p)]
    done = run_process(argv, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stdout + done.stderr
    for message in messages:
        assert message in done.stderr


def test_realtime_mode_paces_steps_at_wall_clock(start_process, ros_node, spin):
    sim = SimUnderTest(start_process, ros_node, spin, 'mode:=realtime', 'max_episode_steps:=30')
    clock = sim.inbox('/clock', Clock)
    infos = sim.inbox('step_info', StepInfo)
    rtf = sim.inbox('real_time_factor', Float64)
    fronts = sim.inbox('front/image_raw', Image)
    wrists = sim.inbox('wrist/image_raw', Image)
    actions = sim.publisher('action', Float32MultiArray)
    policy = [0.2, 0.0, 0.0, 1.0]
    sim.wait_for(fronts, what='images')
    assert not sim.step(policy).ok  # Step is lockstep only

    # 10 s of wall time against /clock, publishing the policy's action as a policy would.
    first = len(clock)
    start = time.monotonic()
    while time.monotonic() - start < 10.0:
        actions.publish(Float32MultiArray(data=policy))
        ros_node.executor_for_test.spin_once(timeout_sec=0.05)
    wall0, wall1 = clock.times[first], clock.times[-1]
    sim0, sim1 = stamp_of(clock[first]), stamp_of(clock[-1])
    factor = (sim1 - sim0) * 1e-9 / (wall1 - wall0)
    assert 0.9 <= factor <= 1.1, factor
    assert len(clock) - first >= 90
    assert 0.9 <= rtf[-1].data <= 1.1

    # The policy's action was executed; episodes ended by the step limit were auto-reset.
    stepped = [m for m in infos if stamp_of(m) > sim0]
    assert sum(list(m.action) == pytest.approx(policy) for m in stepped) >= 0.8 * len(stepped)
    assert all(
        m.actor == StepInfo.ACTOR_POLICY
        for m in stepped
        if list(m.action) == pytest.approx(policy)
    )
    # Before the policy spoke, nobody acted (the robot held still).
    assert all(m.actor == StepInfo.ACTOR_NONE for m in infos if stamp_of(m) < sim0)
    assert any(m.truncated for m in stepped) and 'started (auto-reset)' in sim.proc.output()
    # Every step published both cameras (at most a few lost at the edges of the window).
    for box in (fronts, wrists):
        stamps = {stamp_of(m) for m in box}
        missing = [m for m in stepped if stamp_of(m) not in stamps]
        assert len(missing) <= 2, len(missing)

    # The human overrides the realtime loop too.
    human = sim.publisher('intervention', Intervention)
    human.publish(intervention(True, (0.0, 0.1, 0.0)))
    overridden = sim.wait_for(infos, lambda m: m.is_intervention, 'an overridden step')[0]
    assert list(overridden.action) == pytest.approx([0.0, 0.4, 0.0, 1.0])
    assert list(overridden.policy_action) == pytest.approx(policy)
    assert overridden.actor == StepInfo.ACTOR_HUMAN

    # A bad action on the topic is refused with a clear log; the loop keeps running.
    actions.publish(Float32MultiArray(data=[0.0, float('nan'), 0.0, 1.0]))
    sim.proc.wait_for_output('action refused: action has non-finite entries')
    actions.publish(Float32MultiArray(data=[0.0, 0.0]))
    count = len(infos)
    spin(ros_node, lambda: len(infos) > count + 2, 10, 'steps after a bad action')

    # A Reset drops the last policy action: the new episode holds until the policy speaks.
    human.publish(intervention(False))
    actions.publish(Float32MultiArray(data=policy))
    sim.wait_for(
        infos,
        lambda m: not m.is_intervention and list(m.policy_action) == pytest.approx(policy),
        'the policy acting again',
    )
    reset = sim.reset(seed=2)
    assert reset.ok
    after = sim.wait_for(
        infos,
        lambda m: stamp_of(m) > stamp_ns(reset.observation.header.stamp),
        'a step after the reset',
    )[0]
    assert list(after.policy_action) == pytest.approx([0.0, 0.0, 0.0, 1.0])
    assert after.actor == StepInfo.ACTOR_NONE


# The edges: what is recorded, stale and bursting requests, the human's pace --------------------


def test_the_recorded_action_is_the_one_the_physics_applied(start_process, ros_node, spin):
    sim = SimUnderTest(start_process, ros_node, spin)
    infos = sim.inbox('step_info', StepInfo)
    sim.reset(seed=0)
    raw = np.array([1e30, -1e30, 3.4e38, 255.0], np.float32)
    answer = sim.step(raw)
    assert answer.ok
    assert list(answer.info.action) == [1.0, -1.0, 1.0, 2.0]  # clipped, as executed
    np.testing.assert_array_equal(answer.info.policy_action, raw)  # the request, as sent
    published = sim.wait_for(infos, lambda m: m.step == 1, 'the step_info')[-1]
    assert list(published.action) == [1.0, -1.0, 1.0, 2.0]
    env = gym.make('franka_hil/PandaPickCube-v0')
    env.reset(seed=0)
    expected = env.step(raw)[0]  # the env clips the same way: same physics
    assert_same_observation(observation_from_msg(answer.observation), expected)
    env.close()


def test_a_request_past_its_deadline_is_refused_not_executed(start_process, ros_node, spin):
    sim = SimUnderTest(start_process, ros_node, spin)
    infos = sim.inbox('step_info', StepInfo)
    assert sim.reset(seed=0).ok
    past = Time(**stamp_fields(time.time_ns() - 1_000_000))
    answer = sim.call(sim.step_client, Step.Request(action=np.ones(4, np.float32), deadline=past))
    assert not answer.ok and 'deadline passed' in answer.error
    future = Time(**stamp_fields(time.time_ns() + 10_000_000_000))
    answer = sim.call(
        sim.step_client, Step.Request(action=np.ones(4, np.float32), deadline=future)
    )
    assert answer.ok and answer.info.step == 1  # the refused one did not count
    late_reset = Reset.Request(deadline=past)
    assert 'deadline passed' in sim.call(sim.reset_client, late_reset).error
    sim.wait_for(infos, lambda m: m.step == 1)
    assert [m.step for m in infos] == [1]
    sim.proc.wait_for_output('Step refused: its deadline passed')


@pytest.mark.parametrize('clients, each', [(1, 200), (10, 20)])
def test_every_request_of_a_burst_is_answered(start_process, ros_node, spin, clients, each):
    sim = SimUnderTest(start_process, ros_node, spin, 'max_episode_steps:=1000')
    assert sim.reset(seed=0).ok
    keep_all = QoSProfile(history=HistoryPolicy.KEEP_ALL)
    nodes, callers = [], []
    for k in range(clients):
        node = rclpy.create_node(f'burst_{os.getpid()}_{k}', context=ros_node.context)
        ros_node.executor_for_test.add_node(node)
        nodes.append(node)
        callers.append(node.create_client(Step, f'{sim.ns}/step', qos_profile=keep_all))
    spin(ros_node, lambda: all(c.service_is_ready() for c in callers), 30, 'the step service')
    for caller in callers:
        sim.handshake(caller)
    futures = [
        caller.call_async(Step.Request(action=np.zeros(4, np.float32)))
        for _ in range(each)
        for caller in callers
    ]
    spin(
        ros_node,
        lambda: all(f.done() for f in futures),
        120,
        lambda: f'{sum(f.done() for f in futures)} of {len(futures)} answers',
    )
    assert sorted(f.result().info.step for f in futures) == list(range(1, len(futures) + 1))
    for node in nodes:
        node.destroy_node()


def test_a_human_drives_a_lockstep_sim_at_real_speed(start_process, ros_node, spin):
    # (pace_human, the intervention's source): a person is paced; the synthetic human is not.
    for pace, source in ((True, 'gamepad'), (False, 'gamepad'), (True, names.SYNTHETIC_HUMAN)):
        sim = SimUnderTest(
            start_process,
            ros_node,
            spin,
            f'pace_human:={str(pace).lower()}',
            'intervention_timeout:=5.0',
        )
        human = sim.publisher('intervention', Intervention)
        sim.reset(seed=0)
        human.publish(intervention(True, (0.05, 0.0, 0.0), source=source))
        hold = np.array([0.0, 0.0, 0.0, actions.GRIPPER_STAY], np.float32)
        spin(ros_node, lambda: sim.step(hold).info.is_intervention, 10, 'the override')
        human.publish(intervention(True, (0.05, 0.0, 0.0), source=source))
        start = time.monotonic()
        steps = [sim.step(hold) for _ in range(10)]
        elapsed = time.monotonic() - start
        assert all(s.info.is_intervention for s in steps)
        if pace and source != names.SYNTHETIC_HUMAN:
            assert elapsed >= 0.95  # ten human steps take a second, as the person sees them
        else:
            # Unpaced, a command lasts intervention_timeout of sim time at most: 5 s here.
            assert elapsed < 0.95, (pace, source, elapsed)


def test_a_silent_humans_command_lasts_at_most_its_timeout_of_sim_time(
    start_process, ros_node, spin
):
    sim = SimUnderTest(
        start_process, ros_node, spin, 'pace_human:=false', 'intervention_timeout:=0.5'
    )
    human = sim.publisher('intervention', Intervention)
    sim.reset(seed=0)
    human.publish(intervention(True, (0.05, 0.0, 0.0)))  # then the teleop dies, unreleased
    hold = np.array([0.0, 0.0, 0.0, actions.GRIPPER_STAY], np.float32)
    spin(ros_node, lambda: sim.step(hold).info.is_intervention, 10, 'the override')
    overridden = 1 + sum(sim.step(hold).info.is_intervention for _ in range(20))
    # 0.5 s of sim time at 10 Hz: the steps starting before it runs out, five at most.
    assert 2 <= overridden <= 5, overridden


def test_realtime_episodes_wait_for_a_person_to_take_over(start_process, ros_node, spin):
    sim = SimUnderTest(
        start_process,
        ros_node,
        spin,
        'mode:=realtime',
        'max_episode_steps:=3',
        'wait_for_person:=true',
    )
    sim.proc.wait_for_output('episode 1 waits for a person to take over')
    human = sim.publisher('intervention', Intervention)

    def hold_until(active, text):
        """Publish the override at 20 Hz until the sim prints `text`."""
        spin(
            ros_node,
            lambda: human.publish(intervention(active)) or text in sim.proc.output(),
            20,
            text,
        )  # (a spin: 50 ms)

    hold_until(True, 'episode 1 truncated at step 3')
    hold_until(True, 'episode 2 waits for a person')
    # A subscriber joining late still gets the episode it missed, from its first step.
    late = sim.inbox(
        'step_info',
        StepInfo,
        QoSProfile(
            depth=100,
            reliability=ReliabilityPolicy.RELIABLE,
            durability=DurabilityPolicy.TRANSIENT_LOCAL,
        ),
    )
    sim.wait_for(late, lambda m: m.truncated, 'the late copy of episode 1')
    assert [(m.episode, m.step) for m in late] == [(1, 1), (1, 2), (1, 3)]
    # An event key while it waits would end it at its first step: ignored, said once.
    events = sim.publisher('episode_event', EpisodeEvent)
    events.publish(EpisodeEvent(event=EpisodeEvent.SUCCESS, source='test'))
    sim.proc.wait_for_output('human episode event 1 ignored: episode 2 waits for a person')
    # The override held on from the last episode starts nothing: release, then take over.
    for _ in range(10):
        human.publish(intervention(True))
        ros_node.executor_for_test.spin_once(timeout_sec=0.05)
    assert 'episode 2 started' not in sim.proc.output()
    assert all(m.episode == 1 for m in late)
    human.publish(intervention(False))
    hold_until(True, 'episode 2 started: test took over')
    sim.wait_for(late, lambda m: m.episode == 2, 'a step of episode 2')
