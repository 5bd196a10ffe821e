# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The twist <-> EE action conversion the simulator and the gym bridge import."""

from franka_hil_common.actions import action_to_twist, EE_STEP, full_scale_speed
from franka_hil_common.actions import GRIPPER_CLOSE, GRIPPER_OPEN, GRIPPER_STAY, twist_to_action
from franka_hil_common.task import CONTROL_DT
import numpy as np
import pytest


def test_contract_defaults_give_quarter_metre_per_second_at_full_action():
    assert EE_STEP == 0.025 and CONTROL_DT == 0.1
    assert full_scale_speed() == pytest.approx(0.25)
    assert full_scale_speed(0.05, 0.1) == pytest.approx(0.5)


def test_twist_to_action_scales_clips_and_appends_gripper():
    action = twist_to_action([0.25, -0.125, 0.0], GRIPPER_CLOSE)
    assert action.dtype == np.float32 and action.shape == (4,)
    np.testing.assert_allclose(action, [1.0, -0.5, 0.0, 2.0], atol=1e-7)
    np.testing.assert_allclose(
        twist_to_action([1.0, -3.0, 0.05], GRIPPER_OPEN), [1.0, -1.0, 0.2, 0.0], atol=1e-7
    )
    assert twist_to_action([0.1, 0.0, 0.0], use_gripper=False).shape == (3,)
    # Other step sizes / control periods are arguments, not new constants.
    np.testing.assert_allclose(
        twist_to_action([0.1, 0, 0], step_size=0.01, control_dt=0.05),
        [0.5, 0, 0, GRIPPER_STAY],
        atol=1e-7,
    )


def test_action_to_twist_is_the_inverse_inside_the_action_space():
    rng = np.random.default_rng(0)
    for _ in range(200):
        action = np.append(rng.uniform(-1, 1, 3), rng.integers(0, 3)).astype(np.float32)
        linear, gripper = action_to_twist(action)
        np.testing.assert_array_equal(twist_to_action(linear, gripper), action)
    linear, gripper = action_to_twist([2.0, 0.0, -1.0, 1.6])
    np.testing.assert_allclose(linear, [0.25, 0.0, -0.25])
    assert gripper == GRIPPER_CLOSE
    assert action_to_twist([0.0, 0.0, 0.0])[1] == GRIPPER_STAY


@pytest.mark.parametrize(
    'call, message',
    [
        (lambda: twist_to_action([0.0, 0.0]), '3 entries'),
        (lambda: twist_to_action([np.nan, 0.0, 0.0]), 'finite'),
        (lambda: twist_to_action([0.0, 0.0, 0.0], 3), 'gripper'),
        (lambda: twist_to_action([0.0, 0.0, 0.0], step_size=0.0), 'step_size'),
        (lambda: action_to_twist([0.0] * 5), '3 or 4'),
        (lambda: action_to_twist([0.0, np.inf, 0.0, 1.0]), 'finite'),
        (lambda: action_to_twist([0.0] * 4, control_dt=-1.0), 'control_dt'),
    ],
)
def test_bad_input_is_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
