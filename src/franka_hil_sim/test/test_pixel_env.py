# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""franka_hil/PandaPickCubePixelsRandom-v0: pixels and agent_pos, and nothing of the cube."""

import warnings

import franka_hil_sim  # noqa: F401  (registers the ids)
from franka_hil_sim.core import robot
import gymnasium as gym
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env
import numpy as np

PIXELS = 'franka_hil/PandaPickCubePixelsRandom-v0'
IMAGE = spaces.Box(0, 255, (128, 128, 3), dtype=np.uint8)
AGENT = spaces.Box(-np.inf, np.inf, (18,), dtype=np.float32)
# up and to the side, gripper kept: the tool never nears the cube, wherever it lies
AWAY = np.array([0.3, 0.5, 1.0, 1.0], np.float32)


def _run(env, seed, steps=5):
    obs, info = env.reset(seed=seed)
    trace = [(obs, info)]
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(AWAY)
        trace.append((obs, dict(info, reward=reward, terminated=terminated)))
    return trace


def _same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return np.array_equal(np.asarray(a), np.asarray(b))


def test_spaces_keys_dtypes_and_check_env():
    env = gym.make(PIXELS)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the contract's inf bounds and [0, 2] gripper range
        check_env(env.unwrapped, skip_render_check=False)
    assert env.observation_space == spaces.Dict(
        {'agent_pos': AGENT, 'pixels': spaces.Dict({'front': IMAGE, 'wrist': IMAGE})}
    )
    obs, info = env.reset(seed=3)
    assert set(obs) == {'agent_pos', 'pixels'} and set(obs['pixels']) == {'front', 'wrist'}
    assert obs['agent_pos'].dtype == np.float32 and obs['agent_pos'].shape == (18,)
    for image in obs['pixels'].values():
        assert image.dtype == np.uint8 and image.shape == (128, 128, 3)
    assert env.observation_space.contains(obs)
    env.close()


def test_image_obs_false_still_gives_pixels_and_the_cube_is_random():
    env = gym.make(PIXELS, image_obs=False)
    cubes = []
    for seed in (0, 1):
        obs, _ = env.reset(seed=seed)
        assert set(obs) == {'agent_pos', 'pixels'}
        cubes.append(env.unwrapped.sim.block_pos.copy())
    assert np.linalg.norm(cubes[0][:2] - cubes[1][:2]) > 0.01
    env.close()


def test_nothing_but_the_pixels_tells_where_the_cube_is():
    """
    Two cubes in different places: only the pixels tell them apart.

    With the cube hidden from the cameras, every observation and info is identical bit for bit;
    with it visible, only the pixels differ.
    """
    envs = [gym.make(PIXELS) for _ in range(2)]
    visible = [_run(env, seed) for env, seed in zip(envs, (0, 1))]
    cubes = [env.unwrapped.sim.block_pos.copy() for env in envs]
    assert np.linalg.norm(cubes[0][:2] - cubes[1][:2]) > 0.02  # really two places
    for (obs_a, info_a), (obs_b, info_b) in zip(*visible):
        assert _same(obs_a['agent_pos'], obs_b['agent_pos']) and _same(info_a, info_b)
    assert not _same(visible[0][0][0]['pixels'], visible[1][0][0]['pixels'])
    hidden = []
    for env, seed in zip(envs, (0, 1)):
        with robot.cube_hidden(env.unwrapped.sim.model):
            hidden.append(_run(env, seed))
    for (obs_a, info_a), (obs_b, info_b) in zip(*hidden):
        assert _same(obs_a, obs_b) and _same(info_a, info_b)
    for env in envs:
        env.close()
