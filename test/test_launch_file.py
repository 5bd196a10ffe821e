# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
launch/pick_cube.launch.py, checked without launch_ros (not installable from PyPI).

Minimal stand-ins for the launch / launch_ros classes it uses record what the file builds; the
test then runs its OpaqueFunction and compares the nodes with the shared graph description.
"""

import importlib.util
from pathlib import Path
import sys
import types

from ament_index_python.packages import PackageNotFoundError
from franka_hil_sim.bringup import graph
from franka_hil_sim.bringup.graph import arguments_of, load_description, resolve_nodes
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


class Recorded:
    """Stand-in for a launch class: keeps its constructor arguments."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


class Node(Recorded):
    """Stand-in for launch_ros.actions.Node that counts the nodes created."""

    created = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        Node.created += 1


class LaunchConfiguration(Recorded):
    def perform(self, context):
        return context[self.args[0]]


@pytest.fixture
def launch_file(monkeypatch):
    fakes = {
        'launch': {'LaunchDescription': Recorded},
        'launch.actions': {'DeclareLaunchArgument': Recorded, 'OpaqueFunction': Recorded},
        'launch.substitutions': {'LaunchConfiguration': LaunchConfiguration},
        'launch_ros': {},
        'launch_ros.actions': {'Node': Node},
    }
    for name, attributes in fakes.items():
        monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(**attributes))
    spec = importlib.util.spec_from_file_location(
        'pick_cube_launch', ROOT / 'launch' / 'pick_cube.launch.py'
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    'given',
    [
        {},
        {'teleop': 'gamepad', 'mode': 'realtime', 'image_obs': 'true', 'record': '/tmp/b'},
        {'teleop': 'keyboard', 'num_sims': '3', 'namespace': 'hil', 'keyboard_backend': 'x11'},
    ],
)
def test_launch_file_starts_the_described_graph(launch_file, given):
    entities = launch_file.generate_launch_description().args[0]
    *declared, opaque = entities
    config = Path(launch_file.get_package_share_directory('franka_hil_sim')) / 'config'
    description = load_description(config / 'pick_cube.yaml')
    arguments = arguments_of(description)
    assert [(d.args[0], d.kwargs['default_value']) for d in declared] == [
        (a.name, a.default) for a in arguments
    ]
    # The graph checks the values (one line); launch's own choices check would print it twice.
    assert not any('choices' in d.kwargs for d in declared)
    mode = next(d for d in declared if d.args[0] == 'mode')
    assert "one of ['lockstep', 'realtime']" in mode.kwargs['description']

    context = {a.name: given.get(a.name, a.default) for a in arguments}
    nodes = opaque.kwargs['function'](context)
    expected = resolve_nodes(description, given, config)
    assert len(nodes) == len(expected) > 0
    for node, spec in zip(nodes, expected):
        on_exit = node.kwargs.pop('on_exit', None)
        assert node.kwargs == {
            'package': spec.package,
            'executable': spec.executable,
            'name': spec.name,
            'namespace': spec.namespace,
            'parameters': [spec.parameters],
            'arguments': list(spec.arguments),
            'output': 'screen',
        }
        # Required nodes (keyboard, recorder) fail the launch when they exit.
        assert (on_exit is not None) == spec.required == (spec.name in ('keyboard', 'recorder'))
        if on_exit is not None:
            with pytest.raises(
                launch_file.RequiredNodeExited, match=f'required node {spec.name} exited .code 1.'
            ):
                on_exit(
                    types.SimpleNamespace(returncode=1), types.SimpleNamespace(is_shutdown=False)
                )
            # Stopped with the rest (Ctrl-C): no failure.
            assert (
                on_exit(
                    types.SimpleNamespace(returncode=0), types.SimpleNamespace(is_shutdown=True)
                )
                is None
            )


def run_nodes(launch_file, given):
    *_, opaque = launch_file.generate_launch_description().args[0]
    arguments = {
        a.name: a.default
        for a in arguments_of(
            load_description(
                Path(launch_file.get_package_share_directory('franka_hil_sim'))
                / 'config'
                / 'pick_cube.yaml'
            )
        )
    }
    return opaque.kwargs['function'](dict(arguments, **given))


def test_a_missing_executable_starts_no_node(launch_file, monkeypatch):
    real_prefix, real_which = graph.get_package_prefix, graph.shutil.which

    def prefix(package):
        if package == 'rviz2':
            raise PackageNotFoundError(package)
        return real_prefix(package)

    monkeypatch.setattr(graph, 'get_package_prefix', prefix)
    monkeypatch.setattr(
        graph.shutil, 'which', lambda name: None if name == 'rviz2' else real_which(name)
    )
    before = Node.created
    with pytest.raises(
        FileNotFoundError, match="executable 'rviz2' of package 'rviz2' not found.*no node started"
    ):
        run_nodes(launch_file, {'rviz': 'true'})
    assert Node.created == before


@pytest.mark.parametrize(
    'given, message',
    [
        (
            {'num_sims': 'abc'},
            "argument num_sims:='abc' is not valid: it must be an integer in "
            r'\[1, 64\]',
        ),
        ({'num_sims': '1000000'}, r'num_sims.*\[1, 64\]'),
        ({'seed': '-1'}, r"argument seed:='-1' is not valid"),
        (
            {'namespace': 'bad name!'},
            "argument namespace:='bad name!' is not valid: it must be a ROS namespace",
        ),
        ({'mode': 'foo'}, r"argument mode:='foo' is not valid: it must be one of \['lockstep', "),
    ],
)
def test_bad_arguments_are_refused_before_any_node(launch_file, given, message):
    before = Node.created
    with pytest.raises(ValueError, match=message):
        run_nodes(launch_file, given)
    assert Node.created == before


def test_installed_description_is_the_workspace_one(launch_file):
    share = Path(launch_file.get_package_share_directory('franka_hil_sim'))
    assert (share / 'config' / 'pick_cube.yaml').read_text() == (
        ROOT / 'config' / 'pick_cube.yaml'
    ).read_text()
    assert (share / 'launch' / 'pick_cube.launch.py').exists()


def test_rviz_config_shows_the_graph():
    config = yaml.safe_load((ROOT / 'config' / 'pick_cube.rviz').read_text())
    manager = config['Visualization Manager']
    assert manager['Global Options']['Fixed Frame'] == 'world'
    displays = {
        d['Class'].split('/')[-1]
        + ':'
        + d.get('Topic', d.get('Description Topic', {})).get('Value', '')
        for d in manager['Displays']
    }
    assert {
        'RobotModel:robot_description',
        'TF:',
        'MarkerArray:markers',
        'Image:front/image_raw',
        'Image:wrist/image_raw',
    } <= displays
