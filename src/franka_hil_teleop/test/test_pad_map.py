# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Every axis and button of every pad family, the Joy size check, and pad map validation."""

from pathlib import Path

from franka_hil_common.actions import GRIPPER_CLOSE, GRIPPER_OPEN, GRIPPER_STAY
from franka_hil_teleop.pad_map import describe, load_pad_map, PadMapError, parse_pad_map
from franka_hil_teleop.teleop_core import InputState
import numpy as np
import pytest
import yaml

CONFIG = Path(__file__).resolve().parents[3] / 'config'

# The documented layouts (README), written out independently of the YAML files they check.
# close/open: ('axis', index, released, pressed) or ('button', index).
FAMILIES = {
    'game_controller': {
        'size': (6, 21),
        'x': 1,
        'y': 0,
        'z': 3,
        'close': ('axis', 4, 0.0, -1.0),
        'open': ('axis', 5, 0.0, -1.0),
        'enable': 10,
        'success': 3,
        'failure': 0,
        'rerecord': 2,
    },
    'xbox': {
        'size': (8, 11),
        'x': 1,
        'y': 0,
        'z': 4,
        'close': ('axis', 2, 1.0, -1.0),
        'open': ('axis', 5, 1.0, -1.0),
        'enable': 5,
        'success': 3,
        'failure': 0,
        'rerecord': 2,
    },
    'playstation': {
        'size': (8, 13),
        'x': 1,
        'y': 0,
        'z': 4,
        'close': ('axis', 2, 1.0, -1.0),
        'open': ('axis', 5, 1.0, -1.0),
        'enable': 5,
        'success': 2,
        'failure': 0,
        'rerecord': 3,
    },
    'logitech': {
        'size': (6, 12),
        'x': 1,
        'y': 0,
        'z': 3,
        'close': ('button', 6),
        'open': ('button', 7),
        'enable': 5,
        'success': 3,
        'failure': 1,
        'rerecord': 0,
    },
}


def load(family):
    return load_pad_map(CONFIG / f'teleop_pad_{family}.yaml')


def rest(spec):
    axes, buttons = [0.0] * spec['size'][0], [0] * spec['size'][1]
    for trig in (spec['close'], spec['open']):
        if trig[0] == 'axis':
            axes[trig[1]] = trig[2]
    return axes, buttons


def press(spec, trig, axes, buttons, amount=1.0):
    if trig[0] == 'button':
        buttons[trig[1]] = 1
    else:
        axes[trig[1]] = trig[2] + amount * (trig[3] - trig[2])


@pytest.mark.parametrize('family', FAMILIES)
def test_rest_state_is_no_command(family):
    pad, spec = load(family), FAMILIES[family]
    assert (pad.joy_axes, pad.joy_buttons) == spec['size']
    assert pad.to_input(*rest(spec)) == InputState()


@pytest.mark.parametrize('family', FAMILIES)
@pytest.mark.parametrize('axis', range(3))
@pytest.mark.parametrize('value', [1.0, -0.4, 0.05])
def test_each_stick_axis(family, axis, value):
    pad, spec = load(family), FAMILIES[family]
    axes, buttons = rest(spec)
    axes[spec['xyz'[axis]]] = value
    expected = [0.0, 0.0, 0.0]
    expected[axis] = value
    assert pad.to_input(axes, buttons).linear == pytest.approx(tuple(expected))


@pytest.mark.parametrize('family', FAMILIES)
def test_stick_values_beyond_full_scale_are_clipped(family):
    pad, spec = load(family), FAMILIES[family]
    axes, buttons = rest(spec)
    axes[spec['x']], axes[spec['z']] = 1.7, -3.0
    assert pad.to_input(axes, buttons).linear == (1.0, 0.0, -1.0)
    axes[spec['y']] = float('nan')
    with pytest.raises(ValueError, match='finite'):
        pad.to_input(axes, buttons)


@pytest.mark.parametrize('family', FAMILIES)
def test_gripper_triggers(family):
    pad, spec = load(family), FAMILIES[family]
    for trig, expected in ((spec['close'], GRIPPER_CLOSE), (spec['open'], GRIPPER_OPEN)):
        axes, buttons = rest(spec)
        press(spec, trig, axes, buttons)
        assert pad.to_input(axes, buttons).gripper == expected
        if trig[0] == 'axis':
            press(spec, trig, axes, buttons, amount=0.5)  # half way: below the threshold
            assert pad.to_input(axes, buttons).gripper == GRIPPER_STAY
            press(spec, trig, axes, buttons, amount=0.7)
            assert pad.to_input(axes, buttons).gripper == expected
            axes[trig[1]] = 0.0  # joy_node reports 0.0 before a trigger first moves
            assert pad.to_input(axes, buttons).gripper == GRIPPER_STAY
    axes, buttons = rest(spec)
    press(spec, spec['close'], axes, buttons)
    press(spec, spec['open'], axes, buttons)
    assert pad.to_input(axes, buttons).gripper == GRIPPER_STAY  # both: no change, as gym-hil


@pytest.mark.parametrize('family', FAMILIES)
@pytest.mark.parametrize('button', ['enable', 'success', 'failure', 'rerecord'])
def test_each_button(family, button):
    pad, spec = load(family), FAMILIES[family]
    axes, buttons = rest(spec)
    buttons[spec[button]] = 1
    assert pad.to_input(axes, buttons) == InputState(**{button: True})


@pytest.mark.parametrize('family', FAMILIES)
def test_to_joy_is_the_exact_inverse_of_to_input(family):
    pad = load(family)
    rng = np.random.default_rng(1)
    for _ in range(300):
        state = InputState(
            enable=bool(rng.integers(2)),
            linear=tuple(float(v) for v in rng.uniform(-1, 1, 3).astype(np.float32)),
            gripper=int(rng.integers(3)),
            success=bool(rng.integers(2)),
            failure=bool(rng.integers(2)),
            rerecord=bool(rng.integers(2)),
        )
        axes, buttons = pad.to_joy(state)
        assert (len(axes), len(buttons)) == FAMILIES[family]['size']
        # Through float32, as a Joy message carries axes.
        assert pad.to_input(list(np.float32(axes)), buttons) == state


def test_joy_message_shape_is_checked_against_the_map():
    pad = load('xbox')
    assert pad.check_sizes(8, 11) is None and pad.size_warning(8, 11) is None
    error = pad.check_sizes(2, 21)
    assert "'xbox'" in error and '2 axes and 21 buttons' in error
    assert 'needs at least 6 axes and 6 buttons' in error and '`pad`' in error
    # Big enough but not the family's shape (a game_controller_node stream read as xbox):
    # usable, with a warning naming the expected shape.
    assert pad.check_sizes(6, 21) is None
    assert 'expects 8 and 11' in pad.size_warning(6, 21)


def test_describe_names_the_printed_labels():
    line = describe(load('playstation'))
    for label in ('R1', 'L2', 'R2', 'triangle', 'cross', 'square'):
        assert label in line


def good_map():
    return yaml.safe_load((CONFIG / 'teleop_pad_xbox.yaml').read_text())


@pytest.mark.parametrize(
    'edit, message',
    [
        (lambda d: d.pop('buttons'), 'buttons'),
        (lambda d: d['buttons'].pop('enable'), 'missing'),
        (lambda d: d['buttons'].update(success=5), 'one meaning'),
        (lambda d: d['linear'].update(z={'axis': 0, 'sign': 1}), 'one meaning'),
        (lambda d: d['linear']['x'].update(sign=2), 'sign must be 1 or -1'),
        (lambda d: d['linear']['y'].update(axis=-1), 'index >= 0'),
        (lambda d: d['gripper'].update(threshold=1.0), 'threshold'),
        (
            lambda d: d['gripper'].update(close={'axis': 2, 'released': 1.0, 'pressed': 1.0}),
            'differ',
        ),
        (lambda d: d['gripper'].update(open={'axis': 5}), 'released, pressed'),
        (lambda d: d.update(joy_size={'axes': 3, 'buttons': 11}), 'joy_size too small'),
        (lambda d: d.update(colour='red'), 'unknown keys'),
    ],
)
def test_invalid_pad_maps_are_rejected_with_the_reason(edit, message):
    data = good_map()
    edit(data)
    with pytest.raises(PadMapError, match=message):
        parse_pad_map(data, 'edited.yaml')


def test_unreadable_pad_map_files(tmp_path):
    with pytest.raises(PadMapError, match='cannot read'):
        load_pad_map(tmp_path / 'missing.yaml')
    bad = tmp_path / 'bad.yaml'
    bad.write_text('linear: [unclosed\n')
    with pytest.raises(PadMapError, match='not valid YAML'):
        load_pad_map(bad)
