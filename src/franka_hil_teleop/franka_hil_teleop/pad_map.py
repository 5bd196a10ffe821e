# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Gamepad maps: which sensor_msgs/Joy axes and buttons mean what, per pad family and driver.

Joy indices depend on the driver and the pad (ROS 2 game_controller_node and our gamepad node
use SDL's GameController layout; joy_node reports the kernel's order, which differs between
Xbox, PlayStation and Logitech pads), so they live in config/teleop_pad_<family>.yaml. This module
loads and validates a map, reads a Joy message into an InputState, and inverts that exactly (an EE
action into the Joy a person would produce) for the scripted human. It imports no ROS.
"""

from dataclasses import dataclass
import math
from pathlib import Path

from franka_hil_common.actions import GRIPPER_CLOSE, GRIPPER_OPEN, GRIPPER_STAY
from franka_hil_teleop.teleop_core import InputState
import yaml

LINEAR_AXES = ('x', 'y', 'z')
BUTTONS = ('enable', 'success', 'failure', 'rerecord')
TRIGGERS = ('close', 'open')


class PadMapError(ValueError):
    """A pad map file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class AxisBinding:
    """A stick axis: Joy index, and sign (+1 or -1) from the Joy value to the robot axis."""

    index: int
    sign: float


@dataclass(frozen=True)
class TriggerBinding:
    """A gripper input: an analog axis between `released` and `pressed` values, or a button."""

    axis: int = None
    button: int = None
    released: float = 0.0
    pressed: float = 1.0


@dataclass(frozen=True)
class PadMap:
    """A validated pad map (see config/teleop_pad_*.yaml for the meaning of each field)."""

    family: str
    description: str
    source: str
    joy_axes: int
    joy_buttons: int
    linear: tuple
    gripper_close: TriggerBinding
    gripper_open: TriggerBinding
    threshold: float
    buttons: dict
    labels: dict

    def needed_sizes(self):
        """Return the smallest (axes, buttons) lengths a Joy message must have for this map."""
        axes = [b.index for b in self.linear]
        buttons = list(self.buttons.values())
        for trig in (self.gripper_close, self.gripper_open):
            (axes if trig.axis is not None else buttons).append(
                trig.axis if trig.axis is not None else trig.button
            )
        return max(axes) + 1, max(buttons) + 1

    def check_sizes(self, n_axes, n_buttons):
        """Return None if a Joy message of this shape fits the map, else a clear error message."""
        need_axes, need_buttons = self.needed_sizes()
        if n_axes >= need_axes and n_buttons >= need_buttons:
            return None
        return (
            f'Joy message has {n_axes} axes and {n_buttons} buttons, but pad map '
            f"'{self.family}' ({self.source}) needs at least {need_axes} axes and "
            f'{need_buttons} buttons: choose the pad map of your driver with the `pad` '
            f'parameter (game_controller, xbox, playstation, logitech) or `pad_map_file`'
        )

    def size_warning(self, n_axes, n_buttons):
        """Return None if a Joy message has this map's usual shape, else a warning to log once."""
        if (n_axes, n_buttons) == (self.joy_axes, self.joy_buttons):
            return None
        return (
            f'Joy message has {n_axes} axes and {n_buttons} buttons, but pad map '
            f"'{self.family}' ({self.description}) expects {self.joy_axes} and "
            f'{self.joy_buttons}: another driver or pad may number them differently; '
            f'if the controls feel wrong, choose the `pad` parameter that matches'
        )

    def _trigger_pressed(self, trig, axes, buttons):
        if trig.button is not None:
            return buttons[trig.button] != 0
        pressure = (axes[trig.axis] - trig.released) / (trig.pressed - trig.released)
        return pressure > self.threshold

    def to_input(self, axes, buttons):
        """
        Read Joy axes and buttons into an InputState.

        Call check_sizes first; raises ValueError on a non-finite axis value.
        """
        if not all(math.isfinite(v) for v in axes):
            raise ValueError(f'Joy axes must be finite, got {list(axes)}')
        linear = tuple(min(1.0, max(-1.0, b.sign * axes[b.index])) for b in self.linear)
        close = self._trigger_pressed(self.gripper_close, axes, buttons)
        opening = self._trigger_pressed(self.gripper_open, axes, buttons)
        gripper = GRIPPER_STAY if close == opening else (GRIPPER_CLOSE if close else GRIPPER_OPEN)
        return InputState(
            enable=buttons[self.buttons['enable']] != 0,
            linear=linear,
            gripper=gripper,
            **{name: buttons[self.buttons[name]] != 0 for name in BUTTONS[1:]},
        )

    def to_joy(self, state):
        """
        Return the Joy (axes list, buttons list) a person produces for an InputState.

        The exact inverse of to_input for linear values in [-1, 1]; unused axes and buttons rest
        (triggers at their released value).
        """
        axes = [0.0] * self.joy_axes
        buttons = [0] * self.joy_buttons
        for trig, pressed in (
            (self.gripper_close, state.gripper == GRIPPER_CLOSE),
            (self.gripper_open, state.gripper == GRIPPER_OPEN),
        ):
            if trig.button is not None:
                buttons[trig.button] = int(pressed)
            else:
                axes[trig.axis] = trig.pressed if pressed else trig.released
        for binding, value in zip(self.linear, state.linear):
            axes[binding.index] = binding.sign * value
        for name in BUTTONS:
            buttons[self.buttons[name]] = int(getattr(state, name))
        return axes, buttons


def _index(value, where):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PadMapError(f'{where} must be an index >= 0, got {value!r}')
    return value


def _number(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PadMapError(f'{where} must be a finite number, got {value!r}')
    return float(value)


def _section(data, key, where, fields):
    section = data.get(key)
    if not isinstance(section, dict):
        raise PadMapError(f'{where}: missing mapping `{key}` with {", ".join(fields)}')
    unknown = set(section) - set(fields)
    missing = set(fields) - set(section)
    if unknown or missing:
        raise PadMapError(
            f'{where}: `{key}` must have exactly {", ".join(fields)} '
            f'(missing {sorted(missing)}, unknown {sorted(unknown)})'
        )
    return section


def _trigger(spec, where):
    if not isinstance(spec, dict):
        raise PadMapError(f'{where} must be a mapping ({{axis, released, pressed}} or {{button}})')
    if set(spec) == {'button'}:
        return TriggerBinding(button=_index(spec['button'], f'{where}.button'))
    if set(spec) == {'axis', 'released', 'pressed'}:
        released = _number(spec['released'], f'{where}.released')
        pressed = _number(spec['pressed'], f'{where}.pressed')
        if released == pressed:
            raise PadMapError(f'{where}: released and pressed values must differ')
        return TriggerBinding(
            axis=_index(spec['axis'], f'{where}.axis'), released=released, pressed=pressed
        )
    raise PadMapError(f'{where} must be {{axis, released, pressed}} or {{button}}, got {spec}')


def parse_pad_map(data, source):
    """Validate a pad map loaded from YAML; raise PadMapError naming `source` on any problem."""
    if not isinstance(data, dict):
        raise PadMapError(f'{source}: a pad map must be a YAML mapping')
    known = {'family', 'description', 'joy_size', 'linear', 'gripper', 'buttons', 'labels'}
    if set(data) - known:
        raise PadMapError(f'{source}: unknown keys {sorted(set(data) - known)}')
    size = _section(data, 'joy_size', source, ('axes', 'buttons'))
    linear_spec = _section(data, 'linear', source, LINEAR_AXES)
    linear = []
    for name in LINEAR_AXES:
        spec = linear_spec[name]
        if not isinstance(spec, dict) or set(spec) != {'axis', 'sign'}:
            raise PadMapError(f'{source}: linear.{name} must be {{axis, sign}}, got {spec}')
        sign = _number(spec['sign'], f'{source}: linear.{name}.sign')
        if sign not in (1.0, -1.0):
            raise PadMapError(f'{source}: linear.{name}.sign must be 1 or -1, got {sign}')
        linear.append(AxisBinding(_index(spec['axis'], f'{source}: linear.{name}.axis'), sign))
    gripper = _section(data, 'gripper', source, TRIGGERS + ('threshold',))
    threshold = _number(gripper['threshold'], f'{source}: gripper.threshold')
    if not 0.0 < threshold < 1.0:
        raise PadMapError(f'{source}: gripper.threshold must be in (0, 1), got {threshold}')
    close = _trigger(gripper['close'], f'{source}: gripper.close')
    opening = _trigger(gripper['open'], f'{source}: gripper.open')
    button_spec = _section(data, 'buttons', source, BUTTONS)
    buttons = {name: _index(button_spec[name], f'{source}: buttons.{name}') for name in BUTTONS}
    axes_used = [b.index for b in linear] + [
        t.axis for t in (close, opening) if t.axis is not None
    ]
    buttons_used = list(buttons.values()) + [
        t.button for t in (close, opening) if t.button is not None
    ]
    if len(set(axes_used)) != len(axes_used) or len(set(buttons_used)) != len(buttons_used):
        raise PadMapError(
            f'{source}: each axis and button may have one meaning only '
            f'(axes {axes_used}, buttons {buttons_used})'
        )
    labels = data.get('labels', {})
    if not isinstance(labels, dict):
        raise PadMapError(f'{source}: labels must be a mapping of names to printed labels')
    pad = PadMap(
        family=str(data.get('family', Path(source).stem)),
        description=str(data.get('description', '')),
        source=str(source),
        joy_axes=_index(size['axes'], f'{source}: joy_size.axes'),
        joy_buttons=_index(size['buttons'], f'{source}: joy_size.buttons'),
        linear=tuple(linear),
        gripper_close=close,
        gripper_open=opening,
        threshold=threshold,
        buttons=buttons,
        labels={str(k): str(v) for k, v in labels.items()},
    )
    error = pad.check_sizes(pad.joy_axes, pad.joy_buttons)
    if error:
        raise PadMapError(f'{source}: joy_size too small for its own indices: {error}')
    return pad


def read_yaml(path, what, error):
    """Return the data of the YAML file `path` (a `what`), or raise `error` saying what failed."""
    try:
        return yaml.safe_load(Path(path).read_text())
    except OSError as err:
        raise error(f'cannot read {what} {path}: {err}') from err
    except yaml.YAMLError as err:
        raise error(f'{what} {path} is not valid YAML: {err}') from err


def load_pad_map(path):
    """Load and validate a pad map YAML file."""
    return parse_pad_map(read_yaml(path, 'pad map', PadMapError), str(path))


def describe(pad):
    """One line naming the controls of a pad map, for the log and the README."""
    lab = pad.labels
    return (
        f"pad '{pad.family}': hold {lab.get('enable', 'enable')} to take over; "
        f'{lab.get("linear", "sticks")} move; {lab.get("close", "close")} closes and '
        f'{lab.get("open", "open")} opens the gripper; {lab.get("success", "success")} = '
        f'success, {lab.get("failure", "failure")} = failure, '
        f'{lab.get("rerecord", "rerecord")} = re-record'
    )
