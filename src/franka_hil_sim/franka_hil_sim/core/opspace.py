# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Operational-space control of the Panda TCP, recomputed every physics step.

gym-hil spends three quarters of its step time on this law in numpy. Here MuJoCo does the bulk
in C inside mj_step: six Cartesian actuators between the TCP site and the mocap target give the
pose error (actuator_length) and the TCP twist (actuator_velocity) in world axes and apply J^T F;
the joints' gravity compensation and torque limits (actuatorgravcomp, actuatorfrcrange) are
native too. The rest, the task-space inertia and the null-space term, is opspace.c, which runs
between mj_step1 and mj_step2 and loops over the substeps itself, so that a whole control period
is one call from Python (from Python, its dozen small MuJoCo calls per step would cost half as much
as the physics). The law:

    tau = J^T Lambda (-kp e - kd v - X ddq_null) + ddq_null,   X = M^-1 J^T,
    Lambda = (J M^-1 J^T)^-1,   ddq_null = kn (q_home - q) - dn dq,

which is gym-hil's law (stiffness 200, damping ratio 1, null-space stiffness 0.5, torques clipped
at 87 / 12 Nm) with the Coriolis term left out (gravity only, as the contract asks). The site
actuators have gain -kp and the null-space motors gain kp, so opspace.c writes the solved task
force and the scaled null-space torque straight into data.ctrl.

opspace.c is compiled into the _opspace shared library when the package is built (setup.py,
against the headers and library of the installed mujoco wheel); it is plain C, called through
ctypes with the raw mjModel / mjData pointers.
"""

import ctypes
import importlib.util

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
_ERROR_SIZE = 1024
_ARM = len(NULLSPACE_ACTUATORS)


class _Params(ctypes.Structure):
    """OscParams of opspace.c."""

    _fields_ = [
        ('site', ctypes.c_int),
        ('task_actuator', ctypes.c_int),
        ('null_actuator', ctypes.c_int),
        ('arm_dof', ctypes.c_int),
        ('arm_qpos', ctypes.c_int * _ARM),
        ('home', ctypes.c_double * _ARM),
        ('velocity_gain', ctypes.c_double),
        ('null_stiffness', ctypes.c_double),
        ('null_damping', ctypes.c_double),
        ('min_pivot', ctypes.c_double),
    ]


def _load_library():
    spec = importlib.util.find_spec(f'{__package__}._opspace')
    if spec is None or not spec.origin:
        raise ImportError(
            'franka_hil_sim: the compiled controller (_opspace, built from opspace.c) is missing: '
            'build the workspace with `bash scripts/setup.sh` (or colcon build), which needs a C '
            'compiler and the mujoco Python package'
        )
    lib = ctypes.CDLL(spec.origin)
    if lib.osc_header_version() != mujoco.mj_version():
        raise ImportError(
            f'franka_hil_sim: {spec.origin} was built against MuJoCo {lib.osc_header_version()} '
            f'but MuJoCo {mujoco.mj_version()} is running: rebuild the workspace '
            f'(bash scripts/setup.sh, or colcon build)'
        )
    lib.osc_params_size.restype = ctypes.c_size_t
    if lib.osc_params_size() != ctypes.sizeof(_Params):
        raise ImportError(f'franka_hil_sim: {spec.origin} does not match opspace.py: rebuild it')
    if not lib.osc_intercept_errors():
        raise ImportError('franka_hil_sim: MuJoCo did not hand over its log handler')
    lib.osc_step.argtypes = (
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.POINTER(_Params),
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
    )
    lib.osc_step.restype = ctypes.c_int
    return lib


_LIB = _load_library()


def _contiguous_ids(model, obj, names):
    ids = [mujoco.mj_name2id(model, obj, name) for name in names]
    if min(ids) < 0 or ids != list(range(ids[0], ids[0] + len(ids))):
        raise ValueError(f'model must define {names} consecutively')
    return slice(ids[0], ids[-1] + 1)


class OpSpaceController:
    """Drives the TCP site of a scene to its mocap target; `step()` is one controlled mj_step."""

    def __init__(
        self,
        model,
        data,
        home_qpos,
        stiffness=STIFFNESS,
        damping_ratio=DAMPING_RATIO,
        nullspace_stiffness=NULLSPACE_STIFFNESS,
    ):
        task = _contiguous_ids(model, mujoco.mjtObj.mjOBJ_ACTUATOR, TASK_ACTUATORS)
        null = _contiguous_ids(model, mujoco.mjtObj.mjOBJ_ACTUATOR, NULLSPACE_ACTUATORS)
        arm = [model.actuator_trnid[i, 0] for i in range(null.start, null.stop)]
        arm_dofs = [int(model.jnt_dofadr[j]) for j in arm]
        if arm_dofs != list(range(arm_dofs[0], arm_dofs[0] + _ARM)):
            raise ValueError('arm joints must be consecutive degrees of freedom')
        home_qpos = np.asarray(home_qpos, dtype=np.float64)
        if home_qpos.shape != (_ARM,):
            raise ValueError(f'home_qpos must have shape ({_ARM},), got {home_qpos.shape}')
        site = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_SITE, TCP_SITE)
        if site < 0:
            raise ValueError(f'model must define the site {TCP_SITE!r}')
        kd = damping_ratio * 2.0 * np.sqrt(stiffness)
        kd_null = damping_ratio * 2.0 * np.sqrt(nullspace_stiffness)
        model.actuator_gaintype[task] = mujoco.mjtGain.mjGAIN_FIXED
        model.actuator_biastype[task] = mujoco.mjtBias.mjBIAS_NONE
        model.actuator_gainprm[task, 0] = -stiffness
        model.actuator_gainprm[null, 0] = stiffness
        self._params = _Params(
            site=site,
            task_actuator=task.start,
            null_actuator=null.start,
            arm_dof=arm_dofs[0],
            arm_qpos=(ctypes.c_int * _ARM)(*(int(model.jnt_qposadr[j]) for j in arm)),
            home=(ctypes.c_double * _ARM)(*home_qpos),
            velocity_gain=kd / stiffness,
            null_stiffness=nullspace_stiffness / stiffness,
            null_damping=kd_null / stiffness,
            min_pivot=_MIN_PIVOT,
        )
        # The wrappers stay referenced here, so the raw pointers stay valid.
        self._model, self._data = model, data
        self._pointers = (
            ctypes.c_void_p(model._address),
            ctypes.c_void_p(data._address),
            ctypes.byref(self._params),
        )
        self._error = ctypes.create_string_buffer(_ERROR_SIZE)

    def step(self, substeps=1):
        """
        Advance the physics by `substeps` timesteps, recomputing the torques at each one.

        A MuJoCo error raises mujoco.FatalError, as mujoco.mj_step would.
        """
        if _LIB.osc_step(*self._pointers, int(substeps), self._error, _ERROR_SIZE):
            raise mujoco.FatalError(self._error.value.decode(errors='replace'))
