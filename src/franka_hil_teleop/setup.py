# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Build script of the franka_hil_teleop ament_python package."""

from glob import glob
from pathlib import Path

from setuptools import find_packages, setup

PACKAGE = 'franka_hil_teleop'
# The suite's one version, kept in the workspace's VERSION file (test/test_version.py holds
# every package.xml, which must spell it out, to the same value).
VERSION = (Path(__file__).resolve().parents[2] / 'VERSION').read_text().strip()
# Pad and key maps live in the workspace's config/ folder; this package installs its own.
WORKSPACE = '../..'

setup(
    name=PACKAGE,
    version=VERSION,
    packages=find_packages(exclude=['test']),
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + PACKAGE]),
        ('share/' + PACKAGE, ['package.xml']),
        ('share/' + PACKAGE + '/config', sorted(glob(WORKSPACE + '/config/teleop_*.yaml'))),
    ],
    install_requires=['setuptools'],
    zip_safe=True,
    maintainer='franka-hil developers',
    maintainer_email='dev@franka-hil.invalid',
    description='Gamepad and keyboard human override for HIL RL.',
    license='Apache-2.0',
    entry_points={
        'console_scripts': [
            'teleop_node = franka_hil_teleop.teleop_node:main',
            'keyboard_node = franka_hil_teleop.keyboard_node:main',
            'gamepad_node = franka_hil_teleop.gamepad_node:main',
            'synthetic_human_node = franka_hil_teleop.synthetic_human_node:main',
        ],
    },
)
