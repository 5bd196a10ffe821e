# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Env kwargs <-> sim node parameters, read back through the sim node's own validation."""

from franka_hil_gym_bridge import sim_config
from franka_hil_sim.node.parameters import settings_from
import pytest

KWARGS = {
    'image_obs': True,
    'reward_type': 'dense',
    'random_block_position': True,
    'seed': 7,
    'action_space': 'ee',
    'use_gripper': True,
    'gripper_penalty': -0.02,
    'max_episode_steps': 50,
    'control_dt': 0.05,
}


def test_node_parameters_run_the_same_session():
    config = sim_config.session_config(**KWARGS)
    parameters = sim_config.node_parameters(config)
    assert settings_from(parameters).session == config  # the penalty included
    assert parameters['mode'] == 'lockstep'
    assert sim_config.mismatches(config, parameters)[2] == []


def test_every_difference_is_named():
    config = sim_config.session_config(**KWARGS)
    running = dict(
        sim_config.node_parameters(config),
        image_obs=False,
        gripper_penalty=-0.05,
        control_rate=10.0,
        mode='realtime',
        seed=3,
    )
    _, _, problems = sim_config.mismatches(config, running, mode='lockstep')
    assert problems == [
        'mode=realtime (the env wants mode=lockstep)',
        'image_obs=False (the env wants True)',
        'control_rate=10 (the env wants 20)',
        'gripper_penalty=-0.05 (the env wants -0.02)',
    ]


def test_either_mode_unless_the_env_names_one():
    config = sim_config.session_config(**KWARGS)
    for mode in ('lockstep', 'realtime'):
        running = sim_config.node_parameters(config, mode)
        assert running['mode'] == mode
        found, _, problems = sim_config.mismatches(config, running)
        assert found == mode and problems == []
        assert sim_config.mismatches(config, running, mode)[2] == []
    assert sim_config.node_parameters(config)['mode'] == sim_config.DEFAULT_MODE == 'lockstep'
    hint = sim_config.start_hint(sim_config.session_config(), '', 'realtime')
    assert hint == 'sim_node --ros-args -p mode:=realtime'
    assert sim_config.check_mode(None) is None
    with pytest.raises(ValueError, match="mode must be one of \\['lockstep', 'realtime'\\]"):
        sim_config.check_mode('fast')


def test_realtime_image_observations_need_both_cameras_reliably_at_the_observation_size():
    config = sim_config.session_config(**KWARGS)  # image_obs=True
    running = dict(
        sim_config.node_parameters(config, 'realtime'),
        cameras=['front'],
        image_width=64,
        image_reliability='best_effort',
    )
    _, _, problems = sim_config.mismatches(config, running)
    assert problems == [
        "cameras=['front'] (realtime image_obs needs ['front', 'wrist'])",
        'image_width x image_height=64x128 (realtime image_obs needs 128x128)',
        'image_reliability=best_effort (realtime image_obs needs reliable)',
    ]
    # A state env does not need them, nor does a lockstep one (its Step response has images).
    state = sim_config.session_config(**dict(KWARGS, image_obs=False))
    assert sim_config.mismatches(state, dict(running, image_obs=False))[2] == []
    assert sim_config.mismatches(config, dict(running, mode='lockstep'))[2] == []


def test_a_node_without_a_known_mode_is_one_problem():
    config = sim_config.session_config(**KWARGS)
    mode, _, problems = sim_config.mismatches(config, {'reward_type': 'shaped'})
    assert mode is None and problems == [
        "its mode parameter is None, not one of ['lockstep', 'realtime']"
    ]


def test_start_hint_sets_only_what_differs_from_the_node_defaults():
    config = sim_config.session_config(**dict(KWARGS, seed=0))
    hint = sim_config.start_hint(config, '/robot1')
    assert hint == (
        'sim_node --ros-args -r __ns:=/robot1 -p image_obs:=true '
        '-p reward_type:=dense -p random_block_position:=true '
        '-p gripper_penalty:=-0.02 -p max_episode_steps:=50 -p control_rate:=20'
    )
    assert sim_config.start_hint(sim_config.session_config(), '') == 'sim_node --ros-args'


def test_bringup_hint_names_its_arguments_or_none_when_it_has_none():
    config = sim_config.session_config(image_obs=True, gripper_penalty=-0.02)
    assert (
        sim_config.bringup_hint(config, '/lerobot', 'lockstep')
        == 'franka-hil-bringup image_obs:=true gripper_penalty:=-0.02 mode:=lockstep '
        'namespace:=/lerobot'
    )
    assert sim_config.bringup_hint(sim_config.session_config(), '') == 'franka-hil-bringup'
    assert sim_config.bringup_hint(sim_config.session_config(max_episode_steps=50), '') is None


def test_bad_kwargs_are_reported_together():
    with pytest.raises(ValueError) as error:
        sim_config.session_config(reward_type='shaped', action_space='joint', image_obs=1)
    for name in ('reward_type', 'action_space', 'image_obs'):
        assert name in str(error.value)
