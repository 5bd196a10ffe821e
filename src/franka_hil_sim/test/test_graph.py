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
    assert sim.parameters == {
        'mode': 'lockstep',
        'image_obs': False,
        'seed': 0,
        'random_block_position': False,
        'reward_type': 'sparse',
        'gripper_penalty': -0.05,
        'frame_prefix': '',
        'publish_clock': True,
        'viewer': 'none',
        'max_episode_steps': 100,
        'wait_for_person': False,
        'recorder': '',
    }


@pytest.mark.parametrize(
    'teleop, expected',
    [
        ('gamepad', ['sim', 'gamepad', 'teleop']),
        ('keyboard', ['sim', 'keyboard']),
        ('browser', ['sim', 'teleop', 'drive']),
        ('none', ['sim']),
    ],
)
def test_teleop_choice_selects_its_nodes(description, teleop, expected):
    assert [n.name for n in resolve_nodes(description, {'teleop': teleop}, CONFIG)] == expected


@pytest.mark.parametrize(
    'viewer, nodes, window',
    [
        ('none', ['sim', 'teleop', 'synthetic_human'], 'none'),
        ('web', ['sim', 'teleop', 'synthetic_human', 'drive'], 'web'),
        ('rerun', ['sim', 'teleop', 'synthetic_human', 'viewer'], 'rerun'),
        ('window', ['sim', 'teleop', 'synthetic_human'], 'window'),
    ],
)
def test_viewer_choice(description, viewer, nodes, window):
    resolved = resolve_nodes(
        description,
        {
            'viewer': viewer,
            'viewer_port': '9191',
            'viewer_data_port': '9292',
            'drive_port': '9393',
        },
        CONFIG,
    )
    assert [n.name for n in resolved] == nodes
    assert resolved[0].parameters['viewer'] == window  # the sim opens a window for `window`
    if viewer == 'web':  # the driving page, watching only (the synthetic human drives)
        assert (resolved[-1].package, resolved[-1].executable) == (
            'franka_hil_drive',
            'drive_node',
        )
        assert resolved[-1].parameters == {'port': 9393, 'episode_s': 10, 'drive': False}
    if viewer == 'rerun':
        assert (resolved[-1].package, resolved[-1].executable) == (
            'franka_hil_viewer',
            'viewer_node',
        )
        assert resolved[-1].parameters == {'web_port': 9191, 'grpc_port': 9292, 'frame_prefix': ''}


def test_teleop_browser_drives_from_the_page(description):
    nodes = resolve_nodes(description, {'teleop': 'browser', 'episode_s': '30'}, CONFIG)
    by_name = {n.name: n for n in nodes}
    assert by_name['teleop'].parameters['source'] == 'browser'
    assert by_name['drive'].parameters == {'port': 8080, 'episode_s': 30}


def test_arguments_are_typed_and_substituted(description):
    nodes = resolve_nodes(
        description,
        {
            'mode': 'realtime',
            'image_obs': 'true',
            'seed': '5',
            'gripper_penalty': '-0.02',
            'record': '/tmp/bag',
            'rviz': 'true',
        },
        CONFIG,
    )
    by_name = {n.name: n for n in nodes}
    assert by_name['sim'].parameters == {
        'mode': 'realtime',
        'image_obs': True,
        'seed': 5,
        'random_block_position': False,
        'reward_type': 'sparse',
        'gripper_penalty': -0.02,
        'frame_prefix': '',
        'publish_clock': True,
        'viewer': 'none',
        'max_episode_steps': 100,
        'wait_for_person': False,
        'recorder': '/recorder',
    }
    assert by_name['recorder'].parameters == {'output': '/tmp/bag'}
    assert by_name['rviz'].arguments == ('-d', f'{CONFIG}/pick_cube.rviz')


def test_several_sims_get_namespaces_and_seeds(description):
    nodes = resolve_nodes(
        description,
        {
            'num_sims': '2',
            'namespace': 'hil',
            'seed': '10',
            'teleop': 'none',
            'record': 'bag',
            'viewer': 'rerun',
        },
        CONFIG,
    )
    # one web view (one pair of ports), on the first simulator and its prefixed frames
    assert names(nodes) == [
        ('/hil/sim0', 'sim'),
        ('/hil/sim1', 'sim'),
        ('/hil', 'recorder'),
        ('/hil/sim0', 'viewer'),
    ]
    assert nodes[-1].parameters['frame_prefix'] == 'sim0/'
    assert [n.parameters['seed'] for n in nodes[:2]] == [10, 11]
    assert [n.parameters['frame_prefix'] for n in nodes[:2]] == ['sim0/', 'sim1/']
    assert [n.parameters['publish_clock'] for n in nodes[:2]] == [True, False]


@pytest.mark.parametrize(
    'given, message',
    [
        (
            {'teleop': 'joystick'},
            r"argument teleop:='joystick' is not valid: it must be one of \[",
        ),
        ({'colour': 'red'}, 'unknown argument'),
        (
            {'num_sims': '0'},
            r"argument num_sims:='0' is not valid: it must be an integer in \[1, 64",
        ),
        ({'num_sims': '1000000'}, r'num_sims:=.*\[1, 64\]'),
        ({'num_sims': 'abc'}, r"num_sims:='abc' .*an integer in \[1, 64\]"),
        ({'seed': 'abc'}, r"seed:='abc' .*an integer in \[0, 9223372036854775743\]"),
        ({'seed': '-1'}, r"seed:='-1' .*an integer"),
        (
            {'namespace': 'bad name!'},
            "namespace:='bad name!' is not valid: it must be a ROS namespace",
        ),
        ({'namespace': '/a//b'}, 'namespace'),
        ({'namespace': '1abc'}, 'namespace'),
        ({'keyboard_backend': 'sdl'}, "keyboard_backend:='sdl' is not valid"),
        ({'episode_s': '0'}, r"episode_s:='0' is not valid: it must be an integer in \[1, 3600\]"),
        ({'episode_s': '3601'}, r'episode_s:=.*\[1, 3600\]'),
        ({'wait_for_person': 'yes'}, "wait_for_person:='yes' is not valid"),
    ],
)
def test_bad_arguments_are_refused_clearly(description, given, message):
    with pytest.raises(ValueError, match=message):
        resolve_nodes(description, given, CONFIG)


def test_only_the_keyboard_reads_the_terminal(description):
    nodes = resolve_nodes(description, {'teleop': 'keyboard'}, CONFIG)
    assert {n.name: n.interactive for n in nodes} == {'sim': False, 'keyboard': True}


@pytest.mark.parametrize('namespace', ['', '/', 'hil', '/hil/', 'a_1/b2', '_x'])
def test_valid_namespaces_are_accepted(description, namespace):
    assert resolve_nodes(description, {'namespace': namespace}, CONFIG)


def test_keyboard_backend_and_required_nodes(description):
    nodes = resolve_nodes(
        description,
        {'teleop': 'keyboard', 'keyboard_backend': 'terminal', 'record': 'bag'},
        CONFIG,
    )
    by_name = {n.name: n for n in nodes}
    assert by_name['keyboard'].parameters == {'backend': 'terminal', 'use_sim_time': True}
    assert {n.name for n in nodes if n.required} == {'keyboard', 'recorder'}


def test_teleop_side_nodes_run_on_sim_time(description):
    for teleop in ('script', 'gamepad', 'keyboard'):
        for node in resolve_nodes(description, {'teleop': teleop}, CONFIG):
            assert node.parameters.get('use_sim_time', False) == (node.name != 'sim')


def test_episode_s_sets_every_simulators_episode_length_in_control_steps(description):
    nodes = resolve_nodes(
        description, {'episode_s': '30', 'num_sims': '2', 'wait_for_person': 'true'}, CONFIG
    )
    assert [n.parameters['max_episode_steps'] for n in nodes if n.name == 'sim'] == [300, 300]
    assert all(n.parameters['wait_for_person'] for n in nodes if n.name == 'sim')


def test_a_recorded_graphs_simulators_wait_for_its_recorder_and_others_for_none(description):
    def recorders(**given):
        return [
            n.parameters['recorder']
            for n in resolve_nodes(description, given, CONFIG)
            if n.name == 'sim'
        ]

    assert recorders() == ['']
    assert recorders(record='/tmp/bag') == ['/recorder']
    assert recorders(record='/tmp/bag', namespace='/a/b/', num_sims='2') == ['/a/b/recorder'] * 2
