# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Operational-space control of the Panda TCP, recomputed every physics step.

gym-hil spends three quarters of its step time on this law in numpy. Here MuJoCo does the bulk
in C inside mj_step: six Cartesian actuators between the TCP site and the mocap target give the
pose error (actuator_length) and the TCP twist (actuator_velocity) in world axes and apply J^T F;
the joints' gravity compensation and torque limits (actuatorgravcomp, actuatorfrcrange) are
native too. Python only forms the task-space inertia and
the null-space term, with a handful of calls on preallocated buffers:

    tau = J^T Lambda (-kp e - kd v - X ddq_null) + ddq_null,   X = M^-1 J^T,
    Lambda = (J M^-1 J^T)^-1,   ddq_null = kn (q_home - q) - dn dq,

which is gym-hil's law (stiffness 200, damping ratio 1, null-space stiffness 0.5, torques clipped
at 87 / 12 Nm) with the Coriolis term left out (gravity only, as the contract asks). The site
actuators have gain -kp and the null-space motors gain kp, so the solver's result and the scaled
null-space torque go straight into data.ctrl.
"""

import mujoco
import numpy as np

STIFFNESS = 200.0
DAMPING_RATIO = 1.0
NULLSPACE_STIFFNESS = 0.5
TCP_SITE = 'tcp'
TASK_ACTUATORS = ('osc_x', 'osc_y', 'osc_z', 'osc_rx', 'osc_ry', 'osc_rz')
NULLSPACE_ACTUATORS = tuple(f'null_joint{i}' for i in range(1, 8))
# Pivot floor of the task-space Cholesky factor: regularises the inverse near singularities.
_MIN_PIVOT = 1e-6


def _contiguous_ids(model, obj, names):
    ids = [mujoco.mj_name2id(model, obj, name) for name in names]
    if min(ids) < 0 or ids != list(range(ids[0], ids[0] + len(ids))):
        raise ValueError(f'model must define {names} consecutively')
    return slice(ids[0], ids[-1] + 1)


class OpSpaceController:
    """Drives the TCP site of a scene to its mocap target; `step()` is one controlled mj_step."""

    def __init__(self, model, data, home_qpos, stiffness=STIFFNESS,
                 damping_ratio=DAMPING_RATIO, nullspace_stiffness=NULLSPACE_STIFFNESS):
        self._model, self._data = model, data
        task = _contiguous_ids(model, mujoco.mjtObj.mjOBJ_ACTUATOR, TASK_ACTUATORS)
        null = _contiguous_ids(model, mujoco.mjtObj.mjOBJ_ACTUATOR, NULLSPACE_ACTUATORS)
        arm = [model.actuator_trnid[i, 0] for i in range(null.start, null.stop)]
        arm_dofs = [model.jnt_dofadr[j] for j in arm]
        arm_qpos = [model.jnt_qposadr[j] for j in arm]
        if arm_dofs != list(range(arm_dofs[0], arm_dofs[0] + 7)):
            raise ValueError('arm joints must be consecutive degrees of freedom')
        kd = damping_ratio * 2.0 * np.sqrt(stiffness)
        kd_null = damping_ratio * 2.0 * np.sqrt(nullspace_stiffness)
        model.actuator_gaintype[task] = mujoco.mjtGain.mjGAIN_FIXED
        model.actuator_biastype[task] = mujoco.mjtBias.mjBIAS_NONE
        model.actuator_gainprm[task, 0] = -stiffness
        model.actuator_gainprm[null, 0] = stiffness
        self._velocity_gain = kd / stiffness

        nv = model.nv
        self._sig = int(mujoco.mjtState.mjSTATE_QPOS | mujoco.mjtState.mjSTATE_QVEL)
        size = mujoco.mj_stateSize(model, self._sig)
        # [qpos, qvel, 1]: the null-space law is one affine map of it.
        self._state = np.zeros(size + 1)
        self._state[-1] = 1.0
        self._state_out = self._state[:size]
        self._null_map = np.zeros((7, size + 1))
        for row, (qadr, dadr) in enumerate(zip(arm_qpos, arm_dofs)):
            self._null_map[row, qadr] = -nullspace_stiffness / stiffness
            self._null_map[row, model.nq + dadr] = -kd_null / stiffness
            self._null_map[row, -1] = nullspace_stiffness * home_qpos[row] / stiffness
        self._site = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_SITE, TCP_SITE)
        self._jac = np.zeros((6, nv))
        self._jac_pos, self._jac_rot = self._jac[:3], self._jac[3:]
        self._minv_jt = np.zeros((6, nv))
        self._minv_jt_arm = self._minv_jt[:, arm_dofs[0]:arm_dofs[0] + 7]
        self._lam_inv = np.zeros((6, 6))
        self._rhs = np.zeros(6)
        self._length = data.actuator_length[task]
        self._velocity = data.actuator_velocity[task]
        self._force = data.ctrl[task]
        self._null = data.ctrl[null]

    def step(self, substeps=1):
        """Advance the physics by `substeps` timesteps, recomputing the torques at each one."""
        # Everything bound to locals: at ~15 us per mj_step, attribute lookups would show.
        m, d, site, sig = self._model, self._data, self._site, self._sig
        jac, jac_pos, jac_rot, minv_jt, minv_jt_arm = (
            self._jac, self._jac_pos, self._jac_rot, self._minv_jt, self._minv_jt_arm)
        lam_inv, rhs, state, state_out, null_map, null = (
            self._lam_inv, self._rhs, self._state, self._state_out, self._null_map, self._null)
        length, velocity, velocity_gain, force = (
            self._length, self._velocity, self._velocity_gain, self._force)
        step1, step2, jac_site, solve_m, get_state = (
            mujoco.mj_step1, mujoco.mj_step2, mujoco.mj_jacSite, mujoco.mj_solveM,
            mujoco.mj_getState)
        mat_mat_t, mat_vec, dot, add_to, add_to_scl, chol, chol_solve = (
            mujoco.mju_mulMatMatT, mujoco.mju_mulMatVec, np.dot, mujoco.mju_addTo,
            mujoco.mju_addToScl, mujoco.mju_cholFactor, mujoco.mju_cholSolve)
        for _ in range(substeps):
            step1(m, d)
            jac_site(m, d, jac_pos, jac_rot, site)
            solve_m(m, d, minv_jt, jac)
            mat_mat_t(lam_inv, jac, minv_jt)
            get_state(m, d, state_out, sig)
            mat_vec(null, null_map, state)
            dot(minv_jt_arm, null, out=rhs)
            add_to(rhs, length)
            add_to_scl(rhs, velocity, velocity_gain)
            chol(lam_inv, _MIN_PIVOT)
            chol_solve(force, lam_inv, rhs)
            step2(m, d)
