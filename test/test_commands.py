# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The commands a user types are named franka-hil-*; the graph's node executables keep ROS names.

A console script is either a node executable that the graph description starts (snake_case, as
`ros2 run` names go, looked up by package and name) or a command for people, which goes on PATH
and so carries the suite's prefix. The 0.1 names of the commands stay as aliases of the very
same entry point for the one release the CHANGELOG promises, and must be gone by 0.3.0.
"""

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VERSION = tuple(int(n) for n in (ROOT / 'VERSION').read_text().split('.'))
PREFIX = 'franka-hil-'
# The 0.1 command names and the names that replace them (CHANGELOG, 0.2.0).
ALIASES = {
    'bringup': 'franka-hil-bringup',
    'hil_demo': 'franka-hil-demo',
    'bag_recover': 'franka-hil-bag-recover',
    'bag_to_video': 'franka-hil-bag-to-video',
    'bag_to_lerobot': 'franka-hil-bag-to-lerobot',
    'bag_to_rerun': 'franka-hil-bag-to-rerun',
    'view_recording': 'franka-hil-view-recording',
}


def console_scripts():
    """Return {package: {command: 'module:function'}} from every src/*/setup.py."""
    found = {}
    for setup_py in sorted((ROOT / 'src').glob('*/setup.py')):
        scripts = {}
        for node in ast.walk(ast.parse(setup_py.read_text())):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    if isinstance(key, ast.Constant) and key.value == 'console_scripts':
                        for entry in ast.literal_eval(value):
                            name, target = (part.strip() for part in entry.split('='))
                            scripts[name] = target
        found[setup_py.parent.name] = scripts
    return found


def node_executables():
    """Return {(package, executable)} of the nodes the graph description starts."""
    description = yaml.safe_load((ROOT / 'config' / 'pick_cube.yaml').read_text())
    found = set()

    def walk(item):
        if isinstance(item, dict):
            if 'package' in item and 'executable' in item:
                found.add((item['package'], item['executable']))
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(description)
    return found


SCRIPTS = console_scripts()
NODES = node_executables()


def test_every_command_is_prefixed_or_a_node_or_an_old_alias():
    loose = [
        (package, name)
        for package, scripts in SCRIPTS.items()
        for name in scripts
        if not name.startswith(PREFIX) and (package, name) not in NODES and name not in ALIASES
    ]
    assert not loose, f'commands on PATH without the {PREFIX} prefix: {loose}'


def test_the_graph_still_finds_its_node_executables():
    ours = {(package, name) for package, name in NODES if package in SCRIPTS}
    missing = [(package, name) for package, name in ours if name not in SCRIPTS[package]]
    assert ours and not missing, f'node executables of pick_cube.yaml not installed: {missing}'


@pytest.mark.parametrize('old', sorted(ALIASES))
def test_an_old_name_runs_what_its_new_name_runs(old):
    if VERSION >= (0, 3, 0):
        pytest.fail(f'{old} was kept for the 0.2 release only: remove it (and this table)')
    new = ALIASES[old]
    (package,) = [p for p, scripts in SCRIPTS.items() if new in scripts]
    assert SCRIPTS[package].get(old) == SCRIPTS[package][new], (
        f'{package}: {old} does not alias {new}'
    )


@pytest.mark.parametrize('package', sorted(p for p, scripts in SCRIPTS.items() if scripts))
def test_every_command_is_installed_where_ros2_run_looks(package):
    get_package_prefix = pytest.importorskip('ament_index_python.packages').get_package_prefix
    directory = Path(get_package_prefix(package)) / 'lib' / package
    missing = [name for name in SCRIPTS[package] if not (directory / name).is_file()]
    assert not missing, f'not installed in {directory}: {missing} (rebuild: scripts/setup.sh)'
