# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Key maps, the keyboard -> InputState mapping, terminal pulses and the terminal key parser."""

from pathlib import Path

from franka_hil_common.actions import GRIPPER_CLOSE, GRIPPER_OPEN, GRIPPER_STAY
from franka_hil_teleop.keyboard import (
    ACTIONS,
    flush_escape,
    KeyboardMapper,
    KeyMapError,
    load_key_map,
    parse_key_map,
    parse_terminal_keys,
    PulseKeys,
)
import pytest
import yaml

KEY_MAP = Path(__file__).resolve().parents[3] / 'config' / 'teleop_keyboard.yaml'


def test_x11_key_map_is_the_contract_key_map():
    keys = load_key_map(KEY_MAP, 'x11')
    assert keys == {
        'Up': 'x_plus',
        'Down': 'x_minus',
        'Left': 'y_plus',
        'Right': 'y_minus',
        'Shift_R': 'z_plus',
        'Shift_L': 'z_minus',
        'Control_L': 'close',
        'Control_R': 'open',
        'space': 'toggle',
        'Return': 'success',
        'KP_Enter': 'success',
        'Escape': 'failure',
        'r': 'rerecord',
        'f': 'fine',
    }
    assert set(load_key_map(KEY_MAP, 'terminal').values()) == set(ACTIONS)


@pytest.mark.parametrize(
    'edit, message',
    [
        (lambda d: d['x11'].pop('toggle'), 'missing'),
        (lambda d: d['x11'].update(jump=['j']), 'unknown'),
        (lambda d: d['x11'].update(failure=['r']), 'bound to both'),
        (lambda d: d['x11'].update(success=[]), 'non-empty'),
        (lambda d: d.pop('x11'), 'missing mapping'),
    ],
)
def test_invalid_key_maps_are_rejected(edit, message):
    data = yaml.safe_load(KEY_MAP.read_text())
    edit(data)
    with pytest.raises(KeyMapError, match=message):
        parse_key_map(data, 'x11', 'edited.yaml')
    with pytest.raises(KeyMapError, match='unknown keyboard backend'):
        parse_key_map(data, 'wayland', 'edited.yaml')


def test_each_action_maps_to_its_input():
    expected = {
        'x_plus': (1, 0, 0),
        'x_minus': (-1, 0, 0),
        'y_plus': (0, 1, 0),
        'y_minus': (0, -1, 0),
        'z_plus': (0, 0, 1),
        'z_minus': (0, 0, -1),
    }
    for action, linear in expected.items():
        state = KeyboardMapper().update({action})
        assert state.linear == linear and state.gripper == GRIPPER_STAY and not state.enable
    assert KeyboardMapper().update({'x_plus', 'x_minus', 'y_plus'}).linear == (0, 1, 0)
    assert KeyboardMapper().update({'close'}).gripper == GRIPPER_CLOSE
    assert KeyboardMapper().update({'open'}).gripper == GRIPPER_OPEN
    assert KeyboardMapper().update({'open', 'close'}).gripper == GRIPPER_STAY
    for event in ('success', 'failure', 'rerecord'):
        assert getattr(KeyboardMapper().update({event}), event)


def test_space_toggles_once_per_press():
    mapper = KeyboardMapper()
    states = [
        mapper.update(held).enable
        for held in (set(), {'toggle'}, {'toggle'}, {'toggle', 'x_plus'}, set(), {'toggle'}, set())
    ]
    assert states == [False, True, True, True, True, False, False]


def test_terminal_pulses_hold_motion_briefly_and_buttons_past_key_repeat():
    pulses = PulseKeys(pulse_duration=0.2, button_hold=0.6)
    pulses.press('x_plus', 10.0)
    pulses.press('success', 10.0)
    assert pulses.held(10.1) == {'x_plus', 'success'}
    assert pulses.held(10.25) == {'success'}
    # Key repeat every 33 ms keeps a held key held: one long press, not many.
    for i in range(1, 30):
        pulses.press('x_plus', 10.0 + 0.033 * i)
    assert 'x_plus' in pulses.held(10.0 + 0.033 * 29 + 0.19)
    assert pulses.held(10.0 + 0.033 * 29 + 0.21) == set()
    # The last key wins over a pulse in the opposite direction.
    pulses.press('close', 20.0)
    pulses.press('z_minus', 20.0)
    pulses.press('open', 20.1)
    pulses.press('z_plus', 20.1)
    assert pulses.held(20.15) == {'open', 'z_plus'}
    with pytest.raises(ValueError):
        PulseKeys(0.0, 0.6)


@pytest.mark.parametrize(
    'data, keys',
    [
        (b' \r\n', ['space', 'enter', 'enter']),
        (b'rR', ['r', 'r']),
        (b'\x1b[A\x1b[B\x1b[C\x1b[D', ['up', 'down', 'right', 'left']),
        (b'\x1bOA\x1bOD', ['up', 'left']),  # application cursor mode
        (b'\x1b[1;2A\x1b[1;2B', ['shift+up', 'shift+down']),
        (b'\x1b[5~\x1b[6~', ['page_up', 'page_down']),
        (b'\x1b[99~', ['unknown']),
        (b'\x1bx', ['escape', 'x']),
    ],
)
def test_terminal_parser(data, keys):
    assert parse_terminal_keys(data) == (keys, '')


def test_terminal_parser_keeps_incomplete_sequences_and_lone_escape():
    keys, rest = parse_terminal_keys(b'c\x1b[')
    assert keys == ['c'] and rest == '\x1b['
    assert parse_terminal_keys(rest + '1;2A') == (['shift+up'], '')
    keys, rest = parse_terminal_keys(b'\x1b')
    assert keys == [] and flush_escape(rest) == ['escape']
    assert flush_escape('') == []


def test_fine_toggles_on_each_press_and_scales_every_motion():
    mapper = KeyboardMapper(fine_scale=0.2)
    assert mapper.update({'x_plus'}).linear == (1, 0, 0)
    assert mapper.update({'fine', 'x_plus', 'z_minus'}).linear == (0.2, 0, -0.2)
    assert mapper.update({'fine', 'y_minus'}).linear == (0, -0.2, 0)  # still held: one press
    mapper.update(set())
    assert mapper.update({'fine', 'x_plus'}).linear == (1, 0, 0)  # pressed again: off
    with pytest.raises(ValueError, match='fine_scale'):
        KeyboardMapper(fine_scale=0.0)
