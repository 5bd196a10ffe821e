# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""A tiny deterministic pick policy, standing in for franka_hil_sim's expert in these tests."""

import numpy as np


class LiftExpert:
    """Go to the cube, close the gripper, lift; the expert interface (reset / act)."""

    def __init__(self):
        self.resets = 0
        self.last = None

    def reset(self):
        self.resets += 1

    def act(self, tcp, cube, gripper):
        if np.linalg.norm(cube - tcp) > 0.01:
            self.last = np.append(np.clip((cube - tcp) / 0.025, -1, 1), 1).astype(np.float32)
        elif gripper < 0.9:
            self.last = np.array([0, 0, 0, 2], np.float32)
        else:
            self.last = np.array([0, 0, 1, 2], np.float32)
        return self.last
