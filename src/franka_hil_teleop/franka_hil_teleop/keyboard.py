# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Keyboard teleop semantics, shared by the X11 and terminal backends.

Both backends reduce the keyboard to the set of actions held right now: X11 reads real key states;
a terminal only reports presses, so PulseKeys holds each pressed action for a short time. The
KeyboardMapper turns that set into the same InputState a gamepad produces (Space toggles the
override instead of a held deadman). The terminal byte parser lives here too. It imports no ROS.
"""

from franka_hil_common.actions import GRIPPER_CLOSE, GRIPPER_OPEN, GRIPPER_STAY
from franka_hil_teleop.pad_map import read_yaml
from franka_hil_teleop.teleop_core import InputState

MOTION_ACTIONS = ('x_plus', 'x_minus', 'y_plus', 'y_minus', 'z_plus', 'z_minus', 'close', 'open')
BUTTON_ACTIONS = ('toggle', 'fine', 'success', 'failure', 'rerecord')
ACTIONS = MOTION_ACTIONS + BUTTON_ACTIONS
BACKENDS = ('x11', 'terminal')


class KeyMapError(ValueError):
    """A key map file is missing, malformed or ambiguous."""


def parse_key_map(data, backend, source):
    """Validate one backend's section of a key map; return {key name: action}."""
    if backend not in BACKENDS:
        raise KeyMapError(f'unknown keyboard backend {backend!r}; use one of {BACKENDS}')
    section = data.get(backend) if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise KeyMapError(f'{source}: missing mapping `{backend}` of actions to key lists')
    if set(section) != set(ACTIONS):
        raise KeyMapError(
            f'{source}: `{backend}` must name exactly the actions {ACTIONS} '
            f'(missing {sorted(set(ACTIONS) - set(section))}, '
            f'unknown {sorted(set(section) - set(ACTIONS))})'
        )
    keys = {}
    for action in ACTIONS:
        names = section[action]
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(n, str) and n for n in names)
        ):
            raise KeyMapError(
                f'{source}: {backend}.{action} must be a non-empty list of key names'
            )
        for name in names:
            if name in keys:
                raise KeyMapError(
                    f'{source}: key {name!r} is bound to both {keys[name]!r} and '
                    f'{action!r} in `{backend}`'
                )
            keys[name] = action
    return keys


def load_key_map(path, backend):
    """Load one backend's key map from a YAML file."""
    return parse_key_map(read_yaml(path, 'key map', KeyMapError), backend, str(path))


def describe(keys):
    """Return the key map as printable lines, one per action."""
    by_action = {action: [] for action in ACTIONS}
    for key, action in keys.items():
        by_action[action].append(key)
    return [f'  {action:9s} {" / ".join(names)}' for action, names in by_action.items()]


class KeyboardMapper:
    """
    Held actions -> InputState; each press of toggle flips the override, of fine the speed.

    Fine mode scales every motion by `fine_scale`: a terminal has no key-up, so a press moves a
    fixed step, and placing a gripper over a 4 cm cube needs steps of millimetres.
    """

    def __init__(self, fine_scale=0.2):
        """Start with the override off and full speed; fine_scale in (0, 1]."""
        if not 0.0 < fine_scale <= 1.0:
            raise ValueError(f'fine_scale must be in (0, 1], got {fine_scale!r}')
        self.fine_scale = fine_scale
        self.enabled = False
        self.fine = False
        self._was_held = set()

    def _pressed(self, action, held):
        return action in held and action not in self._was_held

    def update(self, held):
        """Map the set of actions held now to an InputState."""
        if self._pressed('toggle', held):
            self.enabled = not self.enabled
        if self._pressed('fine', held):
            self.fine = not self.fine
        self._was_held = set(held) & {'toggle', 'fine'}
        scale = self.fine_scale if self.fine else 1.0

        def axis(name):
            return scale * (float(f'{name}_plus' in held) - float(f'{name}_minus' in held))

        close, opening = 'close' in held, 'open' in held
        gripper = GRIPPER_STAY if close == opening else (GRIPPER_CLOSE if close else GRIPPER_OPEN)
        return InputState(
            enable=self.enabled,
            linear=(axis('x'), axis('y'), axis('z')),
            gripper=gripper,
            success='success' in held,
            failure='failure' in held,
            rerecord='rerecord' in held,
        )


_OPPOSITE = {'x_plus': 'x_minus', 'y_plus': 'y_minus', 'z_plus': 'z_minus', 'close': 'open'}
_OPPOSITE.update({b: a for a, b in _OPPOSITE.items()})


class PulseKeys:
    """
    Terminal key presses -> held actions.

    A motion press holds its action for pulse_duration s (and ends a pulse in the opposite
    direction: the last key wins); a button press (toggle, events) holds for button_hold s,
    longer than a terminal's key-repeat delay, so a held key is one press.
    """

    def __init__(self, pulse_duration, button_hold):
        """Durations in seconds, both > 0."""
        for name, value in (('pulse_duration', pulse_duration), ('button_hold', button_hold)):
            if not value > 0.0:
                raise ValueError(f'{name} must be > 0, got {value!r}')
        self.pulse_duration = pulse_duration
        self.button_hold = button_hold
        self._until = {}

    def press(self, action, now):
        """Register a press of `action` at monotonic time `now`; it cancels its opposite."""
        hold = self.pulse_duration if action in MOTION_ACTIONS else self.button_hold
        self._until[action] = max(self._until.get(action, now), now + hold)
        self._until.pop(_OPPOSITE.get(action), None)

    def held(self, now):
        """Return the set of actions held at `now`."""
        return {action for action, until in self._until.items() if until > now}


_CSI_FINAL = {'A': 'up', 'B': 'down', 'C': 'right', 'D': 'left', 'H': 'home', 'F': 'end'}
_CSI_TILDE = {
    '1': 'home',
    '2': 'insert',
    '3': 'delete',
    '4': 'end',
    '5': 'page_up',
    '6': 'page_down',
    '7': 'home',
    '8': 'end',
}
_MODIFIERS = {'2': 'shift+', '3': 'alt+', '5': 'ctrl+'}
_CONTROL = {
    '\r': 'enter',
    '\n': 'enter',
    ' ': 'space',
    '\t': 'tab',
    '\x7f': 'backspace',
    '\x08': 'backspace',
}


def _csi_key(params, final):
    fields = params.split(';')
    modifier = _MODIFIERS.get(fields[1], 'unknown+') if len(fields) > 1 else ''
    if final == '~':
        name = _CSI_TILDE.get(fields[0])
    else:
        name = _CSI_FINAL.get(final)
    return modifier + name if name else 'unknown'


def parse_terminal_keys(data):
    """
    Split terminal input into key names.

    Returns (keys, rest): rest is an incomplete escape sequence to prepend to the next read
    (a lone ESC is the Escape key only once no more bytes follow; see flush_escape).
    """
    text = data.decode('utf-8', errors='replace') if isinstance(data, bytes) else data
    keys = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != '\x1b':
            keys.append(_CONTROL.get(char, char.lower() if char.isprintable() else 'unknown'))
            i += 1
            continue
        if i + 1 >= len(text):
            return keys, text[i:]
        intro = text[i + 1]
        if intro == 'O':
            if i + 2 >= len(text):
                return keys, text[i:]
            keys.append(_CSI_FINAL.get(text[i + 2], 'unknown'))
            i += 3
        elif intro == '[':
            j = i + 2
            while j < len(text) and not ('@' <= text[j] <= '~'):
                j += 1
            if j >= len(text):
                return keys, text[i:]
            keys.append(_csi_key(text[i + 2 : j], text[j]))
            i = j + 1
        else:
            keys.append('escape')
            i += 1
    return keys, ''


def flush_escape(rest):
    """Keys of a leftover that no further bytes completed (a lone ESC is the Escape key)."""
    if rest == '\x1b':
        return ['escape']
    return ['unknown'] if rest else []
