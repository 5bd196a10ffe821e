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
ENTRY_POINTS = {
    f'{NAMESPACE}/PandaPickCubeBase-v0': 'franka_hil_sim.core.envs:PandaPickCubeBaseEnv',
    f'{NAMESPACE}/PandaPickCube-v0': 'franka_hil_sim.core.envs:PandaPickCubeEnv',
}


def register_envs():
    """Register the ids (idempotent)."""
    for env_id, entry_point in ENTRY_POINTS.items():
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=entry_point, max_episode_steps=MAX_EPISODE_STEPS)
