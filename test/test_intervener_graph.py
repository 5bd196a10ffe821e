# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The corrective synthetic human through the real graph: joy -> teleop_node -> sim_node.

A training loop (the gym bridge) steps a realtime simulator at 10 Hz with a scripted policy, as
LeRobot's actor does, while the synthetic human watches the published observations and takes
over on the pad only when the policy goes off track: a deliberately bad policy is corrected, a
good one is left alone.
"""

import os
import sys

from franka_hil_common import observation as layout
import franka_hil_gym_bridge  # noqa: F401  (registers the ids)
from franka_hil_sim.bringup.supervisor import parameter_text
from franka_hil_teleop.expert import PickCubeExpert
import gymnasium as gym
import numpy as np
import pytest

STILL = np.array([0.0, 0.0, 0.0, 1.0], np.float32)


def start(start_process, module, ns, **parameters):
    args = [sys.executable, '-m', module, '--ros-args', '-r', f'__ns:={ns}']
    for name, value in parameters.items():
        args += ['-p', f'{name}:={parameter_text(value)}']
    return start_process(args, name=module.rpartition('.')[2])


def run_episode(env, policy, seed):
    """Return (success, [(is_intervention, executed action, policy action)] per step)."""
    observation, _ = env.reset(seed=seed)
    own, steps = PickCubeExpert(), []
    while True:
        action = policy(observation, own)
        observation, _, terminated, truncated, info = env.step(action)
        steps.append((info['is_intervention'], info['teleop_action'], action))
        if terminated or truncated:
            return info['succeed'], steps


def expert_policy(observation, own):
    return own.act(
        layout.tcp_position(observation['agent_pos']),
        observation['environment_state'],
        layout.gripper_command(observation['agent_pos']),
    )


@pytest.mark.slow
def test_a_bad_policy_is_corrected_and_a_good_one_left_alone(start_process):
    ns = f'/intervener_{os.getpid()}'
    sim = start(start_process, 'franka_hil_sim.node.sim_node', ns, mode='realtime')
    sim.wait_for_output('ready:', timeout=60)
    start(start_process, 'franka_hil_teleop.teleop_node', ns)
    human = start(start_process, 'franka_hil_teleop.synthetic_human_node', ns, mode='corrective')
    human.wait_for_output('episode 1: expert reset', timeout=60)  # it sees the ticks
    env = gym.make('franka_hil_ros/PandaPickCube-v0', namespace=ns, mode='realtime')

    success, steps = run_episode(env, lambda observation, own: STILL, seed=1)
    corrected = [(executed, policy) for human_acts, executed, policy in steps if human_acts]
    assert success and len(corrected) >= 10, (success, len(corrected), len(steps))
    # What ran was the human's (the expert's moves; it holds still only to let the fingers close).
    moved = [executed for executed, policy in corrected if not np.array_equal(executed, policy)]
    assert len(moved) >= len(corrected) // 2
    # The human watched first: the policy had the robot until it made no progress for 1.5 s.
    early = [i for i, (human_acts, _, _) in enumerate(steps[:10]) if human_acts]
    assert not early, f'the human drove step(s) {early} of the bad episode'

    success, steps = run_episode(env, expert_policy, seed=2)
    driven = [i for i, (human_acts, _, _) in enumerate(steps) if human_acts]
    assert success and not driven, (success, driven)
    env.close()
    human.wait_for_output('the human drove', timeout=30)
