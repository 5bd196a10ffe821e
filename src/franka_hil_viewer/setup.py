# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Build script of the franka_hil_viewer ament_python package."""

from pathlib import Path

from setuptools import find_packages, setup

PACKAGE = 'franka_hil_viewer'
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
    description='Live view of the graph in a browser (Rerun web viewer) and bag review.',
    license='Apache-2.0',
    entry_points={
        'console_scripts': [
            'viewer_node = franka_hil_viewer.viewer_node:main',
            'franka-hil-bag-to-rerun = franka_hil_viewer.bag_to_rerun:main',
            'franka-hil-view-recording = franka_hil_viewer.view_recording:main',
            # The 0.1 names, kept as aliases for one release (CHANGELOG 0.2.0), gone in 0.3.0.
            'bag_to_rerun = franka_hil_viewer.bag_to_rerun:main',
            'view_recording = franka_hil_viewer.view_recording:main',
        ],
    },
)
