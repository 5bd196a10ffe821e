# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The graph-backed env as the SB3 route's SAC sees it; demonstrations; the policy alone.

franka_hil_ros/PandaPickCubeStateRandom-v0 (lockstep, it launches its graph), paced to at most
`fps` steps a second, flattened and normalised to [-1, 1] by the demonstrations' range. With an
encoder (--pixels): franka_hil_ros/PandaPickCubePixelsRandom-v0, whose observation is the two
cameras and agent_pos; the frozen encoder turns the images into its estimate of the cube
position, so the policy sees agent_pos + what the pixels say, laid out as the state route's
observation. Imports no Stable-Baselines3 (the workspace's venv can test it).
"""

import os
import time

from franka_hil_gym_bridge import env_vars
from franka_hil_training.run import FIRST_START_STATE_SEED
import gymnasium as gym
import numpy as np

TASK = 'franka_hil_ros/PandaPickCubeStateRandom-v0'
PIXEL_TASK = 'franka_hil_ros/PandaPickCubePixelsRandom-v0'
GRIPPER_PENALTY = -0.02
FIRST_EVAL_SEED = 10000


def normalize(obs, bounds):
    """
    Map observations to [-1, 1] by per-feature (low, high) bounds.

    As LeRobot's MIN_MAX normalisation from the demonstrations' statistics: agent_pos mixes
    radians, metres and a 0..255 gripper scale.
    """
    low, high = bounds
    return (2.0 * (np.asarray(obs, np.float32) - low) / (high - low) - 1.0).astype(np.float32)


def observation_bounds(observations):
    """Return per-feature (low, high) of observations; a constant feature gets a unit range."""
    low, high = np.min(observations, axis=0), np.max(observations, axis=0)
    flat = high - low < 1e-6
    return low - 0.5 * flat, high + 0.5 * flat


class Paced(gym.Wrapper):
    """At most `fps` steps a second of wall time (0: unpaced)."""

    def __init__(self, env, fps):
        super().__init__(env)
        self.period = 1.0 / fps if fps else 0.0
        self.last_step = 0.0

    def step(self, action):
        wait = self.last_step + self.period - time.monotonic()
        if wait > 0.0:
            time.sleep(wait)
        self.last_step = time.monotonic()
        return self.env.step(action)


class Normalized(gym.ObservationWrapper):
    """Observations mapped to [-1, 1] by `bounds` (normalize)."""

    def __init__(self, env, bounds):
        super().__init__(env)
        self.bounds = bounds
        size = env.observation_space.shape
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, size, np.float32)

    def observation(self, observation):
        return normalize(observation, self.bounds)


class EncodedPixels(gym.ObservationWrapper):
    """
    {agent_pos, pixels} -> agent_pos + encoder(pixels), flat float32.

    `encoder` maps (pixels dict, agent_pos) to a float32 vector of `encoder.size` (the
    pretrained encoder's cube position estimate); it refuses, in one line, pixels it was not
    made for.
    """

    def __init__(self, env, encoder):
        super().__init__(env)
        self.encoder = encoder
        size = env.observation_space['agent_pos'].shape[0] + encoder.size
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (size,), np.float32)

    def observation(self, observation):
        features = self.encoder(observation['pixels'], observation['agent_pos'])
        return np.concatenate((observation['agent_pos'], features)).astype(np.float32)


def make_env(
    namespace, teleop, fps=0, human=None, parameters=None, seed=0, bounds=None, encoder=None
):
    """
    Return the graph-backed env (it launches its graph), paced, flat, normalised by bounds.

    With `encoder`: the pixel task, its images through the encoder (EncodedPixels).
    """
    os.environ.pop(env_vars.PARAMETERS, None)
    os.environ.pop(env_vars.HUMAN, None)
    if human:
        os.environ[env_vars.HUMAN] = human
    if parameters:
        os.environ[env_vars.PARAMETERS] = str(parameters)
    env = Paced(
        gym.make(
            TASK if encoder is None else PIXEL_TASK,
            launch=True,
            namespace=namespace,
            teleop=teleop,
            seed=seed,
            gripper_penalty=GRIPPER_PENALTY,
        ),
        fps,
    )
    env = gym.wrappers.FlattenObservation(env) if encoder is None else EncodedPixels(env, encoder)
    return env if bounds is None else Normalized(env, bounds)


def human_step(info):
    """Return True when the human drove this step (the graph executed their action)."""
    return bool(info.get('is_intervention', False))


def record_demos(episodes, first_seed, fps, start_states=0, encoder=None):
    """
    Run episodes the always-on synthetic human drives; return their steps and successes.

    Steps are (obs, next_obs, info, reward, terminated), observations not normalised. Also
    return the first observations of `start_states` more resets (no steps taken).
    """
    env = make_env('/sb3_demos', 'script', fps, human='always', encoder=encoder)
    steps, successes = [], 0
    try:
        starts = [env.reset(seed=FIRST_START_STATE_SEED + k)[0] for k in range(start_states)]
        for k in range(episodes):
            obs, _ = env.reset(seed=first_seed + k)
            while True:
                # the policy's action is overridden: the buffer keeps the executed one
                next_obs, reward, terminated, truncated, info = env.step(
                    np.zeros(env.action_space.shape, np.float32)
                )
                steps.append((obs, next_obs, info, reward, terminated))
                obs = next_obs
                if terminated or truncated:
                    successes += bool(info.get('succeed', False))
                    break
    finally:
        env.close()
    return steps, successes, starts


def evaluate(model, env, seeds, deterministic):
    """Run the policy (`model.predict`) alone on held-out seeds; return success and length."""
    successes, lengths = [], []
    for k in range(seeds):
        obs, _ = env.reset(seed=FIRST_EVAL_SEED + k)
        steps, success = 0, False
        while True:
            action, _ = model.predict(obs, deterministic=deterministic)
            obs, reward, terminated, truncated, info = env.step(action)
            steps += 1
            success = success or bool(info.get('succeed', False))
            if terminated or truncated:
                break
        successes.append(success)
        lengths.append(steps)
    return {
        'success_rate': float(np.mean(successes)),
        'mean_episode_length': float(np.mean(lengths)),
        'episodes': seeds,
        'seeds': [FIRST_EVAL_SEED, FIRST_EVAL_SEED + seeds - 1],
        'successes': successes,
    }
