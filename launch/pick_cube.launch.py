# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Launch the pick-cube HIL graph: `ros2 launch franka_hil_sim pick_cube.launch.py`.

The nodes and their parameters come from config/pick_cube.yaml through
franka_hil_sim.bringup.graph, the same code the pip-only `bringup` command uses. Arguments
(name:=value) are declared from that file too: teleop, mode, image_obs, record, namespace,
num_sims, seed, rviz, ...
"""

from pathlib import Path

from ament_index_python.packages import get_package_share_directory
from franka_hil_sim.bringup.graph import arguments_of, load_description, resolve_nodes
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
        return [Node(package=spec.package, executable=spec.executable, name=spec.name,
                     namespace=spec.namespace, parameters=[spec.parameters],
                     arguments=list(spec.arguments), output='screen')
                for spec in resolve_nodes(description, given, config)]

    declared = [DeclareLaunchArgument(a.name, default_value=a.default, description=a.description,
                                      choices=list(a.choices) or None)
                for a in arguments]
    return LaunchDescription([*declared, OpaqueFunction(function=nodes)])
