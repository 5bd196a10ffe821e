# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The bridge env with the simulator in-process and no ROS: contract, determinism, errors."""

import warnings

import franka_hil_gym_bridge  # noqa: F401  (registers the ids)
from franka_hil_gym_bridge.env import FrankaHilRosEnv
import franka_hil_sim  # noqa: F401
import gymnasium as gym
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env
import numpy as np
import pytest

AGENT = spaces.Box(-np.inf, np.inf, (18,), dtype=np.float32)
IMAGE = spaces.Box(0, 255, (128, 128, 3), dtype=np.uint8)
EE_ACTIONS = spaces.Box(
    np.array([-1, -1, -1, 0], dtype=np.float32),
    np.array([1, 1, 1, 2], dtype=np.float32),
    dtype=np.float32,
)
INFO_KEYS = {
    'succeed',
    'discrete_penalty',
    'is_intervention',
    'teleop_action',
    'action_intervention',
    'rerecord_episode',
}


def embedded(env_id='franka_hil_ros/PandaPickCube-v0', **kwargs):
    return gym.make(env_id, backend='embedded', **kwargs)


@pytest.mark.parametrize('image_obs', [False, True])
def test_check_env_and_contract_spaces(image_obs):
    env = embedded(image_obs=image_obs, render_mode='rgb_array')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the contract's inf bounds and [0, 2] gripper range
        check_env(env.unwrapped, skip_render_check=False)
    if image_obs:
        assert env.observation_space == spaces.Dict(
            {'agent_pos': AGENT, 'pixels': spaces.Dict({'front': IMAGE, 'wrist': IMAGE})}
        )
    else:
        assert env.observation_space == spaces.Dict(
            {
                'agent_pos': AGENT,
                'environment_state': spaces.Box(-np.inf, np.inf, (3,), dtype=np.float32),
            }
        )
    assert env.action_space == EE_ACTIONS
    env.reset(seed=0)
    assert env.render().shape == (128, 256, 3)
    env.close()


def test_variants_spaces():
    base = embedded('franka_hil_ros/PandaPickCubeBase-v0')
    assert base.action_space == spaces.Box(-1.0, 1.0, (7,), dtype=np.float32)
    no_gripper = embedded(use_gripper=False)
    assert no_gripper.action_space == spaces.Box(-1.0, 1.0, (3,), dtype=np.float32)
    for env in (base, no_gripper):
        env.close()


@pytest.mark.parametrize('image_obs', [False, True])
def test_same_seed_and_actions_as_the_direct_env(image_obs):
    env = embedded(image_obs=image_obs, random_block_position=True)
    direct = gym.make(
        'franka_hil/PandaPickCube-v0', image_obs=image_obs, random_block_position=True
    )
    rng = np.random.default_rng(4)
    for seed in (11, 12):
        obs, _ = env.reset(seed=seed)
        expected, _ = direct.reset(seed=seed)
        for _ in range(15):
            _assert_equal(obs, expected)
            action = rng.uniform([-1, -1, -1, 0], [1, 1, 1, 2]).astype(np.float32)
            obs, reward, terminated, truncated, info = env.step(action)
            expected, reward_d, terminated_d, truncated_d, info_d = direct.step(action)
            assert (reward, terminated, truncated) == (reward_d, terminated_d, truncated_d)
            assert INFO_KEYS <= set(info)
            assert info['discrete_penalty'] == info_d['discrete_penalty']
            assert not info['is_intervention']
            np.testing.assert_array_equal(info['teleop_action'], action)
            np.testing.assert_array_equal(info['action_intervention'], action)
    env.close()
    direct.close()


def test_first_reset_uses_the_seed_kwarg():
    env = embedded(random_block_position=True, seed=5)
    first, _ = env.reset()
    again, _ = env.reset(seed=5)
    _assert_equal(first, again)
    env.close()


def test_truncation_is_reported_once_at_the_limit():
    env = embedded()
    env.reset(seed=0)
    hold = np.array([0, 0, 0, 1], dtype=np.float32)
    ends = []
    for step in range(1, 101):
        _, _, terminated, truncated, info = env.step(hold)
        if terminated or truncated:
            ends.append((step, terminated, truncated, info['next.success']))
    assert ends == [(100, False, True, False)]
    env.close()


def test_bad_input_is_a_clear_error():
    env = embedded()
    env.reset(seed=0)
    with pytest.raises(ValueError, match='shape must be'):
        env.step(np.zeros(7, dtype=np.float32))
    with pytest.raises(ValueError, match='non-finite'):
        env.step(np.array([np.nan, 0, 0, 1], dtype=np.float32))
    env.close()
    with pytest.raises(RuntimeError, match='closed'):
        env.unwrapped.step(np.zeros(4, dtype=np.float32))
    with pytest.raises(ValueError, match='reward_type'):
        embedded(reward_type='shaped')
    with pytest.raises(ValueError, match='backend'):
        FrankaHilRosEnv(backend='cloud')
    with pytest.raises(ValueError, match='launch=True'):
        FrankaHilRosEnv(backend='embedded', launch=True)
    with pytest.warns(UserWarning, match='ignores unknown arguments'):
        embedded(viewer_size=3).close()


def test_stepping_an_ended_episode_is_refused():
    env = FrankaHilRosEnv(backend='embedded', max_episode_steps=1)
    env.reset(seed=0)
    env.step(np.array([0, 0, 0, 1], dtype=np.float32))
    with pytest.raises(RuntimeError, match='call reset'):
        env.step(np.array([0, 0, 0, 1], dtype=np.float32))
    env.close()


def _assert_equal(obs, expected):
    assert obs.keys() == expected.keys()
    for key, value in obs.items():
        if isinstance(value, dict):
            _assert_equal(value, expected[key])
        else:
            np.testing.assert_array_equal(value, expected[key], err_msg=key)
