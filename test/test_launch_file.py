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

from franka_hil_sim.bringup.graph import arguments_of, load_description, resolve_nodes
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


class Recorded:
    """Stand-in for a launch class: keeps its constructor arguments."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


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
        'launch_ros.actions': {'Node': Recorded},
    }
    for name, attributes in fakes.items():
        monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(**attributes))
    spec = importlib.util.spec_from_file_location('pick_cube_launch',
                                                  ROOT / 'launch' / 'pick_cube.launch.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('given', [
    {},
    {'teleop': 'gamepad', 'mode': 'realtime', 'image_obs': 'true', 'record': '/tmp/b'},
    {'teleop': 'keyboard', 'num_sims': '3', 'namespace': 'hil', 'rviz': 'true'},
])
def test_launch_file_starts_the_described_graph(launch_file, given):
    entities = launch_file.generate_launch_description().args[0]
    *declared, opaque = entities
    config = Path(launch_file.get_package_share_directory('franka_hil_sim')) / 'config'
    description = load_description(config / 'pick_cube.yaml')
    arguments = arguments_of(description)
    assert [(d.args[0], d.kwargs['default_value']) for d in declared] == \
        [(a.name, a.default) for a in arguments]

    context = {a.name: given.get(a.name, a.default) for a in arguments}
    nodes = opaque.kwargs['function'](context)
    expected = resolve_nodes(description, given, config)
    assert len(nodes) == len(expected) > 0
    for node, spec in zip(nodes, expected):
        assert node.kwargs == {
            'package': spec.package, 'executable': spec.executable, 'name': spec.name,
            'namespace': spec.namespace, 'parameters': [spec.parameters],
            'arguments': list(spec.arguments), 'output': 'screen'}


def test_installed_description_is_the_workspace_one(launch_file):
    share = Path(launch_file.get_package_share_directory('franka_hil_sim'))
    assert (share / 'config' / 'pick_cube.yaml').read_text() == \
        (ROOT / 'config' / 'pick_cube.yaml').read_text()
    assert (share / 'launch' / 'pick_cube.launch.py').exists()


def test_rviz_config_shows_the_graph():
    config = yaml.safe_load((ROOT / 'config' / 'pick_cube.rviz').read_text())
    manager = config['Visualization Manager']
    assert manager['Global Options']['Fixed Frame'] == 'world'
    displays = {d['Class'].split('/')[-1] + ':' + d.get('Topic', d.get('Description Topic', {}))
                .get('Value', '') for d in manager['Displays']}
    assert {'RobotModel:robot_description', 'TF:', 'MarkerArray:markers',
            'Image:front/image_raw', 'Image:wrist/image_raw'} <= displays
