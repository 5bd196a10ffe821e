# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The gym bridge against sim nodes in realtime mode, over DDS.

The sim ticks on its own wall clock; a step publishes the action and returns the first tick that
applied it. Checked against what the sim itself publishes: Gymnasium's check_env, stamps one
control period apart while the env keeps up, policy_action, episode ends the env saw and ones it
was too slow for, image observations paired with the camera frames by stamp, a dead sim, a
launched realtime graph, and a close() that leaves nothing behind.
"""

from functools import partial
import importlib.util
from pathlib import Path
import threading
import time
import warnings

from franka_hil_common.messages import image_array, stamp_ns
from franka_hil_gym_bridge.env import FrankaHilRosEnv
from franka_hil_gym_bridge.remote_sim import SimMismatch
from franka_hil_gym_bridge.remote_sim_link import SimUnavailable
import franka_hil_msgs.msg as hil
import gymnasium as gym
from gymnasium.utils.env_checker import check_env
import numpy as np
import pytest
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image

_spec = importlib.util.spec_from_file_location(
    'bridge_env_helpers', Path(__file__).with_name('test_bridge_env.py')
)
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)
ENV_ID, namespace, start_sim, random_actions = (
    helpers.ENV_ID,
    helpers.namespace,
    helpers.start_sim,
    helpers.random_actions,
)

PERIOD_NS = 100_000_000  # the default control rate, 10 Hz
# The share of steps that must advance by exactly one period (the env kept up with the sim).
KEPT_UP = 0.75


class Ticks:
    """The test's view of a realtime sim: its messages by stamp (ns)."""

    def __init__(self, ros_node, spin, ns, topics=('step_info',)):
        self.node, self.spin = ros_node, spin
        self.by_stamp = {topic: {} for topic in topics}
        qos = QoSProfile(depth=200, reliability=ReliabilityPolicy.RELIABLE)
        types = {'step_info': hil.StepInfo, 'observation': hil.Observation}
        for topic in topics:
            ros_node.create_subscription(
                types.get(topic, Image),
                f'{ns}/{topic}',
                partial(self._keep, self.by_stamp[topic]),
                qos,
            )
        # The sim publishes to subscribers it has discovered: from the first message on, all.
        spin(
            ros_node,
            lambda: all(self.by_stamp.values()),
            timeout=15,
            what=f'the first message of each of {list(topics)}',
        )

    @staticmethod
    def _keep(box, msg):
        box[stamp_ns(msg.header.stamp)] = msg

    def at(self, stamp, topic='step_info'):
        """Wait for the `topic` message of the tick stamped `stamp`; return it."""
        box = self.by_stamp[topic]
        self.spin(self.node, lambda: stamp in box, timeout=15, what=f'{topic} stamped {stamp}')
        return box[stamp]

    def step_info(self, episode, step):
        """Wait for the step_info of (episode, step); return it."""
        box = self.by_stamp['step_info']
        self.spin(
            self.node,
            lambda: any((m.episode, m.step) == (episode, step) for m in box.values()),
            timeout=15,
            what=f'step_info of episode {episode} step {step}',
        )
        return next(m for m in box.values() if (m.episode, m.step) == (episode, step))

    def between(self, first, last):
        """Return the step_info of every tick stamped in (first, last)."""
        stamps = range(first + PERIOD_NS, last, PERIOD_NS)
        return [self.at(stamp) for stamp in stamps]


def test_check_env_stamps_and_the_sims_own_step_info(start_process, ros_node, spin):
    ns = namespace('rt_contract')
    start_sim(start_process, ns, mode='realtime')
    ticks = Ticks(ros_node, spin, ns)
    with pytest.raises(SimMismatch, match=r'mode=realtime \(the env wants mode=lockstep\)'):
        gym.make(ENV_ID, namespace=ns, mode='lockstep')

    threads_before = set(threading.enumerate())
    env = gym.make(ENV_ID, namespace=ns, render_mode='rgb_array')  # follows the node's mode
    assert env.unwrapped.mode == 'realtime' and env.spec.nondeterministic
    node_name = env.unwrapped.sim.link.node.get_name()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the contract's inf bounds and [0, 2] gripper range
        check_env(env.unwrapped, skip_render_check=False)

    sim = env.unwrapped.sim
    _, info = env.reset(seed=3)
    last, advances, latencies = sim.stamp_ns, [], []
    for action in random_actions(3, 20):
        start = time.monotonic()
        obs, reward, terminated, truncated, info = env.step(action)
        latencies.append(time.monotonic() - start)
        stamp = sim.stamp_ns
        advances.append((stamp - last) // PERIOD_NS)
        assert stamp > last and (stamp - last) % PERIOD_NS == 0, (last, stamp)
        # The sim applied this action at that tick, and at none between the last and this one.
        published = ticks.at(stamp)
        np.testing.assert_array_equal(published.policy_action, action)
        np.testing.assert_array_equal(info['policy_action'], action)
        np.testing.assert_array_equal(info['teleop_action'], published.action)
        np.testing.assert_array_equal(info['action_intervention'], published.action)
        assert not info['is_intervention'] and not info['rerecord_episode']
        assert (reward, terminated, truncated) == (
            published.reward,
            published.terminated,
            published.truncated,
        )
        assert info['discrete_penalty'] == pytest.approx(published.discrete_penalty)
        for skipped in ticks.between(last, stamp):
            assert not np.array_equal(skipped.policy_action, action)
        last = stamp
    kept_up = advances.count(1) / len(advances)
    print(
        f'realtime steps: stamp advances (periods) {advances}; step latency ms median '
        f'{1000 * np.median(latencies):.1f}, max {1000 * max(latencies):.1f}'
    )
    assert kept_up >= KEPT_UP, advances
    env.close()
    assert set(threading.enumerate()) == threads_before
    spin(
        ros_node,
        lambda: node_name not in ros_node.get_node_names(),
        timeout=15,
        what='the env node to leave the graph',
    )


def test_episode_ends_seen_or_missed_are_reported(start_process, ros_node, spin):
    ns = namespace('rt_ends')
    start_sim(start_process, ns, mode='realtime', max_episode_steps=5)
    ticks = Ticks(ros_node, spin, ns)
    env = FrankaHilRosEnv(namespace=ns, mode='realtime', max_episode_steps=5)
    sim = env.sim

    # Stepping: the step limit ends the episode, reported once, as the sim published it.
    _, info = env.reset(seed=0)
    episode = info['episode']
    for action in random_actions(0, 5):
        _, _, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            break
    published = ticks.at(sim.stamp_ns)
    assert truncated and not terminated and info['next.success'] is False
    assert (published.episode, published.step, published.truncated) == (episode, 5, True)
    with pytest.raises(RuntimeError, match='call reset'):
        env.step(random_actions(1, 1)[0])

    # Missed: the episode ended in ticks the env did not see; the next step reports that end.
    _, info = env.reset(seed=1)
    episode = info['episode']
    end = ticks.step_info(episode, 5)
    ticks.step_info(episode + 1, 1)  # the sim went on with an auto-reset episode
    action = random_actions(2, 1)[0]
    _, _, terminated, truncated, info = env.step(action)
    assert truncated and 'next.success' in info and sim.stamp_ns == stamp_ns(end.header.stamp)
    assert not np.array_equal(info['policy_action'], action)
    # It was not published: the sim's next ticks do not apply it.
    after = ticks.step_info(episode + 1, 3)
    assert not np.array_equal(after.policy_action, action)
    with pytest.raises(RuntimeError, match='call reset'):
        env.step(action)

    _, info = env.reset(seed=2)
    _, _, _, _, step_info = env.step(action)
    np.testing.assert_array_equal(step_info['policy_action'], action)
    assert ticks.at(sim.stamp_ns).episode == info['episode']
    env.close()


def test_image_observations_are_the_frames_of_the_tick(start_process, ros_node, spin):
    ns = namespace('rt_images')
    start_sim(start_process, ns, mode='realtime', image_obs=True)
    ticks = Ticks(
        ros_node, spin, ns, ('step_info', 'observation', 'front/image_raw', 'wrist/image_raw')
    )
    env = gym.make(ENV_ID, namespace=ns, image_obs=True)
    direct = gym.make('franka_hil/PandaPickCube-v0', image_obs=True)
    obs, _ = env.reset(seed=4)
    helpers.assert_same(obs, direct.reset(seed=4)[0])  # the Reset service's observation
    sim = env.unwrapped.sim
    for action in random_actions(4, 5):
        obs = env.step(action)[0]
        stamp = sim.stamp_ns
        np.testing.assert_array_equal(ticks.at(stamp).policy_action, action)
        np.testing.assert_array_equal(
            obs['agent_pos'], np.float32(ticks.at(stamp, 'observation').agent_pos)
        )
        for camera in ('front', 'wrist'):
            frame = ticks.at(stamp, f'{camera}/image_raw')
            np.testing.assert_array_equal(obs['pixels'][camera], image_array(frame))
    assert env.observation_space.contains(obs)
    env.close()
    direct.close()


def test_dead_sim_is_an_error_within_5_s_and_a_restarted_one_resets(start_process):
    ns = namespace('rt_death')
    sim = start_sim(start_process, ns, mode='realtime')
    env = gym.make(ENV_ID, namespace=ns, mode='realtime')
    env.reset(seed=1)
    for action in random_actions(1, 3):
        env.step(action)
    sim.proc.kill()
    start = time.monotonic()
    with pytest.raises(SimUnavailable, match=f'{ns}/step_info'):
        env.step(random_actions(2, 1)[0])
    assert time.monotonic() - start < 5.0

    start_sim(start_process, ns, mode='realtime')
    obs, info = env.reset(seed=9)
    direct = gym.make('franka_hil/PandaPickCube-v0')
    helpers.assert_same(obs, direct.reset(seed=9)[0])
    action = random_actions(9, 1)[0]
    np.testing.assert_array_equal(env.step(action)[4]['policy_action'], action)
    env.close()
    direct.close()


def test_a_launched_graph_runs_realtime(ros_env):
    env = ros_env(FrankaHilRosEnv, launch=True, mode='realtime')
    try:
        assert env.mode == env.sim.mode == 'realtime'
        env.reset(seed=0)
        for action in random_actions(5, 3):
            np.testing.assert_array_equal(env.step(action)[4]['policy_action'], action)
    finally:
        env.close()
