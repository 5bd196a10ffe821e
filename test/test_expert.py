# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The scripted expert picks the cube through the 4-D action space, as the synthetic human does."""

import franka_hil_sim  # noqa: F401  (registers the ids)
from franka_hil_teleop.expert import PickCubeExpert
import gymnasium as gym
import numpy as np


def _episode(env, expert, seed):
    obs, _ = env.reset(seed=seed)
    expert.reset()
    while True:
        state = obs['agent_pos']
        action = expert.act(state[15:18], obs['environment_state'], state[14] / 255.0)
        assert action.dtype == np.float32 and action.shape == (4,)
        assert env.action_space.contains(action)
        obs, reward, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            return info['succeed'], reward


def test_expert_succeeds_in_95_of_100_seeded_episodes():
    env = gym.make('franka_hil/PandaPickCube-v0', random_block_position=True)
    expert = PickCubeExpert()
    outcomes = [_episode(env, expert, seed) for seed in range(100)]
    successes = sum(success for success, _ in outcomes)
    assert successes >= 95, f'{successes}/100'
    assert all(reward == 1.0 for success, reward in outcomes if success)
    env.close()


def test_expert_is_deterministic():
    env = gym.make('franka_hil/PandaPickCube-v0', random_block_position=True)
    expert = PickCubeExpert()
    runs = []
    for _ in range(2):
        obs, _ = env.reset(seed=42)
        expert.reset()
        trace = []
        for _ in range(30):
            action = expert.act(
                obs['agent_pos'][15:18], obs['environment_state'], obs['agent_pos'][14] / 255.0
            )
            obs, *_ = env.step(action)
            trace.append(action)
        runs.append(np.array(trace))
    np.testing.assert_array_equal(runs[0], runs[1])
    env.close()


def test_fingers_closed_by_someone_else_are_opened_and_the_pick_goes_on():
    # The policy may close the gripper before the human (the expert) takes over.
    env = gym.make('franka_hil/PandaPickCube-v0')
    expert = PickCubeExpert()
    obs, _ = env.reset(seed=0)
    for _ in range(5):
        obs, *_ = env.step(np.array([0.0, 0.0, 0.0, 2.0], np.float32))  # close
    assert obs['agent_pos'][14] / 255.0 > 0.5
    actions = []
    for _ in range(100):
        state = obs['agent_pos']
        action = expert.act(state[15:18], obs['environment_state'], state[14] / 255.0)
        actions.append(action)
        obs, reward, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            break
    assert any(a[3] == 0.0 for a in actions[:5])  # it opened them first
    assert info['succeed'] and reward == 1.0
    env.close()
