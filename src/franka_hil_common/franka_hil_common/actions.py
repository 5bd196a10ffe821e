# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The contract's actions: shapes, the discrete gripper command, checks, and twist <-> action.

Two action spaces: 'ee', gym-hil's end-effector action [dx, dy, dz, g] (xyz in [-1, 1], times
EE_STEP metres per control step; g in {0, 1, 2}, 3-D without the gripper) and 'base', gym-hil's
raw 7-D action (dx, dy, dz in metres, rx, ry, rz ignored, grasp). Teleop speaks ROS velocities
(m/s in panda_link0); twist_to_action / action_to_twist are the one place where one becomes the
other, so the simulator, the gym bridge and the teleop nodes cannot drift apart.
"""

import math

from franka_hil_common.task import CONTROL_DT
import numpy as np
import numpy.typing as npt


# Metres of TCP target motion per control step at EE action 1.
EE_STEP = 0.025
BASE_ACTION_SIZE = 7
# The discrete gripper command g (last EE entry): g - 1 is added to the normalised gripper
# command, so 2 closes the fingers and 0 opens them (gym-hil and LeRobot label 2 "open").
GRIPPER_OPEN = 0
GRIPPER_STAY = 1
GRIPPER_CLOSE = 2
GRIPPER_COMMANDS = (GRIPPER_OPEN, GRIPPER_STAY, GRIPPER_CLOSE)


def bounds(
    action_space: str = 'ee', use_gripper: bool = True
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Return (low, high) float32 arrays of an action space."""
    if action_space == 'base':
        return (
            np.full(BASE_ACTION_SIZE, -1.0, np.float32),
            np.full(BASE_ACTION_SIZE, 1.0, np.float32),
        )
    if use_gripper:
        return (
            np.array((-1.0, -1.0, -1.0, GRIPPER_OPEN), np.float32),
            np.array((1.0, 1.0, 1.0, GRIPPER_CLOSE), np.float32),
        )
    return np.full(3, -1.0, np.float32), np.full(3, 1.0, np.float32)


def clip(
    action: npt.ArrayLike, action_space: str = 'ee', use_gripper: bool = True
) -> npt.NDArray[np.float32]:
    """Return a (checked) action clipped to its space's bounds, as float32: what is executed."""
    low, high = bounds(action_space, use_gripper)
    return np.clip(np.asarray(action, dtype=np.float64), low, high).astype(np.float32)


def hold(action_space: str = 'ee', use_gripper: bool = True) -> npt.NDArray[np.float32]:
    """Return the action that keeps the TCP target and the gripper where they are."""
    action = np.zeros(bounds(action_space, use_gripper)[0].shape, dtype=np.float32)
    if action_space == 'ee' and use_gripper:
        action[3] = GRIPPER_STAY
    return action


def check(action: npt.ArrayLike, expected_shape: tuple[int, ...]) -> npt.NDArray[np.float64]:
    """Return `action` as a float64 array, or raise ValueError naming what is wrong with it."""
    try:
        array = np.asarray(action)
    except Exception as error:  # ragged sequences and the like
        raise ValueError(f'action is not an array of numbers: {error}') from error
    if array.dtype.kind not in 'fiu':
        raise ValueError(f'action dtype must be real numbers, got {array.dtype}')
    if array.shape != tuple(expected_shape):
        raise ValueError(f'action shape must be {tuple(expected_shape)}, got {array.shape}')
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f'action has non-finite entries at {np.flatnonzero(~np.isfinite(array))}')
    return array


def ee_to_base(action: npt.ArrayLike, use_gripper: bool = True) -> npt.NDArray[np.float64]:
    """
    Map a (checked) EE action onto the 7-D base action.

    xyz in [-1, 1] become metres (x EE_STEP); the gripper entry g in {0, 1, 2} becomes g - 1 on
    the normalised gripper command.
    """
    action = np.asarray(action, dtype=np.float64)
    base = np.zeros(BASE_ACTION_SIZE)
    base[:3] = np.clip(action[:3], -1.0, 1.0) * EE_STEP
    if use_gripper:
        base[6] = np.clip(action[3], GRIPPER_OPEN, GRIPPER_CLOSE) - GRIPPER_STAY
    return base


def gripper_flip_penalty(gripper_action: float, previous_command: float, penalty: float) -> float:
    """
    Return `penalty` when an EE gripper entry flips the gripper, else 0.0.

    A flip is closing while open or opening while closed; `previous_command` is the normalised
    command (0 open .. 1 closed) before the step.
    """
    delta = gripper_action - GRIPPER_STAY
    if (delta > 0.5 and previous_command < 0.1) or (delta < -0.5 and previous_command > 0.9):
        return float(penalty)
    return 0.0


def _check_scales(step_size: float, control_dt: float) -> None:
    for name, value in (('step_size', step_size), ('control_dt', control_dt)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0.0):
            raise ValueError(f'{name} must be a finite number > 0, got {value!r}')


def full_scale_speed(step_size: float = EE_STEP, control_dt: float = CONTROL_DT) -> float:
    """Return the TCP speed in m/s that action 1 on one axis commands (0.25 m/s by default)."""
    _check_scales(step_size, control_dt)
    return step_size / control_dt


def twist_to_action(
    linear: npt.ArrayLike,
    gripper: int = GRIPPER_STAY,
    step_size: float = EE_STEP,
    control_dt: float = CONTROL_DT,
    use_gripper: bool = True,
) -> npt.NDArray[np.float32]:
    """
    Turn a linear TCP velocity (m/s, xyz) and a gripper command into the EE action.

    xyz = linear * control_dt / step_size, clipped to [-1, 1]. Returns a float32 array of shape
    (4,), or (3,) when use_gripper is false. Raises ValueError on a wrong shape, a non-finite
    value or a gripper command outside {0, 1, 2}.
    """
    _check_scales(step_size, control_dt)
    linear = np.asarray(linear, dtype=np.float64)
    if linear.shape != (3,):
        raise ValueError(
            f'linear velocity must have 3 entries (x, y, z), got shape {linear.shape}'
        )
    if not np.all(np.isfinite(linear)):
        raise ValueError(f'linear velocity must be finite, got {linear.tolist()}')
    xyz = np.clip(linear * (control_dt / step_size), -1.0, 1.0)
    if not use_gripper:
        return xyz.astype(np.float32)
    if gripper not in GRIPPER_COMMANDS:
        raise ValueError(f'gripper command must be one of {GRIPPER_COMMANDS}, got {gripper!r}')
    return np.append(xyz, float(gripper)).astype(np.float32)


def action_to_twist(
    action: npt.ArrayLike, step_size: float = EE_STEP, control_dt: float = CONTROL_DT
) -> tuple[npt.NDArray[np.float64], int]:
    """
    Turn an EE action (3 or 4 entries) into (linear velocity m/s, gripper command).

    xyz are clipped to [-1, 1] first, as the env does; a continuous gripper entry is rounded to
    the nearest command in {0, 1, 2} (STAY when the action has 3 entries).
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
