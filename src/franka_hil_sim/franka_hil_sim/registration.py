# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The franka_hil/ Gymnasium ids, registered without importing MuJoCo.

Importing the package registers them (LeRobot's --env.discover_packages_path relies on that),
and every node of the package imports it, so this stays cheap: the env classes load on make.
"""

import gymnasium as gym

NAMESPACE = 'franka_hil'
# gym-hil's TimeLimit: 100 control periods (10 s).
MAX_EPISODE_STEPS = 100
ENTRY_POINTS = {
    f'{NAMESPACE}/PandaPickCubeBase-v0': 'franka_hil_sim.envs:PandaPickCubeBaseEnv',
    f'{NAMESPACE}/PandaPickCube-v0': 'franka_hil_sim.envs:PandaPickCubeEnv',
}


def register_envs():
    """Register the ids (idempotent)."""
    for env_id, entry_point in ENTRY_POINTS.items():
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=entry_point,
                         max_episode_steps=MAX_EPISODE_STEPS)
