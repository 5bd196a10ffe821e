# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Build script of the franka_hil_teleop ament_python package."""

from glob import glob

from setuptools import find_packages, setup

PACKAGE = 'franka_hil_teleop'
# Pad and key maps live in the workspace's config/ folder; this package installs its own.
WORKSPACE = '../..'

setup(
    name=PACKAGE,
    version='0.1.0',
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
