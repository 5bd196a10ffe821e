# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
HIL-SERL's buffer for SB3's SAC (franka_hil_training.sb3.buffer), in the SB3 venv only.

Run there: `.venv-sb3/bin/python -m pytest test/test_sb3_hil_buffer.py` (scripts/sb3_venv.sh
makes it, with the training package installed); elsewhere (the workspace's venv, CI) each test
reports itself skipped, with that reason (the plugin's `sb3_venv` fixture, which marks them
`outside_venv`). The SB3 route's parts that need no SB3 or torch are tested in the workspace's
venv by test_training_package.py.
"""

from gymnasium import spaces
import numpy as np
import pytest

LOW, HIGH = np.array([-1, -1, -1, 0], np.float32), np.array([1, 1, 1, 2], np.float32)


@pytest.fixture
def buffer_class(sb3_venv):
    """Give HilReplayBuffer (it imports SB3: only in the SB3 venv, where sb3_venv lets it run)."""
    from franka_hil_training.sb3.buffer import HilReplayBuffer

    return HilReplayBuffer


def make_buffer(buffer_class):
    buffer = buffer_class(
        100,
        spaces.Box(-5, 5, (3,), np.float32),
        spaces.Box(LOW, HIGH),
        device='cpu',
        demo_size=100,
    )
    buffer.executed_action = lambda info: info['is_intervention']
    buffer.scale_action = lambda action: 2.0 * (action - LOW) / (HIGH - LOW) - 1.0
    return buffer


def step(buffer, k, human, reward=0.0):
    obs = np.full((1, 3), k, np.float32)
    info = {'is_intervention': human, 'action_intervention': np.array([0, 0, 1, 2], np.float32)}
    buffer.add(
        obs,
        obs + 1,
        np.array([[0.5, 0.5, 0.5, 0.5]], np.float32),
        np.array([reward]),
        np.array([False]),
        [info],
    )


def test_a_human_step_keeps_the_executed_action_in_both_buffers(buffer_class):
    buffer = make_buffer(buffer_class)
    step(buffer, 0, human=False)
    step(buffer, 1, human=True)
    assert buffer.size() == 2 and buffer.demos.size() == 1 and buffer.demo_frames == 1
    np.testing.assert_allclose(buffer.actions[0, 0], [0.5, 0.5, 0.5, 0.5])  # the policy's
    np.testing.assert_allclose(buffer.actions[1, 0], [0, 0, 1, 1])  # executed, scaled
    np.testing.assert_allclose(buffer.demos.actions[0, 0], [0, 0, 1, 1])
    np.testing.assert_allclose(buffer.demos.observations[0, 0], [1, 1, 1])


def test_batches_are_half_demonstrations_once_there_are_any(buffer_class):
    buffer = make_buffer(buffer_class)
    for k in range(10):
        step(buffer, k, human=False)
    assert buffer.sample(8).rewards.sum() == 0.0  # no demonstrations yet: all online
    for k in range(5):
        buffer.add_demo(
            np.full(3, k, np.float32),
            np.full(3, k + 1, np.float32),
            {'action_intervention': np.array([1, 0, 0, 1], np.float32)},
            1.0,
            k == 4,
        )
    assert buffer.size() == 10 and buffer.demos.size() == 5
    for _ in range(5):
        batch = buffer.sample(8)
        assert batch.observations.shape == (8, 3) and batch.rewards.sum() == 4.0
        np.testing.assert_allclose(batch.actions[4:].numpy(), [[1, 0, 0, 0]] * 4)


def test_more_than_one_env_is_refused(buffer_class):
    with pytest.raises(ValueError, match='takes one env'):
        buffer_class(10, spaces.Box(-1, 1, (3,)), spaces.Box(LOW, HIGH), n_envs=2)
