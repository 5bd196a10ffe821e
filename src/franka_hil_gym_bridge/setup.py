# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Build script of the franka_hil_gym_bridge ament_python package."""

from pathlib import Path

from setuptools import find_packages, setup

PACKAGE = 'franka_hil_gym_bridge'
# The suite's one version, kept in the workspace's VERSION file (test/test_version.py holds
# every package.xml, which must spell it out, to the same value).
VERSION = (Path(__file__).resolve().parents[2] / 'VERSION').read_text().strip()

setup(
    name=PACKAGE,
    version=VERSION,
    packages=find_packages(exclude=['test']),
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + PACKAGE]),
        ('share/' + PACKAGE, ['package.xml']),
    ],
    install_requires=['setuptools'],
    zip_safe=True,
    maintainer='franka-hil developers',
    maintainer_email='dev@franka-hil.invalid',
    description='The franka-hil ROS 2 graph as a Gymnasium env.',
    license='Apache-2.0',
    entry_points={
        'console_scripts': [],
    },
)
