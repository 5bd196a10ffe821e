# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the page's keys and pad mean, as a sensor_msgs/Joy in the SDL game_controller layout.

The page sends what is held (KeyboardEvent.code values) and the first pad's Gamepad API state
(standard mapping); this turns them into the Joy that config/teleop_pad_game_controller.yaml
reads, so the existing teleop_node, with its deadman, drives the robot. Stick deflection times
teleop_node's linear_speed (0.25 m/s) is the tool's speed.
"""

from dataclasses import dataclass
from typing import Optional, Sequence

JOY_AXES, JOY_BUTTONS = 6, 21
# SDL layout indices (config/teleop_pad_game_controller.yaml).
AXIS_Y, AXIS_X, AXIS_Z, AXIS_CLOSE, AXIS_OPEN = 0, 1, 3, 4, 5
BUTTON_FAILURE, BUTTON_RERECORD, BUTTON_SUCCESS, BUTTON_ENABLE = 0, 2, 3, 10
TRIGGER_PRESSED = -1.0

# key code -> (what, sign); the page lists these (KEY_HELP) and prevents their default action.
MOTION_KEYS = {
    'ArrowUp': (AXIS_X, 1),
    'KeyW': (AXIS_X, 1),
    'ArrowDown': (AXIS_X, -1),
    'KeyS': (AXIS_X, -1),
    'ArrowLeft': (AXIS_Y, 1),
    'KeyA': (AXIS_Y, 1),
    'ArrowRight': (AXIS_Y, -1),
    'KeyD': (AXIS_Y, -1),
    'KeyE': (AXIS_Z, 1),
    'PageUp': (AXIS_Z, 1),
    'KeyQ': (AXIS_Z, -1),
    'PageDown': (AXIS_Z, -1),
}
TRIGGER_KEYS = {'KeyC': AXIS_CLOSE, 'KeyO': AXIS_OPEN}
BUTTON_KEYS = {
    'Space': BUTTON_ENABLE,
    'Enter': BUTTON_SUCCESS,
    'NumpadEnter': BUTTON_SUCCESS,
    'Backspace': BUTTON_FAILURE,
    'KeyR': BUTTON_RERECORD,
}
FINE_KEYS = ('ShiftLeft', 'ShiftRight')
TOGGLE_KEY = 'KeyT'
KEY_HELP = (
    ('Space (hold)', 'take over from the policy while held'),
    ('T', 'take over / give back (toggle)'),
    ('W / ↑, S / ↓', 'tool +x / -x (away from / toward the base)'),
    ('A / ←, D / →', 'tool +y / -y'),
    ('E / PageUp, Q / PageDown', 'tool up / down (z)'),
    ('Shift (hold)', 'fine speed'),
    ('C, O', 'close, open the gripper'),
    ('Enter', 'success: end the episode'),
    ('Backspace', 'failure: end the episode'),
    ('R', 're-record this episode'),
)
PAD_HELP = (
    'pad: hold RB (R1); left stick x/y, right stick z; LT close, RT open; Y success, '
    'A failure, X re-record'
)

# Gamepad API standard mapping -> SDL layout: button index pairs, and axes (sign flipped: the
# standard mapping has right / down positive, ROS left / up).
PAD_BUTTONS = {
    0: 0,
    1: 1,
    2: 2,
    3: 3,
    4: 9,
    5: 10,
    8: 4,
    9: 6,
    10: 7,
    11: 8,
    12: 11,
    13: 12,
    14: 13,
    15: 14,
    16: 5,
}
PAD_AXES = {0: 0, 1: 1, 2: 2, 3: 3}
PAD_TRIGGERS = {6: AXIS_CLOSE, 7: AXIS_OPEN}  # analogue buttons 0..1 -> axes 0..-1


@dataclass(frozen=True)
class Joy:
    """One Joy message's axes and buttons."""

    axes: tuple
    buttons: tuple

    @property
    def neutral(self) -> bool:
        return not any(self.axes) and not any(self.buttons)


NEUTRAL = Joy((0.0,) * JOY_AXES, (0,) * JOY_BUTTONS)


def _clip(value: float) -> float:
    return max(-1.0, min(1.0, float(value)))


def from_pad(axes: Sequence[float], buttons: Sequence[float]):
    """Return (axes, buttons) lists in the SDL layout from a standard-mapping pad's state."""
    joy_axes, joy_buttons = [0.0] * JOY_AXES, [0] * JOY_BUTTONS
    for index, target in PAD_AXES.items():
        if index < len(axes):
            joy_axes[target] = -_clip(axes[index])
    for index, target in PAD_TRIGGERS.items():
        if index < len(buttons):
            joy_axes[target] = -max(0.0, _clip(buttons[index]))
    for index, target in PAD_BUTTONS.items():
        if index < len(buttons) and buttons[index] > 0.5:
            joy_buttons[target] = 1
    return joy_axes, joy_buttons


def to_joy(
    keys,
    pad: Optional[dict],
    deflection: float,
    fine_deflection: float,
    override_latched: bool = False,
) -> Joy:
    """
    Return the Joy of held keys and a pad's state ({'axes': [...], 'buttons': [...]}).

    Keys win over the pad on an axis they move; buttons are pressed if either presses them.
    """
    axes, buttons = (
        from_pad(pad.get('axes', ()), pad.get('buttons', ()))
        if pad
        else ([0.0] * JOY_AXES, [0] * JOY_BUTTONS)
    )
    scale = fine_deflection if any(k in keys for k in FINE_KEYS) else deflection
    moved = {}
    for key in keys:
        if key in MOTION_KEYS:
            axis, sign = MOTION_KEYS[key]
            moved[axis] = moved.get(axis, 0) + sign
        elif key in TRIGGER_KEYS:
            axes[TRIGGER_KEYS[key]] = TRIGGER_PRESSED
        elif key in BUTTON_KEYS:
            buttons[BUTTON_KEYS[key]] = 1
    for axis, direction in moved.items():
        if direction:
            axes[axis] = _clip(direction * scale)
    if override_latched:
        buttons[BUTTON_ENABLE] = 1
    return Joy(tuple(axes), tuple(buttons))


class DriverInput:
    """
    The driver's latest input, and the Joy stream it makes: a deadman on the page's heartbeat.

    The page repeats its state every 0.1 s while it drives; without one for `timeout` s (tab
    frozen, connection stalled), or on `release()` (closed, hidden, another driver), the Joy is
    neutral. A neutral Joy is published `neutral_repeats` times, then nothing (teleop_node is not
    sent Joys while nobody drives).
    """

    def __init__(self, deflection, fine_deflection, timeout=0.25, neutral_repeats=3):
        """Set the key deflections (normal, fine) and the heartbeat timeout in seconds."""
        self.deflection, self.fine_deflection = deflection, fine_deflection
        self.timeout, self.neutral_repeats = timeout, neutral_repeats
        self._keys, self._pad, self._latched = frozenset(), None, False
        self._last_input = None
        self._neutral_sent = neutral_repeats

    def update(self, keys, pad, now) -> Joy:
        """Take the page's held keys and pad state at monotonic `now`; return the Joy to send."""
        keys = frozenset(keys)
        if TOGGLE_KEY in keys and TOGGLE_KEY not in self._keys:
            self._latched = not self._latched
        self._keys, self._pad, self._last_input = keys, pad, now
        return self._emit(self.current())

    def current(self) -> Joy:
        """Return the Joy of the input held now."""
        return to_joy(self._keys, self._pad, self.deflection, self.fine_deflection, self._latched)

    def release(self) -> Joy:
        """Forget the input (driver gone); return the neutral Joy to send now."""
        self._forget()
        return self._emit(NEUTRAL)

    def _forget(self):
        self._keys, self._pad, self._latched, self._last_input = frozenset(), None, False, None
        self._neutral_sent = 0

    def tick(self, now) -> Optional[Joy]:
        """Return the Joy to repeat at the steady rate, or None when there is nothing to send."""
        if self._last_input is not None and now - self._last_input > self.timeout:
            self._forget()
        joy = NEUTRAL if self._last_input is None else self.current()
        if joy.neutral and self._neutral_sent >= self.neutral_repeats:
            return None
        return self._emit(joy)

    def _emit(self, joy):
        self._neutral_sent = self._neutral_sent + 1 if joy.neutral else 0
        return joy
