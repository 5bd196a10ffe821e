# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Every package.xml is true: it declares each package its code imports and its graph starts.

rosdep and colcon know a package only through its package.xml, so a missing entry breaks an
install elsewhere while everything works here. Imports are read from the code (ast), test code
against test_depend too; the nodes of the graph description against the bring-up package; the
shared fixtures a package's tests take (franka_hil_test_utils) against its test_depend.
"""

import ast
import configparser
from pathlib import Path
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent for p in (ROOT / 'src').glob('*/package.xml'))
# Python modules that are no ROS package: their rosdep key, or None where they come from pip
# (no rosdep key on every distro; the package.xml says so in a comment).
NON_ROS = {
    'numpy': 'python3-numpy',
    'yaml': 'python3-yaml',
    'pygame': 'python3-pygame',
    'Xlib': 'python3-xlib',
    'pytest': 'python3-pytest',
    'mujoco': None,
    'gymnasium': None,
    'rosbags': None,
    'mcap': None,
    'mcap_ros2': None,
    'imageio_ffmpeg': None,
    'pyarrow': None,
    'rerun': None,
    'playwright': None,
    'PIL': 'python3-pil',
    'websockets': 'python3-websockets',
}
# The package that brings the graph up (launch file, graph description, bringup, demo).
BRINGUP = 'franka_hil_sim'
# The package of the fixtures the tests share (a pytest plugin: used, never imported).
TEST_UTILS = 'franka_hil_test_utils'


def declared(package, kinds):
    root = ET.parse(package / 'package.xml').getroot()
    return {e.text.strip() for e in root if e.tag in kinds}


def imported(paths):
    """Top-level module names imported by the Python files under `paths`."""
    modules = set()
    for path in paths:
        for source in sorted(path.rglob('*.py')) if path.is_dir() else [path]:
            for node in ast.walk(ast.parse(source.read_text(), str(source))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split('.')[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split('.')[0])
    return modules


def requirements(modules, package_name):
    """Return the package.xml entries `modules` need (stdlib and the package itself need none)."""
    needed = set()
    for module in modules - set(sys.stdlib_module_names) - {package_name, 'setuptools'}:
        if module in NON_ROS:
            if NON_ROS[module]:
                needed.add(NON_ROS[module])
        else:
            needed.add(module)  # a ROS package: its Python package has its name
    return needed


@pytest.mark.parametrize('package', PACKAGES, ids=lambda p: p.name)
def test_package_xml_declares_every_import(package):
    name = package.name
    code = [p for p in (package / name, package / 'launch') if p.exists()]
    if not code:
        pytest.skip(f'{name} has no Python code (an interface package)')
    exec_deps = declared(package, {'exec_depend', 'depend'})
    missing = requirements(imported(code), name) - exec_deps
    assert not missing, f'{name}/package.xml lacks <exec_depend> for {sorted(missing)}'
    test_deps = exec_deps | declared(package, {'test_depend'})
    missing = requirements(imported([package / 'test']), name) - test_deps
    assert not missing, f'{name}/package.xml lacks <test_depend> for {sorted(missing)}'


def test_the_bringup_package_declares_every_node_the_graph_starts():
    description = yaml.safe_load((ROOT / 'config' / 'pick_cube.yaml').read_text())
    started = {node['package'] for node in description['nodes']} - {BRINGUP}
    missing = started - declared(ROOT / 'src' / BRINGUP, {'exec_depend', 'depend'})
    assert not missing, f'{BRINGUP}/package.xml lacks <exec_depend> for {sorted(missing)}'
    # ... and the launch file it installs.
    launch = requirements(imported([ROOT / 'launch']), BRINGUP)
    assert launch <= declared(ROOT / 'src' / BRINGUP, {'exec_depend', 'depend'})


def functions_in(path):
    """Every function defined in the Python files under `path` (a folder or a file)."""
    for source in sorted(path.rglob('*.py')) if path.is_dir() else [path]:
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.FunctionDef):
                yield node


def fixtures_of(path):
    """Names of the pytest fixtures defined under `path`."""
    return {
        f.name
        for f in functions_in(path)
        if any('fixture' in ast.unparse(d) for d in f.decorator_list)
    }


@pytest.mark.parametrize('package', PACKAGES, ids=lambda p: p.name)
def test_tests_declare_the_shared_fixtures_exactly_when_they_use_them(package):
    tests = package / 'test'
    if not tests.exists():
        pytest.skip(f'{package.name} has no tests')
    shared = fixtures_of(ROOT / 'src' / TEST_UTILS / TEST_UTILS / 'plugin.py') - fixtures_of(tests)
    used = {a.arg for f in functions_in(tests) for a in f.args.args} & shared
    used |= {TEST_UTILS} & imported([tests])
    if package.name == TEST_UTILS:
        used = set()  # its own fixtures, which its tests check: no dependency on itself
    declares = TEST_UTILS in declared(package, {'test_depend'})
    assert declares == bool(used), (
        f'{package.name} tests use {sorted(used)} of {TEST_UTILS}: it needs a <test_depend>'
        if used
        else f'{package.name}/package.xml declares {TEST_UTILS}; its tests use none'
    )


def test_a_missing_dependency_is_found():
    """The check itself: an import the package.xml lacks is reported."""
    assert requirements({'rclpy', 'numpy', 'os', 'franka_hil_common'}, 'x') == {
        'rclpy',
        'python3-numpy',
        'franka_hil_common',
    }


def test_every_package_s_tests_are_in_the_suite():
    """pytest.ini's testpaths name each package's tests: the full suite and CI run them all."""
    ini = configparser.ConfigParser()
    ini.read(ROOT / 'pytest.ini')
    listed = set(ini['pytest']['testpaths'].split())
    tests = [f'src/{p.name}/test' for p in PACKAGES if (p / 'test').is_dir()]
    missing = [path for path in tests if path not in listed]
    assert not missing, f'pytest.ini testpaths lacks {missing}: `bash scripts/test.sh` skips them'
