# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Conversion between a TCP velocity (twist) and gym-hil's 4-D end-effector action.

Teleop speaks ROS velocities (m/s in panda_link0); the simulator and the Gymnasium bridge speak
the contract's action [dx, dy, dz, g]: xyz in [-1, 1], scaled by a step size in metres per control
step, and a discrete gripper command g. The simulator owns the action semantics, so this is the
one place where one becomes the other: the simulator node, the gym bridge and the teleop nodes
cannot drift apart. It imports no ROS and no
MuJoCo, and holds the task's step size and control period (the sim core takes them from here).
"""

import math

import numpy as np

# The contract's EE action wrapper: metres of TCP target motion per step at action 1.
EE_STEP = 0.025
# The contract's control period (10 Hz).
CONTROL_DT = 0.1

# The contract's discrete gripper command (last entry of the 4-D action); g - 1 is added to the
# normalised gripper command, so 2 closes the fingers and 0 opens them (gym-hil labels 2 "open").
GRIPPER_OPEN = 0
GRIPPER_STAY = 1
GRIPPER_CLOSE = 2
GRIPPER_COMMANDS = (GRIPPER_OPEN, GRIPPER_STAY, GRIPPER_CLOSE)


def _check_scales(step_size, control_dt):
    for name, value in (('step_size', step_size), ('control_dt', control_dt)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0.0):
            raise ValueError(f'{name} must be a finite number > 0, got {value!r}')


def full_scale_speed(step_size=EE_STEP, control_dt=CONTROL_DT):
    """Return the TCP speed in m/s that action 1 on one axis commands (0.25 m/s by default)."""
    _check_scales(step_size, control_dt)
    return step_size / control_dt


def twist_to_action(linear, gripper=GRIPPER_STAY, step_size=EE_STEP,
                    control_dt=CONTROL_DT, use_gripper=True):
    """
    Turn a linear TCP velocity (m/s, xyz) and a gripper command into the contract's EE action.

    xyz = linear * control_dt / step_size, clipped to the action space [-1, 1]. Returns a float32
    array of shape (4,), or (3,) when use_gripper is false. Raises ValueError on a wrong shape,
    a non-finite value or a gripper command outside {0, 1, 2}.
    """
    _check_scales(step_size, control_dt)
    linear = np.asarray(linear, dtype=np.float64)
    if linear.shape != (3,):
        raise ValueError(f'linear velocity must have 3 entries (x, y, z), '
                         f'got shape {linear.shape}')
    if not np.all(np.isfinite(linear)):
        raise ValueError(f'linear velocity must be finite, got {linear.tolist()}')
    xyz = np.clip(linear * (control_dt / step_size), -1.0, 1.0)
    if not use_gripper:
        return xyz.astype(np.float32)
    if gripper not in GRIPPER_COMMANDS:
        raise ValueError(f'gripper command must be one of {GRIPPER_COMMANDS}, got {gripper!r}')
    return np.append(xyz, float(gripper)).astype(np.float32)


def action_to_twist(action, step_size=EE_STEP, control_dt=CONTROL_DT):
    """
    Turn a contract EE action (3 or 4 entries) into (linear velocity m/s, gripper command).

    The xyz entries are clipped to [-1, 1] first, as the env does; a continuous gripper entry is
    rounded to the nearest command in {0, 1, 2} (STAY when the action has 3 entries).
    """
    _check_scales(step_size, control_dt)
    action = np.asarray(action, dtype=np.float64)
    if action.shape not in ((3,), (4,)):
        raise ValueError(f'EE action must have 3 or 4 entries, got shape {action.shape}')
    if not np.all(np.isfinite(action)):
        raise ValueError(f'EE action must be finite, got {action.tolist()}')
    linear = np.clip(action[:3], -1.0, 1.0) * (step_size / control_dt)
    gripper = GRIPPER_STAY
    if action.shape == (4,):
        gripper = int(np.clip(np.rint(action[3]), GRIPPER_OPEN, GRIPPER_CLOSE))
    return linear, gripper
