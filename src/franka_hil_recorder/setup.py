# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Build script of the franka_hil_recorder ament_python package."""

from pathlib import Path

from setuptools import find_packages, setup

PACKAGE = 'franka_hil_recorder'
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
    description='Records the graph into rosbag2 (MCAP) and converts bags to video and datasets.',
    license='Apache-2.0',
    entry_points={
        'console_scripts': [
            'recorder = franka_hil_recorder.recorder_node:main',
            'franka-hil-bag-recover = franka_hil_recorder.bag_recorder:recover_main',
            'franka-hil-bag-to-video = franka_hil_recorder.bag_to_video:main',
            'franka-hil-bag-to-lerobot = franka_hil_recorder.bag_to_lerobot:main',
            # The 0.1 names, kept as aliases for one release (CHANGELOG 0.2.0), gone in 0.3.0.
            'bag_recover = franka_hil_recorder.bag_recorder:recover_main',
            'bag_to_video = franka_hil_recorder.bag_to_video:main',
            'bag_to_lerobot = franka_hil_recorder.bag_to_lerobot:main',
        ],
    },
)
