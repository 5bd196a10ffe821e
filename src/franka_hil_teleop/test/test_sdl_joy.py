# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""SDL GameController state -> Joy fields, with joy's deadzone, coalescing and autorepeat."""

from franka_hil_teleop.sdl_joy import AXES, axis_to_joy, BUTTONS, JoyStream
import pytest

# SDL_GameControllerAxis / SDL_GameControllerButton values used below.
LEFTX, LEFTY, TRIGGERLEFT = 0, 1, 4
BUTTON_A, BUTTON_Y, RIGHTSHOULDER = 0, 3, 10


def test_axis_scaling_inverts_to_ros_convention():
    assert axis_to_joy(0, 0.0) == 0.0
    assert axis_to_joy(32767, 0.0) == pytest.approx(-1.0)  # SDL right / down
    assert axis_to_joy(-32768, 0.0) == pytest.approx(1.0)  # SDL left / up, clamped
    assert axis_to_joy(-16384, 0.0) == pytest.approx(0.5, abs=1e-4)
    assert axis_to_joy(32767, 0.0) >= -1.0 and axis_to_joy(-32768, 0.0) <= 1.0


def test_deadzone_reads_zero_inside_and_rescales_outside():
    dz = 0.1
    assert axis_to_joy(3276, dz) == 0.0 and axis_to_joy(-3276, dz) == 0.0
    assert axis_to_joy(32767, dz) == pytest.approx(-1.0)
    assert axis_to_joy(-32767, dz) == pytest.approx(1.0)
    # Just outside the deadzone is near zero, not a jump to 0.1.
    assert 0.0 < axis_to_joy(-3300, dz) < 0.001
    # Triggers (0..32767) read 0 at rest and -1 fully pressed, as game_controller_node.
    assert axis_to_joy(0, 0.05) == 0.0 and axis_to_joy(32767, 0.05) == pytest.approx(-1.0)


def test_layout_and_initial_state():
    stream = JoyStream()
    frames = stream.reset([0, -32768, 0, 0, 32767, 0], [0] * 10 + [1] + [0] * 10, now=0.0)
    assert len(frames) == 1
    frame = frames[0]
    assert len(frame.axes) == AXES == 6 and len(frame.buttons) == BUTTONS == 21
    assert frame.axes[LEFTY] == pytest.approx(1.0) and frame.axes[TRIGGERLEFT] == pytest.approx(
        -1.0
    )
    assert frame.buttons[RIGHTSHOULDER] == 1
    assert JoyStream().reset() == []  # no device time: nothing to publish


def test_buttons_publish_at_once_and_a_short_press_is_never_merged_away():
    stream = JoyStream(autorepeat_rate=0.0)
    stream.reset(now=0.0)
    # Press and release read in the same batch (the same instant).
    down = stream.button(BUTTON_Y, True, 1.0)
    up = stream.button(BUTTON_Y, False, 1.0)
    assert [f.buttons[BUTTON_Y] for f in down + up] == [1, 0]
    assert stream.button(BUTTON_Y, False, 1.0) == []  # no change, nothing to say
    assert stream.button(99, True, 1.0) == []  # out of range: ignored


def test_axis_changes_are_coalesced():
    stream = JoyStream(autorepeat_rate=0.0, coalesce_interval=0.01)
    stream.reset(now=0.0)
    assert stream.axis(LEFTX, -32767, 1.000) == []
    assert stream.axis(LEFTY, -32767, 1.005) == []
    assert stream.next_wakeup(1.005) == pytest.approx(0.005)
    frames = stream.tick(1.010)
    assert len(frames) == 1
    assert frames[0].axes[LEFTX] == pytest.approx(1.0) and frames[0].axes[LEFTY] == pytest.approx(
        1.0
    )
    assert stream.tick(1.5) == [] and stream.next_wakeup(1.5) is None
    assert stream.axis(LEFTX, -32767, 2.0) == []  # same value: no change
    assert stream.tick(2.1) == []
    # A button publishes the pending axis change with it.
    stream.axis(LEFTX, 0, 3.0)
    frames = stream.button(BUTTON_A, True, 3.001)
    assert frames[0].axes[LEFTX] == 0.0 and stream.tick(3.1) == []


def test_autorepeat_republishes_the_last_state():
    stream = JoyStream(autorepeat_rate=20.0)
    stream.reset(now=0.0)
    stream.button(RIGHTSHOULDER, True, 0.0)
    assert stream.tick(0.049) == []
    assert stream.next_wakeup(0.049) == pytest.approx(0.001)
    frames = stream.tick(0.05)
    assert len(frames) == 1 and frames[0].buttons[RIGHTSHOULDER] == 1
    assert stream.tick(0.06) == [] and len(stream.tick(0.1)) == 1


@pytest.mark.parametrize(
    'kwargs',
    [
        {'deadzone': 1.0},
        {'deadzone': -0.1},
        {'autorepeat_rate': -1.0},
        {'autorepeat_rate': 2000.0},
        {'coalesce_interval': -0.001},
    ],
)
def test_bad_settings_are_rejected(kwargs):
    with pytest.raises(ValueError):
        JoyStream(**kwargs)
