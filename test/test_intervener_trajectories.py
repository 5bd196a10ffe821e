# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The corrective synthetic human on trajectories recorded in the direct env.

Scripted policies, good and deliberately bad, run in franka_hil/PandaPickCube-v0 with the
intervener deciding each step who acts (the expert when it drives, as the graph's teleop chain
would execute it): a good policy is left alone, each bad one is corrected for its own reason.
"""

from franka_hil_common import observation as layout
import franka_hil_sim  # noqa: F401  (registers the direct envs)
from franka_hil_teleop.expert import PickCubeExpert
from franka_hil_teleop.intervener import Intervener, IntervenerConfig
import gymnasium as gym
import numpy as np
import pytest

PERIOD_NS = 100_000_000
POLICIES = {
    'expert': lambda step, tcp, cube, gripper, own: own.act(tcp, cube, gripper),
    'moves_away': lambda *_: np.array([-1.0, 0.0, 0.3, 1.0], np.float32),
    'stands_still': lambda *_: np.array([0.0, 0.0, 0.0, 1.0], np.float32),
    'closes_early': lambda *_: np.array([0.0, 0.0, -0.3, 2.0], np.float32),
    'drops_the_cube': lambda step, tcp, cube, gripper, own: (
        own.act(tcp, cube, gripper)
        if cube[2] < 0.06
        else np.array([0.0, 0.0, 0.0, 0.0], np.float32)
    ),
}


def run_episode(env, policy, seed, intervener=None):
    """Return (success, the intervener's reasons to take over, its intervention rate)."""
    observation, _ = env.reset(seed=seed)
    intervener = intervener or Intervener()
    expert, own = PickCubeExpert(), PickCubeExpert()
    reasons, driving = [], False
    for step in range(100):
        tcp = layout.tcp_position(observation['agent_pos'])
        cube = observation['environment_state']
        gripper = layout.gripper_command(observation['agent_pos'])
        verdict = intervener.observe(tcp, cube, gripper, (step + 1) * PERIOD_NS)
        if verdict.drive and not driving:
            expert.reset()
            reasons.append(verdict.reason)
        driving = verdict.drive
        action = (
            expert.act(tcp, cube, gripper)
            if verdict.drive
            else policy(step, tcp, cube, gripper, own)
        )
        observation, _, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            break
    return info['succeed'], reasons, intervener.intervention_rate


@pytest.fixture(scope='module')
def env():
    env = gym.make('franka_hil/PandaPickCube-v0', random_block_position=True)
    yield env
    env.close()


@pytest.mark.parametrize(
    'name, reason',
    [
        ('moves_away', 'moving_away'),
        ('stands_still', 'no_progress'),
        ('closes_early', 'closed_away'),
        ('drops_the_cube', 'dropped'),
    ],
)
def test_each_bad_policy_is_corrected_for_its_own_reason(env, name, reason):
    for seed in (0, 1):
        success, reasons, rate = run_episode(env, POLICIES[name], seed)
        assert reasons[0] == reason and 0.2 < rate < 0.8, (seed, reasons, rate)
        if name != 'moves_away':  # it pulls away after each hand-back; the rest are saved
            assert success, (seed, reasons)


def test_a_good_policy_is_left_alone(env):
    for seed in range(4):
        success, reasons, rate = run_episode(env, POLICIES['expert'], seed)
        assert success and reasons == [] and rate == 0.0


def test_guided_episodes_are_driven_to_success_then_a_good_policy_is_left_alone(env):
    intervener = Intervener(IntervenerConfig(guide_episodes=2))
    runs = []
    for seed, policy in enumerate(('stands_still', 'stands_still', 'expert')):
        if seed:
            intervener.start(0)  # the run's next episode
        runs.append(run_episode(env, POLICIES[policy], seed, intervener))
    for success, reasons, rate in runs[:2]:
        assert success and reasons == ['guide'] and 0.8 < rate < 1.0, runs
    assert runs[2] == (True, [], 0.0), runs
