# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Build script of the franka_hil_sim ament_python package."""

from glob import glob

from setuptools import find_packages, setup

PACKAGE = 'franka_hil_sim'
# The workspace's launch/ and config/ folders belong to the bring-up, which this package installs.
WORKSPACE = '../..'

setup(
    name=PACKAGE,
    version='0.1.0',
    packages=find_packages(exclude=['test']),
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + PACKAGE]),
        ('share/' + PACKAGE, ['package.xml']),
        ('share/' + PACKAGE + '/launch', glob(WORKSPACE + '/launch/*.launch.py')),
        ('share/' + PACKAGE + '/config', glob(WORKSPACE + '/config/*.yaml')
         + glob(WORKSPACE + '/config/*.rviz')),
    ],
    package_data={PACKAGE: ['models/*.xml', 'models/*.urdf']},
    include_package_data=True,
    install_requires=['setuptools'],
    zip_safe=True,
    maintainer='franka-hil developers',
    maintainer_email='dev@franka-hil.invalid',
    description='MuJoCo Franka Panda pick-cube simulation: core, Gymnasium envs and ROS 2 node.',
    license='Apache-2.0',
    entry_points={
        'console_scripts': [
            'bringup = franka_hil_sim.bringup:main',
            'recorder = franka_hil_sim.recorder_node:main',
            'bag_to_video = franka_hil_sim.bag_to_video:main',
            'bag_to_lerobot = franka_hil_sim.bag_to_lerobot:main',
            'bag_recover = franka_hil_sim.bag_recorder:recover_main',
            'sim_node = franka_hil_sim.sim_node:main',
        ],
    },
)
