# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Launch the pick-cube HIL graph: `ros2 launch franka_hil_sim pick_cube.launch.py`.

The nodes and their parameters come from config/pick_cube.yaml through
franka_hil_sim.bringup.graph, the same code the pip-only `bringup` command uses. Arguments
(name:=value) are declared from that file too: teleop, mode, image_obs, record, namespace,
num_sims, seed, rviz, keyboard_backend, viewer (none, web, rerun, window), ...

Before any node is started, every argument is checked (one line naming a bad one and its valid
values, once: the choices are checked with the graph's own checks, not by launch, which would
print the same error twice) and every executable is looked up: if one is missing (rviz2 not
installed), no node starts. Nodes the graph cannot run without (the keyboard teleop, the
recorder) are required: when one exits, the whole launch shuts down instead of running on
without the human, and `ros2 launch` exits non-zero (1), as `bringup` does.
"""

from pathlib import Path

from ament_index_python.packages import get_package_share_directory
from franka_hil_sim.bringup.graph import arguments_of, check_executables, load_description
from franka_hil_sim.bringup.graph import resolve_nodes
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node


def generate_launch_description():
    config = Path(get_package_share_directory('franka_hil_sim')) / 'config'
    description = load_description(config / 'pick_cube.yaml')
    arguments = arguments_of(description)

    def nodes(context):
        given = {a.name: LaunchConfiguration(a.name).perform(context) for a in arguments}
        specs = resolve_nodes(description, given, config)
        check_executables(specs)  # raises before any node exists: all start, or none
        return [
            Node(
                package=spec.package,
                executable=spec.executable,
                name=spec.name,
                namespace=spec.namespace,
                parameters=[spec.parameters],
                arguments=list(spec.arguments),
                output='screen',
                **({'on_exit': required_exit(spec.name)} if spec.required else {}),
            )
            for spec in specs
        ]

    declared = [
        DeclareLaunchArgument(
            a.name, default_value=a.default, description=f'{a.description} ({a.valid_values()})'
        )
        for a in arguments
    ]
    return LaunchDescription([*declared, OpaqueFunction(function=nodes)])


class RequiredNodeExited(RuntimeError):
    """A node the graph cannot run without has exited."""


def required_exit(name):
    """
    Return the on_exit handler of a required node: it fails the launch unless it is stopping.

    An exception from an event handler makes launch log it in one line, shut everything down
    and return 1 (LaunchService.run_async), so `ros2 launch` exits non-zero; a Shutdown action
    would stop the graph but exit 0. A node exiting because the launch stops (Ctrl-C) is no
    failure.
    """

    def on_exit(event, context):
        if context.is_shutdown:
            return None
        raise RequiredNodeExited(
            f'required node {name} exited (code {event.returncode}): the graph stops'
        )

    return on_exit
