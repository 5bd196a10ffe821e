# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Deadman, input timeout, scale and edge-triggered events of the device-neutral core."""

from franka_hil_common.actions import GRIPPER_CLOSE, GRIPPER_OPEN, GRIPPER_STAY
from franka_hil_common.events import FAILURE, RERECORD, SUCCESS
from franka_hil_teleop.teleop_core import InputState, RELEASE, TeleopCore
import pytest


def test_command_while_enable_held_scaled_to_linear_speed():
    core = TeleopCore(linear_speed=0.25, timeout=0.5)
    out = core.update(
        InputState(enable=True, linear=(1.0, -0.5, 0.2), gripper=GRIPPER_CLOSE), now=0.0
    )
    assert out.command.active and out.command.gripper == GRIPPER_CLOSE
    assert out.command.linear == pytest.approx((0.25, -0.125, 0.05))
    assert TeleopCore(0.1).update(
        InputState(enable=True, linear=(1.0, 0, 0)), 0.0
    ).command.linear == pytest.approx((0.1, 0, 0))


def test_deadman_one_release_then_silence():
    core = TeleopCore(0.25, 0.5)
    assert core.update(InputState(linear=(1.0, 0, 0)), 0.0).command is None  # never enabled
    for t in (0.1, 0.2):
        assert core.update(
            InputState(enable=True, linear=(0.5, 0, 0), gripper=GRIPPER_OPEN), t
        ).command.active
    out = core.update(InputState(enable=False, linear=(0.5, 0, 0), gripper=GRIPPER_OPEN), 0.3)
    assert out.command == RELEASE
    assert out.command.linear == (0.0, 0.0, 0.0) and out.command.gripper == GRIPPER_STAY
    assert core.update(InputState(linear=(0.5, 0, 0)), 0.4).command is None
    assert not core.active


def test_timeout_releases_once_and_input_resumes_it():
    core = TeleopCore(0.25, timeout=0.5)
    core.update(InputState(enable=True), 10.0)
    assert core.check_timeout(10.5).command is None  # not longer than the timeout yet
    assert core.check_timeout(10.51).command == RELEASE
    assert core.check_timeout(11.0).command is None  # only once
    assert not core.active
    assert core.update(InputState(enable=True), 11.1).command.active
    assert TeleopCore(0.25).check_timeout(1e9).command is None


def test_each_event_once_per_press_even_within_one_control_step():
    core = TeleopCore(0.25, 0.5)
    seen = []
    # Y pressed and released 20 ms apart, then A, then X, all inside one 100 ms control step.
    for t, state in (
        (0.00, InputState(success=True)),
        (0.02, InputState()),
        (0.03, InputState(failure=True)),
        (0.04, InputState(failure=True)),
        (0.05, InputState()),
        (0.06, InputState(rerecord=True)),
        (0.07, InputState(rerecord=True, success=True)),
        (0.08, InputState()),
    ):
        seen += core.update(state, t).events
    assert seen == [SUCCESS, FAILURE, RERECORD, SUCCESS]


def test_events_do_not_need_the_deadman_and_do_not_publish_commands():
    core = TeleopCore(0.25, 0.5)
    out = core.update(InputState(failure=True), 0.0)
    assert out.events == (FAILURE,) and out.command is None


@pytest.mark.parametrize(
    'kwargs',
    [
        {'linear': (0.0, 0.0)},
        {'linear': (float('nan'), 0, 0)},
        {'linear': (1.5, 0, 0)},
        {'gripper': 3},
    ],
)
def test_malformed_input_state_is_rejected(kwargs):
    with pytest.raises(ValueError):
        InputState(**kwargs)


@pytest.mark.parametrize('speed, timeout', [(0.0, 0.5), (0.25, -1.0), (float('inf'), 0.5)])
def test_bad_settings_are_rejected(speed, timeout):
    with pytest.raises(ValueError):
        TeleopCore(speed, timeout)
