# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Build script of the franka_hil_sim ament_python package."""

from glob import glob
import os
from pathlib import Path

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

PACKAGE = 'franka_hil_sim'
# The suite's one version, kept in the workspace's VERSION file (test/test_version.py holds
# every package.xml, which must spell it out, to the same value).
VERSION = (Path(__file__).resolve().parents[2] / 'VERSION').read_text().strip()
# The workspace's launch/ and config/ folders belong to the bring-up, which this package installs.
WORKSPACE = '../..'


class BuildAgainstMujoco(build_ext):
    """Compile the C controller against the headers and library of the installed mujoco wheel."""

    def build_extensions(self):
        try:
            import mujoco
        except ImportError as error:
            raise SystemExit(f'{PACKAGE}: building opspace.c needs the mujoco package: {error}')
        root = os.path.dirname(mujoco.__file__)
        library = sorted(glob(os.path.join(root, 'libmujoco.so*')))
        if not library:
            raise SystemExit(f'{PACKAGE}: no libmujoco.so* next to {mujoco.__file__}')
        for ext in self.extensions:
            ext.include_dirs.append(os.path.join(root, 'include'))
            ext.depends.append(os.path.join(root, 'include', 'mujoco', 'mujoco.h'))
            ext.extra_link_args += [library[0], '-Wl,-rpath,' + root]
        super().build_extensions()


setup(
    name=PACKAGE,
    version=VERSION,
    packages=find_packages(exclude=['test']),
    # Plain C loaded through ctypes (franka_hil_sim.opspace), built as an extension so that every
    # route (colcon --symlink-install's develop, colcon install, pip) compiles it.
    ext_modules=[
        Extension(
            PACKAGE + '.core._opspace',
            [PACKAGE + '/core/opspace.c'],
            extra_compile_args=['-O2', '-std=c11'],
        )
    ],
    cmdclass={'build_ext': BuildAgainstMujoco},
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + PACKAGE]),
        ('share/' + PACKAGE, ['package.xml']),
        ('share/' + PACKAGE + '/launch', glob(WORKSPACE + '/launch/*.launch.py')),
        (
            'share/' + PACKAGE + '/config',
            glob(WORKSPACE + '/config/*.yaml') + glob(WORKSPACE + '/config/*.rviz'),
        ),
    ],
    package_data={PACKAGE + '.core': ['models/*.xml']},
    include_package_data=True,
    install_requires=['setuptools'],
    zip_safe=False,
    maintainer='franka-hil developers',
    maintainer_email='dev@franka-hil.invalid',
    description='MuJoCo Franka Panda pick-cube simulation (core, Gymnasium envs, ROS 2 node) '
    'and the bring-up of the pick-cube graph.',
    license='Apache-2.0',
    entry_points={
        'console_scripts': [
            'franka-hil-bringup = franka_hil_sim.bringup.supervisor:main',
            'franka-hil-demo = franka_hil_sim.bringup.demo:main',
            'sim_node = franka_hil_sim.node.sim_node:main',
            # The 0.1 names, kept as aliases for one release (CHANGELOG 0.2.0), gone in 0.3.0.
            'bringup = franka_hil_sim.bringup.supervisor:main',
            'hil_demo = franka_hil_sim.bringup.demo:main',
        ],
    },
)
