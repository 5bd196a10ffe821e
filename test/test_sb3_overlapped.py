# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The SB3 route's overlapped learner (franka_hil_training.sb3.overlapped), in the SB3 venv only.

Run there: `source scripts/venv_env.sh .venv-sb3; python -m pytest test/test_sb3_overlapped.py`;
elsewhere (the workspace's venv, CI) each test reports itself skipped with that reason (the
`sb3_venv` fixture, as test_sb3_hil_buffer.py). A counting env stands in for the graph: every
transition's next observation is its observation + 1, so a transition torn by a concurrent add
and sample shows.
"""

import threading
from types import SimpleNamespace

import gymnasium as gym
import numpy as np
import pytest

LOW, HIGH = np.array([-1, -1, -1, 0], np.float32), np.array([1, 1, 1, 2], np.float32)
EPISODE = 20
HUMAN_EVERY = 5  # every 5th step the synthetic human drives
SETTINGS = SimpleNamespace(
    net_width=16,
    batch_size=8,
    gamma=0.97,
    ent_coef='auto_0.01',
    learning_starts=10,
    gradient_steps=1,
    train_freq=1,
    buffer_size=1000,
    seed=0,
)


class Counting(gym.Env):
    """Observation (k, k) at step k of an episode of EPISODE steps; the human every 5th."""

    observation_space = gym.spaces.Box(-np.inf, np.inf, (2,), np.float32)
    action_space = gym.spaces.Box(LOW, HIGH)

    def reset(self, *, seed=None, options=None):
        """Start at 0."""
        super().reset(seed=seed)
        self.k = 0
        return np.zeros(2, np.float32), {}

    def step(self, action):
        """Count; truncate after EPISODE steps."""
        self.k += 1
        info = {
            'is_intervention': self.k % HUMAN_EVERY == 0,
            'action_intervention': np.array([0, 0, 1, 2], np.float32),
        }
        return np.full(2, self.k, np.float32), 0.0, False, self.k >= EPISODE, info


@pytest.fixture
def sb3(sb3_venv):
    """Give the trainer's make_model, SB3's SAC and OverlappedSAC (the SB3 venv only)."""
    from franka_hil_training.sb3 import train
    from franka_hil_training.sb3.buffer import HilReplayBuffer
    from franka_hil_training.sb3.overlapped import OverlappedSAC
    from stable_baselines3 import SAC

    return SimpleNamespace(
        make_model=train.make_model, SAC=SAC, OverlappedSAC=OverlappedSAC, Buffer=HilReplayBuffer
    )


def trained(sb3, algorithm, steps=200, settings=SETTINGS):
    demos = [
        (
            np.full(2, k, np.float32),
            np.full(2, k + 1, np.float32),
            {'action_intervention': np.array([1, 0, 0, 1], np.float32)},
            0.0,
            False,
        )
        for k in range(5)
    ]
    bounds = -np.ones(2, np.float32), np.ones(2, np.float32)  # normalize() is the identity
    model = sb3.make_model(settings, Counting(), demos, bounds, algorithm)
    model.learn(total_timesteps=steps, log_interval=None)
    return model


def assert_consistent(buffer, size):
    assert buffer.size() == size
    observations = buffer.observations[:size, 0]
    np.testing.assert_array_equal(buffer.next_observations[:size, 0], observations + 1)


def test_the_overlapped_learner_does_the_serial_number_of_updates(sb3):
    serial = trained(sb3, sb3.SAC)
    overlapped = trained(sb3, sb3.OverlappedSAC)
    assert serial._n_updates == overlapped._n_updates == 200 - SETTINGS.learning_starts
    assert overlapped.update_seconds > 0.0
    assert not any(t.name == 'sac-update' for t in threading.enumerate())  # joined
    for model in (serial, overlapped):
        buffer = model.replay_buffer
        assert_consistent(buffer, 200)
        assert_consistent(buffer.demos, 5 + 200 // HUMAN_EVERY)
        assert buffer.demo_frames == 5 + 200 // HUMAN_EVERY


def test_train_freq_2_makes_one_update_every_two_env_steps(sb3):
    every_other = SimpleNamespace(**dict(vars(SETTINGS), train_freq=2))
    model = trained(sb3, sb3.OverlappedSAC, settings=every_other)
    assert model._n_updates == (200 - SETTINGS.learning_starts) // 2
    assert_consistent(model.replay_buffer, 200)


def test_after_learning_it_acts_and_saves_as_sb3s_sac(sb3, tmp_path, run_process):
    # run_process: SB3's save runs `uname -p` (platform.processor) for its system info
    model = trained(sb3, sb3.OverlappedSAC, steps=50)
    observation = np.array([3, 3], np.float32)
    action, _ = model.predict(observation, deterministic=True)
    model.save(tmp_path / 'model.zip')
    loaded = sb3.SAC.load(tmp_path / 'model.zip', device='cpu')
    np.testing.assert_allclose(loaded.predict(observation, deterministic=True)[0], action)


def test_an_update_that_fails_raises_in_the_loop(sb3):
    model = sb3.make_model(SETTINGS, Counting(), [], None, sb3.OverlappedSAC)
    model.replay_buffer.sample = lambda *args, **kwargs: 1 / 0
    with pytest.raises(ZeroDivisionError):
        model.learn(total_timesteps=50, log_interval=None)


def test_sampling_while_adding_wraps_around_consistently(sb3):
    buffer = sb3.Buffer(16, Counting.observation_space, Counting.action_space, device='cpu')
    buffer.executed_action = lambda info: False
    torn, done = [], threading.Event()

    def sample():
        while not done.is_set():
            batch = buffer.sample(8)
            torn.extend((batch.next_observations - batch.observations != 1).any(1).tolist())

    for k in range(2):  # a first transition before sampling starts
        step(buffer, k)
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        for k in range(2, 3000):  # wraps around the 16 slots many times
            step(buffer, k)
    finally:
        done.set()
        sampler.join()
    assert torn and not any(torn)


def step(buffer, k):
    obs = np.full((1, 2), k, np.float32)
    buffer.add(obs, obs + 1, np.zeros((1, 4), np.float32), [0.0], [False], [{}])
