# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Both packages imported: the direct ids stay the simulator's, the graph ids the bridge's."""

import franka_hil_gym_bridge  # noqa: F401  (registers the graph-backed ids)
import franka_hil_sim  # noqa: F401  (registers the direct ids)
import gymnasium as gym


def test_direct_ids_stay_direct_next_to_the_bridge():
    for name in ('PandaPickCubeBase-v0', 'PandaPickCube-v0'):
        assert gym.spec(f'franka_hil/{name}').entry_point.startswith('franka_hil_sim.core.envs:')
        assert gym.spec(f'franka_hil_ros/{name}').entry_point.startswith('franka_hil_gym_bridge')
