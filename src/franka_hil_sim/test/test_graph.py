# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The graph description resolves to the nodes each launch argument asks for."""

from pathlib import Path

from franka_hil_sim.bringup.graph import load_description, resolve_nodes
import pytest

CONFIG = Path(__file__).resolve().parents[3] / 'config'


@pytest.fixture(scope='module')
def description():
    return load_description(CONFIG / 'pick_cube.yaml')


def names(nodes):
    return [(n.namespace, n.name) for n in nodes]


def test_defaults_start_sim_teleop_and_synthetic_human(description):
    nodes = resolve_nodes(description, {}, CONFIG)
    assert names(nodes) == [('', 'sim'), ('', 'teleop'), ('', 'synthetic_human')]
    sim = nodes[0]
    assert (sim.package, sim.executable) == ('franka_hil_sim', 'sim_node')
    assert sim.parameters == {'mode': 'lockstep', 'image_obs': False, 'seed': 0,
                              'random_block_position': False, 'reward_type': 'sparse',
                              'gripper_penalty': -0.05, 'frame_prefix': '',
                              'publish_clock': True}


@pytest.mark.parametrize('teleop, expected', [
    ('gamepad', ['sim', 'gamepad', 'teleop']),
    ('keyboard', ['sim', 'keyboard']),
    ('none', ['sim']),
])
def test_teleop_choice_selects_its_nodes(description, teleop, expected):
    assert [n.name for n in resolve_nodes(description, {'teleop': teleop}, CONFIG)] == expected


def test_arguments_are_typed_and_substituted(description):
    nodes = resolve_nodes(description, {'mode': 'realtime', 'image_obs': 'true', 'seed': '5',
                                        'gripper_penalty': '-0.02', 'record': '/tmp/bag',
                                        'rviz': 'true'}, CONFIG)
    by_name = {n.name: n for n in nodes}
    assert by_name['sim'].parameters == {'mode': 'realtime', 'image_obs': True, 'seed': 5,
                                         'random_block_position': False,
                                         'reward_type': 'sparse', 'gripper_penalty': -0.02,
                                         'frame_prefix': '', 'publish_clock': True}
    assert by_name['recorder'].parameters == {'output': '/tmp/bag'}
    assert by_name['rviz'].arguments == ('-d', f'{CONFIG}/pick_cube.rviz')


def test_several_sims_get_namespaces_and_seeds(description):
    nodes = resolve_nodes(description, {'num_sims': '2', 'namespace': 'hil', 'seed': '10',
                                        'teleop': 'none', 'record': 'bag'}, CONFIG)
    assert names(nodes) == [('/hil/sim0', 'sim'), ('/hil/sim1', 'sim'), ('/hil', 'recorder')]
    assert [n.parameters['seed'] for n in nodes[:2]] == [10, 11]
    assert [n.parameters['frame_prefix'] for n in nodes[:2]] == ['sim0/', 'sim1/']
    assert [n.parameters['publish_clock'] for n in nodes[:2]] == [True, False]


@pytest.mark.parametrize('given, message', [
    ({'teleop': 'joystick'}, 'not one of'),
    ({'colour': 'red'}, 'unknown argument'),
    ({'num_sims': '0'}, 'num_sims must be >= 1'),
])
def test_bad_arguments_are_refused_clearly(description, given, message):
    with pytest.raises(ValueError, match=message):
        resolve_nodes(description, given, CONFIG)


def test_only_the_keyboard_reads_the_terminal(description):
    nodes = resolve_nodes(description, {'teleop': 'keyboard'}, CONFIG)
    assert {n.name: n.interactive for n in nodes} == {'sim': False, 'keyboard': True}
