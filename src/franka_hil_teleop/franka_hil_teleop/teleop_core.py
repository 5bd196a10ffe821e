# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Device-neutral teleop semantics: deadman, input timeout and edge-triggered episode events.

Gamepad, keyboard and the scripted human all reduce their device to an InputState; TeleopCore
turns the stream of states into what a person taking over the robot expects: a command while the
override is held, exactly one zero command when it is let go (or the device goes silent), and one
episode event per press, however short the press. It imports no ROS.
"""

from dataclasses import dataclass
import math

from franka_hil_common import events
from franka_hil_common.actions import GRIPPER_COMMANDS, GRIPPER_STAY

ZERO = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class InputState:
    """
    One reading of a teleop device.

    enable: the override is held (deadman button held, or keyboard override toggled on).
    linear: requested motion per axis x, y, z of panda_link0, each in [-1, 1] (1 = full speed).
    gripper: GRIPPER_OPEN / GRIPPER_STAY / GRIPPER_CLOSE.
    success, failure, rerecord: the level (held or not) of each episode-event input.
    """

    enable: bool = False
    linear: tuple = ZERO
    gripper: int = GRIPPER_STAY
    success: bool = False
    failure: bool = False
    rerecord: bool = False

    def __post_init__(self):
        """Reject a malformed state at its source, not downstream in a message."""
        if len(self.linear) != 3 or not all(
            math.isfinite(v) and abs(v) <= 1.0 for v in self.linear
        ):
            raise ValueError(f'linear must be 3 finite values in [-1, 1], got {self.linear!r}')
        if self.gripper not in GRIPPER_COMMANDS:
            raise ValueError(f'gripper must be one of {GRIPPER_COMMANDS}, got {self.gripper!r}')


@dataclass(frozen=True)
class Command:
    """An override command: active flag, TCP velocity in m/s, gripper command."""

    active: bool
    linear: tuple
    gripper: int


RELEASE = Command(active=False, linear=ZERO, gripper=GRIPPER_STAY)


@dataclass(frozen=True)
class Output:
    """What to publish after one input: a command (None: nothing) and new episode event codes."""

    command: Command = None
    events: tuple = ()


class TeleopCore:
    """
    Deadman and edge-event state machine (teleop_twist_joy's enable-button semantics).

    While enable is held every input yields an active command; the first input with enable
    released yields RELEASE once, then nothing. No input for `timeout` seconds while active also
    yields RELEASE once. Each rising edge of success / failure / rerecord yields its event on the
    input where it happens, so a press and release between two control steps is never lost.
    """

    def __init__(self, linear_speed, timeout=None):
        """
        Set the scale and the timeout.

        linear_speed: m/s at full deflection; timeout: seconds without input before release
        (None: inputs come from a poll loop that cannot go silent, no timeout).
        """
        for name, value in (('linear_speed', linear_speed), ('timeout', timeout)):
            if value is None and name == 'timeout':
                continue
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0.0):
                raise ValueError(f'{name} must be a finite number > 0, got {value!r}')
        self.linear_speed = float(linear_speed)
        self.timeout = timeout
        self.active = False
        self._levels = dict.fromkeys(events.NAMES, False)
        self._last_input = None

    def update(self, state, now):
        """Take one input read at monotonic time `now` (s); return what to publish."""
        self._last_input = now
        new_events = []
        for code, name in events.NAMES.items():
            level = getattr(state, name)
            if level and not self._levels[code]:
                new_events.append(code)
            self._levels[code] = level
        command = None
        if state.enable:
            self.active = True
            command = Command(
                True, tuple(self.linear_speed * v for v in state.linear), state.gripper
            )
        elif self.active:
            self.active = False
            command = RELEASE
        return Output(command, tuple(new_events))

    def check_timeout(self, now):
        """Release the override once if no input came for longer than the timeout."""
        if self.active and self.timeout is not None and now - self._last_input > self.timeout:
            return self.release()
        return Output()

    def release(self):
        """Release the override now if it is active (device lost, node stopping)."""
        if not self.active:
            return Output()
        self.active = False
        return Output(RELEASE)
