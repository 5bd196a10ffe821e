# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Build script of the franka_hil_common ament_python package."""

from setuptools import find_packages, setup

PACKAGE = 'franka_hil_common'

setup(
    name=PACKAGE,
    version='0.1.0',
    packages=find_packages(exclude=['test']),
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + PACKAGE]),
        ('share/' + PACKAGE, ['package.xml']),
    ],
    install_requires=['setuptools'],
    zip_safe=True,
    maintainer='franka-hil developers',
    maintainer_email='dev@franka-hil.invalid',
    description='The vocabulary every franka-hil package shares, free of ROS and MuJoCo.',
    license='Apache-2.0',
)
