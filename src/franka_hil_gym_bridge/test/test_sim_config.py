# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Env kwargs <-> sim node parameters, read back through the sim node's own validation."""

from franka_hil_gym_bridge import sim_config
from franka_hil_sim.sim_parameters import settings_from
import pytest

KWARGS = {'image_obs': True, 'reward_type': 'dense', 'random_block_position': True, 'seed': 7,
          'action_space': 'ee', 'use_gripper': True, 'gripper_penalty': -0.02,
          'max_episode_steps': 50, 'control_dt': 0.05}


def test_node_parameters_run_the_same_session():
    config = sim_config.session_config(**KWARGS)
    parameters = sim_config.node_parameters(config)
    assert settings_from(parameters).session == config  # the penalty included
    assert parameters['mode'] == 'lockstep'
    assert sim_config.mismatches(config, parameters)[1] == []


def test_every_difference_is_named():
    config = sim_config.session_config(**KWARGS)
    running = dict(sim_config.node_parameters(config), image_obs=False, gripper_penalty=-0.05,
                   control_rate=10.0, mode='realtime', seed=3)
    _, problems = sim_config.mismatches(config, running)
    assert problems == ['mode=realtime (the env needs mode=lockstep)',
                        'image_obs=False (the env wants True)',
                        'control_rate=10 (the env wants 20)']


def test_invalid_node_parameters_are_one_problem():
    config = sim_config.session_config(**KWARGS)
    settings, problems = sim_config.mismatches(config, {'reward_type': 'shaped'})
    assert settings is None and len(problems) == 1 and 'reward_type' in problems[0]


def test_start_hint_sets_only_what_differs_from_the_node_defaults():
    config = sim_config.session_config(**dict(KWARGS, seed=0))
    hint = sim_config.start_hint(config, '/robot1')
    assert hint == ('sim_node --ros-args -r __ns:=/robot1 -p image_obs:=true '
                    '-p reward_type:=dense -p random_block_position:=true '
                    '-p max_episode_steps:=50 -p control_rate:=20')
    assert sim_config.start_hint(sim_config.session_config(), '') == 'sim_node --ros-args'


def test_bad_kwargs_are_reported_together():
    with pytest.raises(ValueError) as error:
        sim_config.session_config(reward_type='shaped', action_space='joint', image_obs=1)
    for name in ('reward_type', 'action_space', 'image_obs'):
        assert name in str(error.value)
