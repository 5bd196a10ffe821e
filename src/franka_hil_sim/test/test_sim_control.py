# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Operational-space control: the law itself, tracking, tool orientation, null space, limits."""

from franka_hil_sim.core import opspace, robot
from franka_hil_sim.core.opspace import OpSpaceController
from franka_hil_sim.core.pick_cube import HOME_QPOS
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
    assert max(heights) < 0.05 * 1.05  # no real overshoot
    assert heights[150] > 0.05 * 0.85  # 0.3 s: most of the way (omega ~ 14 rad/s)


def test_null_space_pull_does_not_move_the_tcp(arm):
    model, data, controller = arm
    data.qpos[0] += 0.3  # elbow off home, TCP target where the TCP is
    mujoco.mj_forward(model, data)
    data.mocap_pos[0] = data.site('tcp').xpos
    tcp = data.site('tcp').xpos.copy()
    q1 = data.qpos[0]
    _run(model, data, controller, 2.0)
    np.testing.assert_allclose(data.site('tcp').xpos, tcp, atol=3e-3)
    assert abs(data.qpos[0]) < abs(q1)  # joint 1 drifted back toward home


def test_torques_stay_within_limits(arm):
    model, data, controller = arm
    data.mocap_pos[0] = (0.2, 0.3, 0.5)  # far jump: the task force saturates
    peak = np.zeros(7)
    for _ in range(200):
        controller.step()
        peak = np.maximum(peak, np.abs(data.qfrc_actuator[:7]))
    limits = np.array([87.0] * 4 + [12.0] * 3)
    assert np.all(peak <= limits + 1e-9)
    assert np.any(np.isclose(peak, limits))  # it really was saturating


def _law_torque(model, data):
    """
    Arm torques of the law from first principles (a test oracle, not the implementation).

    tau = J^T Lambda (-kp e - kd v) + (I - J^T Lambda J M^-1) ddq_null, Lambda = (J M^-1 J^T)^-1,
    ddq_null = kn (q_home - q) - dn dq, e = TCP pose error to the target, v = J dq.
    """
    kp, kn = opspace.STIFFNESS, opspace.NULLSPACE_STIFFNESS
    kd = opspace.DAMPING_RATIO * 2.0 * np.sqrt(kp)
    dn = opspace.DAMPING_RATIO * 2.0 * np.sqrt(kn)
    nv, tcp, target = model.nv, data.site(opspace.TCP_SITE), data.site('target')
    jac = np.zeros((6, nv))
    mujoco.mj_jacSite(model, data, jac[:3], jac[3:], tcp.id)
    inertia = np.zeros((nv, nv))
    mujoco.mj_fullM(model, data, inertia)
    inertia_inv = np.linalg.inv(inertia)
    task_inertia = np.linalg.inv(jac @ inertia_inv @ jac.T)
    tcp_quat, target_quat, rotation = np.zeros(4), np.zeros(4), np.zeros(3)
    mujoco.mju_mat2Quat(tcp_quat, tcp.xmat)
    mujoco.mju_mat2Quat(target_quat, target.xmat)
    mujoco.mju_subQuat(rotation, tcp_quat, target_quat)
    error = np.concatenate((tcp.xpos - target.xpos, rotation))
    ddq_null = np.zeros(nv)
    ddq_null[:7] = kn * (HOME_QPOS - data.qpos[:7]) - dn * data.qvel[:7]
    projector = np.eye(nv) - jac.T @ task_inertia @ jac @ inertia_inv
    tau = jac.T @ task_inertia @ (-kp * error - kd * (jac @ data.qvel)) + projector @ ddq_null
    assert np.all(tau[7:] == 0.0)  # only the arm joints take part
    return tau[:7]


def test_controller_follows_the_law(arm):
    """The compiled controller's trajectory equals the oracle's, applied as joint torques."""
    model, data, controller = arm
    data.qpos[0] += 0.3  # null space pulls joint 1 back meanwhile
    mujoco.mj_forward(model, data)
    reference = mujoco.MjData(model)
    mujoco.mj_copyData(reference, model, data)
    null = [model.actuator(name).id for name in opspace.NULLSPACE_ACTUATORS]
    states = []
    for target in ((0.45, 0.1, 0.25), (0.35, -0.15, 0.1), (0.55, 0.2, 0.35)):
        data.mocap_pos[0] = reference.mocap_pos[0] = target
        for _ in range(100):
            controller.step()
            mujoco.mj_step1(model, reference)
            reference.ctrl[:] = 0.0
            reference.ctrl[null] = _law_torque(model, reference) / opspace.STIFFNESS
            mujoco.mj_step2(model, reference)
        states.append(
            (data.qpos.copy(), reference.qpos.copy(), data.qvel.copy(), reference.qvel.copy())
        )
    assert np.abs(states[0][0] - states[-1][0]).max() > 0.1  # the arm really moved
    for qpos, qpos_ref, qvel, qvel_ref in states:
        np.testing.assert_allclose(qpos, qpos_ref, rtol=0, atol=1e-9)
        np.testing.assert_allclose(qvel, qvel_ref, rtol=0, atol=1e-7)


def test_substeps_in_one_call_equal_single_steps(arm):
    model, data, controller = arm
    data.mocap_pos[0] = (0.4, 0.1, 0.2)
    single = mujoco.MjData(model)
    mujoco.mj_copyData(single, model, data)
    controller.step(50)
    twin = OpSpaceController(model, single, HOME_QPOS)
    for _ in range(50):
        twin.step()
    np.testing.assert_array_equal(data.qpos, single.qpos)
    np.testing.assert_array_equal(data.qvel, single.qvel)
    assert data.time == single.time


def test_engine_error_raises_like_mj_step():
    """A MuJoCo error inside the compiled loop is a mujoco.FatalError, not the process's end."""
    spec = robot.scene_spec()
    for memory in range(2000, 8001, 500):  # an arena big enough to allocate, not to step
        spec.memory = memory
        try:
            model = spec.compile()
            data = mujoco.MjData(model)
        except ValueError:  # compiling (mj_forward) did not fit yet
            continue
        try:
            mujoco.mj_step(model, data)
        except mujoco.FatalError as error:
            expected = str(error)
            break
    else:
        pytest.fail('no arena size makes mj_step fail')
    data = mujoco.MjData(model)
    controller = OpSpaceController(model, data, HOME_QPOS)
    for _ in range(2):  # and the next call works the same way
        with pytest.raises(mujoco.FatalError) as caught:
            controller.step(5)
        assert str(caught.value) == expected
        mujoco.mj_resetData(model, data)
