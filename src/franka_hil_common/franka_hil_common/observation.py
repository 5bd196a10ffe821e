# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The contract's observation: agent_pos layout, cameras and images, with accessors.

agent_pos = joint positions (7), joint velocities (7), gripper command on a 0..255 scale (1),
TCP position xyz in metres (3). environment_state (state mode) is the cube position xyz;
pixels (image mode) holds one IMAGE_SIZE x IMAGE_SIZE rgb image per camera.
"""

from typing import Any

import numpy as np
import numpy.typing as npt

ARM_JOINTS = 7
JOINT_POSITIONS = slice(0, ARM_JOINTS)
JOINT_VELOCITIES = slice(ARM_JOINTS, 2 * ARM_JOINTS)
GRIPPER = 2 * ARM_JOINTS
TCP = slice(GRIPPER + 1, GRIPPER + 4)
AGENT_POS_SIZE = GRIPPER + 4
# agent_pos reports the normalised gripper command (0 open .. 1 closed) times this.
GRIPPER_SCALE = 255.0
ENVIRONMENT_STATE_SIZE = 3
CAMERAS = ('front', 'wrist')
IMAGE_SIZE = 128


def agent_pos(
    joint_positions: npt.ArrayLike,
    joint_velocities: npt.ArrayLike,
    gripper_command: float,
    tcp_position: npt.ArrayLike,
) -> npt.NDArray[np.float32]:
    """Build a float32 agent_pos of the arm state, the 0..1 gripper command and the TCP."""
    return np.concatenate(
        (
            np.asarray(joint_positions)[:ARM_JOINTS],
            np.asarray(joint_velocities)[:ARM_JOINTS],
            (gripper_command * GRIPPER_SCALE,),
            tcp_position,
        )
    ).astype(np.float32)


def tcp_position(values: npt.ArrayLike) -> npt.NDArray[Any]:
    """TCP position xyz (m) of an agent_pos."""
    return np.asarray(values)[TCP]


def gripper_command(values: npt.ArrayLike) -> float:
    """Normalised gripper command (0 open .. 1 closed) of an agent_pos."""
    return float(np.asarray(values)[GRIPPER]) / GRIPPER_SCALE
