# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The gym bridge over whole graphs.

A vector env over `bringup num_sims:=2`, and envs that start (launch=True) and stop their own
graph.
"""

from functools import partial
import os
import sys

from franka_hil_gym_bridge.launcher import GraphFailed
import franka_hil_sim  # noqa: F401  (registers the direct ids)
import gymnasium as gym
from gymnasium.vector import AsyncVectorEnv
import numpy as np
import pytest

# Spawned vector workers import the package that registers the id through gym.make's prefix.
ENV_ID = 'franka_hil_gym_bridge:franka_hil_ros/PandaPickCube-v0'
DIRECT_ID = 'franka_hil/PandaPickCube-v0'
HOLD = np.array([0, 0, 0, 1], dtype=np.float32)


def test_async_vector_env_over_two_namespaced_sims(start_process):
    base = f'/bridge_{os.getpid()}_vector'
    graph = start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_sim.bringup.supervisor',
            f'namespace:={base}',
            'num_sims:=2',
            'teleop:=none',
        ],
        name='bringup',
    )
    envs = AsyncVectorEnv(
        [
            partial(gym.make, ENV_ID, namespace=f'{base}/sim{i}', connect_timeout=60)
            for i in range(2)
        ],
        context='spawn',
    )
    directs = [gym.make(DIRECT_ID) for _ in range(2)]
    obs, _ = envs.reset(seed=[5, 6])
    expected = [d.reset(seed=s)[0] for d, s in zip(directs, (5, 6))]
    assert_batch(obs, expected)

    rng = np.random.default_rng(0)
    for step in range(1, 102):
        actions = np.stack(
            [rng.uniform([-1, -1, -1, 0], [1, 1, 1, 2]) if step < 20 else HOLD for _ in range(2)]
        ).astype(np.float32)
        obs, rewards, terminated, truncated, info = envs.step(actions)
        if step <= 100:
            results = [d.step(a) for d, a in zip(directs, actions)]
            assert_batch(obs, [r[0] for r in results])
            np.testing.assert_array_equal(truncated, [step == 100] * 2)
            assert not terminated.any() and not info['is_intervention'].any()
            np.testing.assert_array_equal(np.stack(info['teleop_action']), actions)
        else:  # gymnasium's next-step autoreset: both sims reset through the bridge
            assert_batch(obs, [d.reset()[0] for d in directs])
    envs.close()
    for direct in directs:
        direct.close()
    assert graph.proc.poll() is None, graph.output()


def assert_batch(batch, observations):
    for i, expected in enumerate(observations):
        for key, value in expected.items():
            np.testing.assert_array_equal(batch[key][i], value, err_msg=f'env {i} {key}')


def test_launch_starts_the_graph_and_close_stops_it(ros_env, ros_node, spin):
    env = ros_env(gym.make, ENV_ID, launch=True, random_block_position=True, gripper_penalty=-0.02)
    graph = env.unwrapped.graph
    assert graph.namespace.startswith(f'/franka_hil_env_{os.getpid()}_')
    spin(
        ros_node,
        lambda: ('sim', graph.namespace) in ros_node.get_node_names_and_namespaces(),
        timeout=15,
        what='the launched sim node',
    )
    direct = gym.make(DIRECT_ID, random_block_position=True, gripper_penalty=-0.02)
    obs, _ = env.reset(seed=8)  # the launched sim draws the cube at random, as asked
    np.testing.assert_array_equal(
        obs['environment_state'], direct.reset(seed=8)[0]['environment_state']
    )
    close_gripper = np.array([0, 0, 0, 2], dtype=np.float32)
    assert env.step(close_gripper)[4]['discrete_penalty'] == pytest.approx(-0.02)
    env.close()
    assert graph.process.returncode == 0
    assert not graph.directory.exists()
    spin(
        ros_node,
        lambda: ('sim', graph.namespace) not in ros_node.get_node_names_and_namespaces(),
        timeout=15,
        what='the launched sim node to leave the graph',
    )
    direct.close()


def test_a_graph_that_fails_to_start_is_a_clear_error(ros_env):
    # A control period shorter than one physics step: only the simulator itself can refuse it.
    with pytest.raises(GraphFailed) as error:
        ros_env(gym.make, ENV_ID, launch=True, control_dt=0.0001)
    message = str(error.value)
    assert 'exited with code' in message and 'control_dt' in message
    assert 'bringup.log' in message
