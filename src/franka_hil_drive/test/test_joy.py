# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Keys and pad to Joy (SDL game_controller layout), and the driver input's deadman."""

from pathlib import Path

from franka_hil_drive import joy
from franka_hil_drive.joy import DriverInput, NEUTRAL, to_joy
import yaml

PAD_MAP = Path(__file__).resolve().parents[3] / 'config' / 'teleop_pad_game_controller.yaml'


def test_indices_are_the_pad_maps():
    pad = yaml.safe_load(PAD_MAP.read_text())
    assert (pad['joy_size']['axes'], pad['joy_size']['buttons']) == (joy.JOY_AXES, joy.JOY_BUTTONS)
    assert (
        pad['linear']['x']['axis'],
        pad['linear']['y']['axis'],
        pad['linear']['z']['axis'],
        pad['gripper']['close']['axis'],
        pad['gripper']['open']['axis'],
    ) == (joy.AXIS_X, joy.AXIS_Y, joy.AXIS_Z, joy.AXIS_CLOSE, joy.AXIS_OPEN)
    assert pad['gripper']['close']['pressed'] == joy.TRIGGER_PRESSED
    buttons = pad['buttons']
    assert (buttons['enable'], buttons['success'], buttons['failure'], buttons['rerecord']) == (
        joy.BUTTON_ENABLE,
        joy.BUTTON_SUCCESS,
        joy.BUTTON_FAILURE,
        joy.BUTTON_RERECORD,
    )


def test_held_keys_deflect_the_sticks():
    state = to_joy({'Space', 'KeyW', 'ArrowLeft', 'KeyQ', 'KeyC'}, None, 1.0, 0.2)
    assert state.axes == (1.0, 1.0, 0.0, -1.0, -1.0, 0.0)
    assert state.buttons[joy.BUTTON_ENABLE] == 1 and sum(state.buttons) == 1
    fine = to_joy({'Space', 'ArrowDown', 'ShiftLeft'}, None, 1.0, 0.2)
    assert fine.axes[joy.AXIS_X] == -0.2
    assert to_joy({'KeyW', 'KeyS'}, None, 1.0, 0.2).axes[joy.AXIS_X] == 0.0  # both: none
    assert to_joy({'Enter', 'Backspace', 'KeyR'}, None, 1, 1).buttons[:4] == (1, 0, 1, 1)
    assert to_joy(set(), None, 1.0, 0.2) == NEUTRAL and NEUTRAL.neutral


def test_a_standard_pad_becomes_the_sdl_layout():
    buttons = [0.0] * 17
    buttons[5], buttons[6], buttons[3] = 1.0, 0.5, 1.0  # RB held, LT half, Y
    state = to_joy(set(), {'axes': [0.5, -1.0, 0.0, 0.25], 'buttons': buttons}, 1.0, 0.2)
    # Standard mapping: right / down positive; ROS: left / up positive.
    assert state.axes == (-0.5, 1.0, 0.0, -0.25, -0.5, 0.0)
    assert state.buttons[joy.BUTTON_ENABLE] == 1 and state.buttons[joy.BUTTON_SUCCESS] == 1
    # Keys win on the axis they move; buttons add up.
    both = to_joy({'KeyD'}, {'axes': [0.5, -1.0], 'buttons': buttons}, 1.0, 0.2)
    assert both.axes[joy.AXIS_Y] == -1.0 and both.axes[joy.AXIS_X] == 1.0


def test_toggle_latches_the_override_until_released():
    driver = DriverInput(1.0, 0.2)
    assert driver.update({'KeyT'}, None, 0.0).buttons[joy.BUTTON_ENABLE] == 1
    assert driver.update(set(), None, 0.1).buttons[joy.BUTTON_ENABLE] == 1
    assert driver.update({'KeyT'}, None, 0.2).buttons[joy.BUTTON_ENABLE] == 0
    driver.update({'KeyT'}, None, 0.3)  # latched again, then the tab goes
    assert driver.release() == NEUTRAL
    assert driver.update(set(), None, 0.4) == NEUTRAL


def test_silence_releases_and_neutral_is_sent_a_few_times_only():
    driver = DriverInput(1.0, 0.2, timeout=0.25, neutral_repeats=3)
    assert driver.tick(0.0) is None  # nobody drove yet
    held = driver.update({'Space', 'KeyW'}, None, 0.0)
    assert driver.tick(0.1) == held and driver.tick(0.2) == held
    # No heartbeat for more than 0.25 s: neutral, repeated, then nothing.
    assert [driver.tick(t) for t in (0.3, 0.34, 0.38, 0.42)] == [NEUTRAL, NEUTRAL, NEUTRAL, None]
    driver.update({'Space'}, None, 1.0)
    driver.update(set(), None, 1.05)  # released by the page: counts as one neutral sent
    assert [driver.tick(t) for t in (1.1, 1.14, 1.18)] == [NEUTRAL, NEUTRAL, None]
