# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The suite has one version, kept in the top-level VERSION file, and every package says it.

setup.py reads VERSION; package.xml cannot (colcon, rosdep and bloom read it as plain XML), so it
spells the version out and this test holds it to VERSION. The CHANGELOG has a section for it.
"""

import ast
from pathlib import Path
import re
import xml.etree.ElementTree as ET

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = (ROOT / 'VERSION').read_text().strip()
PACKAGES = sorted(p.parent for p in (ROOT / 'src').glob('*/package.xml'))


def test_the_version_is_major_minor_patch():
    assert re.fullmatch(r'\d+\.\d+\.\d+', VERSION), f'VERSION holds {VERSION!r}'


@pytest.mark.parametrize('package', PACKAGES, ids=lambda p: p.name)
def test_package_xml_states_the_version(package):
    stated = ET.parse(package / 'package.xml').getroot().findtext('version')
    assert stated == VERSION, f'{package.name}/package.xml says {stated}, VERSION says {VERSION}'


@pytest.mark.parametrize(
    'package', [p for p in PACKAGES if (p / 'setup.py').exists()], ids=lambda p: p.name
)
def test_setup_py_reads_the_version_file(package):
    """setup(version=VERSION), VERSION read from the workspace's file: no literal to drift."""
    source = (package / 'setup.py').read_text()
    calls = [
        n
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Call) and getattr(n.func, 'id', None) == 'setup'
    ]
    (version,) = [k.value for k in calls[0].keywords if k.arg == 'version']
    assert isinstance(version, ast.Name) and version.id == 'VERSION', (
        f'{package.name}/setup.py: version={ast.unparse(version)}, not the VERSION file'
    )
    assert "parents[2] / 'VERSION'" in source


def test_the_changelog_has_a_section_for_the_version():
    changelog = (ROOT / 'CHANGELOG.md').read_text()
    assert f'\n## [{VERSION}] - ' in changelog, f'CHANGELOG.md has no [{VERSION}] section'
