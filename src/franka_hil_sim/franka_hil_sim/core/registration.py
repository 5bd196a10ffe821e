# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The franka_hil/ Gymnasium ids, registered without importing MuJoCo.

Importing the package registers them (LeRobot's --env.discover_packages_path relies on that),
and every node of the package imports it, so this stays cheap: the env classes load on make.
"""

from franka_hil_common.task import MAX_EPISODE_STEPS
import gymnasium as gym

NAMESPACE = 'franka_hil'
_ENVS = 'franka_hil_sim.core.envs'
ENTRY_POINTS = {
    f'{NAMESPACE}/PandaPickCubeBase-v0': f'{_ENVS}:PandaPickCubeBaseEnv',
    f'{NAMESPACE}/PandaPickCube-v0': f'{_ENVS}:PandaPickCubeEnv',
    # pixels + agent_pos only, random cube: the pixel policy's task (gym_hil's image one)
    f'{NAMESPACE}/PandaPickCubePixelsRandom-v0': f'{_ENVS}:PandaPickCubePixelsEnv',
}


def register_envs():
    """Register the ids (idempotent)."""
    for env_id, entry_point in ENTRY_POINTS.items():
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=entry_point, max_episode_steps=MAX_EPISODE_STEPS)
