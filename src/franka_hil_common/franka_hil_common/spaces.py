# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The contract's Gymnasium spaces, built from the observation layout and the action spaces."""

from typing import Any

from franka_hil_common import actions, observation
from gymnasium import spaces
import numpy as np

# gym-hil's render modes: 'human' shows a viewer, 'rgb_array' returns front | wrist.
RENDER_MODES = ('human', 'rgb_array')
# What the envs' reset() and step() return beside the reward and flags: the observation
# ({'agent_pos', 'environment_state' | 'pixels'}, as observation_space) and the info dict.
Observation = dict[str, Any]
Info = dict[str, Any]


def observation_space(image_obs: bool = False) -> spaces.Dict:
    """Return the Dict space: agent_pos, and environment_state (state) or pixels (images)."""
    agent_pos = spaces.Box(-np.inf, np.inf, (observation.AGENT_POS_SIZE,), dtype=np.float32)
    if image_obs:
        size = observation.IMAGE_SIZE
        return spaces.Dict(
            {
                'agent_pos': agent_pos,
                'pixels': spaces.Dict(
                    {
                        camera: spaces.Box(0, 255, (size, size, 3), dtype=np.uint8)
                        for camera in observation.CAMERAS
                    }
                ),
            }
        )
    return spaces.Dict(
        {
            'agent_pos': agent_pos,
            'environment_state': spaces.Box(
                -np.inf, np.inf, (observation.ENVIRONMENT_STATE_SIZE,), dtype=np.float32
            ),
        }
    )


def action_space(kind: str = 'ee', use_gripper: bool = True) -> spaces.Box:
    """Return the Box space of the 'ee' (4-D, 3-D without gripper) or 'base' (7-D) action."""
    low, high = actions.bounds(kind, use_gripper)
    return spaces.Box(low, high, dtype=np.float32)
