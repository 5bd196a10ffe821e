# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
SDL GameController state -> sensor_msgs/Joy fields, with ROS 2 game_controller_node semantics.

Same axis scaling and deadzone (sticks left / up = +1, triggers 0 to -1), same layout (6 axes,
21 buttons in SDL order), buttons published at once, axis changes coalesced, the last state
repeated at autorepeat_rate. One difference, on purpose: every button change is published in its
own message, so a press and release read in one batch still reach the teleop as a press. Pure
Python, so it is tested without a pad.
"""

from dataclasses import dataclass
import math

# SDL_GameControllerAxis / SDL_GameControllerButton counts (SDL >= 2.0.14).
AXES = 6
BUTTONS = 21
_RAW_MAX = 32767.0


def axis_to_joy(raw, deadzone):
    """Scale a raw SDL axis value (-32768..32767) to Joy's [-1, 1], inverted, with a deadzone."""
    value = max(float(raw), -_RAW_MAX)
    dead = _RAW_MAX * deadzone
    if value > dead:
        value -= dead
    elif value < -dead:
        value += dead
    else:
        return 0.0
    return -value / (1.0 - deadzone) / _RAW_MAX


@dataclass(frozen=True)
class JoyFrame:
    """The axes and buttons of one Joy message to publish."""

    axes: tuple
    buttons: tuple


class JoyStream:
    """Decide when to publish which Joy state, given SDL events and the passing of time."""

    def __init__(self, deadzone=0.05, autorepeat_rate=20.0, coalesce_interval=0.001):
        """Parameters as joy's: deadzone in [0, 1), autorepeat_rate Hz (0: off), interval s."""
        if not (math.isfinite(deadzone) and 0.0 <= deadzone < 1.0):
            raise ValueError(f'deadzone must be in [0, 1), got {deadzone!r}')
        if not (math.isfinite(autorepeat_rate) and 0.0 <= autorepeat_rate <= 1000.0):
            raise ValueError(f'autorepeat_rate must be in [0, 1000] Hz, got {autorepeat_rate!r}')
        if not (math.isfinite(coalesce_interval) and coalesce_interval >= 0.0):
            raise ValueError(f'coalesce_interval must be >= 0 s, got {coalesce_interval!r}')
        self.deadzone = deadzone
        self.autorepeat_period = 1.0 / autorepeat_rate if autorepeat_rate > 0.0 else None
        self.coalesce_interval = coalesce_interval
        self.reset()

    def reset(self, raw_axes=None, buttons=None, now=None):
        """Start from a device's full state (rest state if None); publish it if `now` given."""
        raw_axes = raw_axes if raw_axes is not None else [0] * AXES
        buttons = buttons if buttons is not None else [0] * BUTTONS
        self._axes = [axis_to_joy(raw, self.deadzone) for raw in raw_axes]
        self._buttons = [int(bool(b)) for b in buttons]
        self._pending_since = None
        self._last_publish = now
        return [self._frame(now)] if now is not None else []

    def _frame(self, now):
        self._last_publish = now
        self._pending_since = None
        return JoyFrame(tuple(self._axes), tuple(self._buttons))

    def axis(self, index, raw, now):
        """Take an axis motion; the change is published after the coalesce interval (tick)."""
        if not 0 <= index < AXES:
            return []
        value = axis_to_joy(raw, self.deadzone)
        if value != self._axes[index]:
            self._axes[index] = value
            if self._pending_since is None:
                self._pending_since = now
        return self.tick(now)

    def button(self, index, down, now):
        """Take a button press or release; published at once, in a message of its own."""
        if not 0 <= index < BUTTONS or self._buttons[index] == int(bool(down)):
            return []
        self._buttons[index] = int(bool(down))
        return [self._frame(now)]

    def tick(self, now):
        """Publish a coalesced axis change or an autorepeat when due."""
        if self._pending_since is not None and now - self._pending_since >= self.coalesce_interval:
            return [self._frame(now)]
        if (
            self.autorepeat_period is not None
            and self._last_publish is not None
            and now - self._last_publish >= self.autorepeat_period
        ):
            return [self._frame(now)]
        return []

    def next_wakeup(self, now):
        """Seconds until tick() may have something to publish (None: only on events)."""
        deadlines = []
        if self._pending_since is not None:
            deadlines.append(self._pending_since + self.coalesce_interval)
        if self.autorepeat_period is not None and self._last_publish is not None:
            deadlines.append(self._last_publish + self.autorepeat_period)
        return max(0.0, min(deadlines) - now) if deadlines else None
