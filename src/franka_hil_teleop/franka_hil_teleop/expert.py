# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A scripted picker for the 4-D end-effector action space: the stand-in for a human demonstrator.

It only reads what a person sees in the observation (TCP, cube, gripper command), so the same
policy can drive the env directly or, as the synthetic human, through the teleop stack.
"""

from franka_hil_common.actions import EE_STEP, GRIPPER_CLOSE, GRIPPER_OPEN, GRIPPER_STAY
import numpy as np

OPEN, STAY, CLOSE = float(GRIPPER_OPEN), float(GRIPPER_STAY), float(GRIPPER_CLOSE)
HOVER = 0.06  # m above the cube centre while aligning over it
ALIGNED = 0.008  # m of horizontal error accepted before descending
GRASP_DEPTH = 0.004  # m: TCP this close to the cube centre height starts the grasp
SETTLE_STEPS = 3  # control periods for the fingers to close before lifting
LIFT = 0.2  # m above the cube's grasp height to lift to
GAIN = 0.8  # fraction of the remaining error commanded per step


class PickCubeExpert:
    """
    Above cube -> descend -> close -> lift, from (tcp_pos, cube_pos, gripper) alone.

    `gripper` is the normalised gripper command 0 (open) .. 1 (closed) and tcp_pos the TCP
    position of agent_pos (franka_hil_common.observation), cube_pos the environment_state, in m.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        """Forget the current attempt (call at every episode start)."""
        self._closed_for = 0
        self._grasp_z = None

    def _move(self, tcp_pos, goal):
        return np.clip(GAIN * (np.asarray(goal) - tcp_pos) / EE_STEP, -1.0, 1.0)

    def act(self, tcp_pos, cube_pos, gripper):
        """Return the next float32 action (dx, dy, dz, gripper) for the EE action space."""
        tcp_pos = np.asarray(tcp_pos, dtype=np.float64)
        cube_pos = np.asarray(cube_pos, dtype=np.float64)
        if gripper > 0.5:
            self._closed_for += 1
            if self._closed_for <= SETTLE_STEPS:
                return np.array((0.0, 0.0, 0.0, STAY), dtype=np.float32)
            if (
                self._grasp_z is None
                or cube_pos[2] < self._grasp_z - 0.01
                or np.linalg.norm(cube_pos - tcp_pos) > 0.04
            ):
                # Lost it, or never had it (someone else closed the fingers, e.g. the policy
                # before the human took over): open and start over.
                self.reset()
                return np.array((0.0, 0.0, 0.0, OPEN), dtype=np.float32)
            goal = (tcp_pos[0], tcp_pos[1], self._grasp_z + LIFT)
            return np.append(self._move(tcp_pos, goal), STAY).astype(np.float32)
        self._closed_for = 0
        error_xy = np.linalg.norm(cube_pos[:2] - tcp_pos[:2])
        if error_xy > ALIGNED:
            goal = (
                cube_pos[0],
                cube_pos[1],
                max(tcp_pos[2], cube_pos[2] + HOVER) if error_xy > 2 * ALIGNED else tcp_pos[2],
            )
            return np.append(self._move(tcp_pos, goal), STAY).astype(np.float32)
        if tcp_pos[2] - cube_pos[2] > GRASP_DEPTH:
            goal = (cube_pos[0], cube_pos[1], cube_pos[2])
            return np.append(self._move(tcp_pos, goal), STAY).astype(np.float32)
        self._grasp_z = cube_pos[2]
        return np.array((0.0, 0.0, 0.0, CLOSE), dtype=np.float32)
