# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Operational-space control: tracking, tool orientation, null space, torque limits."""

from franka_hil_sim import robot
from franka_hil_sim.opspace import OpSpaceController
from franka_hil_sim.pick_cube import HOME_QPOS
import mujoco
import numpy as np
import pytest


@pytest.fixture
def arm():
    model = robot.load_scene()
    data = mujoco.MjData(model)
    data.qpos[:7] = HOME_QPOS
    data.qpos[7:9] = robot.FINGER_OPEN
    mujoco.mj_forward(model, data)
    data.mocap_pos[0] = data.site('tcp').xpos
    return model, data, OpSpaceController(model, data, HOME_QPOS)


def _run(model, data, controller, seconds):
    for _ in range(int(round(seconds / model.opt.timestep))):
        controller.step()
    mujoco.mj_kinematics(model, data)


@pytest.mark.parametrize('target', [(0.5, 0.1, 0.2), (0.3, -0.2, 0.05), (0.6, 0.25, 0.4)])
def test_tcp_reaches_targets_pointing_down(arm, target):
    model, data, controller = arm
    data.mocap_pos[0] = target
    _run(model, data, controller, 1.5)
    tcp = data.body('panda_hand_tcp')
    np.testing.assert_allclose(tcp.xpos, target, atol=2e-3)
    assert tcp.xmat.reshape(3, 3)[2, 2] < -0.999
    assert np.abs(data.qvel[:7]).max() < 0.05


def test_step_response_is_critically_damped(arm):
    model, data, controller = arm
    start = data.site('tcp').xpos.copy()
    data.mocap_pos[0] = start + (0.0, 0.05, 0.0)
    heights = []
    for _ in range(300):
        controller.step()
        heights.append(data.site('tcp').xpos[1] - start[1])
    assert max(heights) < 0.05 * 1.05           # no real overshoot
    assert heights[150] > 0.05 * 0.85           # 0.3 s: most of the way (omega ~ 14 rad/s)


def test_null_space_pull_does_not_move_the_tcp(arm):
    model, data, controller = arm
    data.qpos[0] += 0.3                           # elbow off home, TCP target where the TCP is
    mujoco.mj_forward(model, data)
    data.mocap_pos[0] = data.site('tcp').xpos
    tcp = data.site('tcp').xpos.copy()
    q1 = data.qpos[0]
    _run(model, data, controller, 2.0)
    np.testing.assert_allclose(data.site('tcp').xpos, tcp, atol=3e-3)
    assert abs(data.qpos[0]) < abs(q1)            # joint 1 drifted back toward home


def test_torques_stay_within_limits(arm):
    model, data, controller = arm
    data.mocap_pos[0] = (0.2, 0.3, 0.5)          # far jump: the task force saturates
    peak = np.zeros(7)
    for _ in range(200):
        controller.step()
        peak = np.maximum(peak, np.abs(data.qfrc_actuator[:7]))
    limits = np.array([87.0] * 4 + [12.0] * 3)
    assert np.all(peak <= limits + 1e-9)
    assert np.any(np.isclose(peak, limits))       # it really was saturating
