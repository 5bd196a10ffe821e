# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Gymnasium ids of the graph-backed envs, registered without importing rclpy or MuJoCo.

franka_hil_sim owns franka_hil/PandaPickCube*-v0 (the direct, in-process envs); the ids here
are backed by a sim node, so they live in franka_hil_ros/ and, for LeRobot (which makes
f"gym_hil/{task}"), in gym_hil/ under names gym-hil itself does not use.
"""

from franka_hil_common.task import MAX_EPISODE_STEPS
import gymnasium as gym

ENTRY_POINT = 'franka_hil_gym_bridge.env:FrankaHilRosEnv'
ROS_NAMESPACE = 'franka_hil_ros'
GYM_HIL_NAMESPACE = 'gym_hil'
# gym-hil's variants: kwargs that differ from the env's defaults (the EE action, penalty -0.05,
# nobody overriding). `teleop` names who must be overriding in the graph (see FrankaHilRosEnv).
VARIANTS = {
    'Base': {'action_space': 'base'},
    '': {},
    'Gamepad': {'gripper_penalty': -0.02, 'teleop': 'gamepad'},
    'Keyboard': {'teleop': 'keyboard'},
    # a cube drawn at random at each reset, state observations with its position whatever
    # image_obs LeRobot passes (it passes no such kwargs): a state policy that finds the cube;
    # 10 s to answer a step (a training run's learner loads the CPU: 3 s was missed once)
    'StateRandom': {'random_block_position': True, 'state_obs': True, 'timeout': 10.0},
    # the pixel policy's task: a random cube, the two cameras and agent_pos only, whatever
    # image_obs says (franka_hil/PandaPickCubePixelsRandom-v0 on the graph)
    'PixelsRandom': {'random_block_position': True, 'pixel_obs': True, 'timeout': 10.0},
}


def env_ids():
    """Return {id: kwargs} of every id this package registers."""
    ids = {}
    for variant, kwargs in VARIANTS.items():
        ids[f'{ROS_NAMESPACE}/PandaPickCube{variant}-v0'] = kwargs
        ids[f'{GYM_HIL_NAMESPACE}/FrankaHilPickCube{variant}-v0'] = kwargs
    return ids


def register_envs():
    """Register the ids (idempotent)."""
    for env_id, kwargs in env_ids().items():
        if env_id not in gym.registry:
            gym.register(
                id=env_id,
                entry_point=ENTRY_POINT,
                kwargs=dict(kwargs),
                max_episode_steps=MAX_EPISODE_STEPS,
            )
