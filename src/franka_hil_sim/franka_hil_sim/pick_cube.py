# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pick-cube task on the simulated Panda, free of Gymnasium and ROS.

The Gymnasium envs and the ROS node both drive this one class, so the task rules (reset
distribution, reward, success, termination, action clipping) exist once. Units are SI, frames are
the world (= panda_link0) frame, quaternions are MuJoCo's (w, x, y, z).
"""

from dataclasses import dataclass, field
import math

from franka_hil_sim import robot
from franka_hil_sim.ee_action import CONTROL_DT, EE_STEP
from franka_hil_sim.opspace import OpSpaceController
from franka_hil_sim.rendering import CameraRenderer
from franka_hil_sim.urdf import robot_description
import mujoco
import numpy as np

HOME_QPOS = np.array((0.0, 0.195, 0.0, -2.43, 0.0, 2.62, 0.785))
IMAGE_SIZE = 128
# TCP target bounds, rows (x, y, z) low / high.
WORKSPACE_BOUNDS = np.array(((0.2, -0.3, 0.0), (0.6, 0.3, 0.5)))
BLOCK_HOME_XY = np.array((0.5, 0.0))
BLOCK_SAMPLING_BOUNDS = np.array(((0.3, -0.15), (0.5, 0.15)))
BLOCK_BOUNDS = BLOCK_SAMPLING_BOUNDS + np.array(((-0.05,), (0.05,)))
LIFT_SUCCESS = 0.1
MAX_GRIPPER_COMMAND = 255.0
GRIPPER_PENALTY = -0.05
REWARD_TYPES = ('sparse', 'dense')
BASE_ACTION_SHAPE = (7,)
_PHYSICS_WARNINGS = tuple(int(w) for w in (
    mujoco.mjtWarning.mjWARN_BADQPOS, mujoco.mjtWarning.mjWARN_BADQVEL,
    mujoco.mjtWarning.mjWARN_BADQACC, mujoco.mjtWarning.mjWARN_BADCTRL))
# MuJoCo looks along the camera's -z with y up; ROS optical frames look along +z with y down.
_OPTICAL_FROM_MUJOCO = np.array((0.0, 1.0, 0.0, 0.0))


@dataclass
class StepResult:
    """Outcome of one control period."""

    reward: float
    terminated: bool
    success: bool
    info: dict = field(default_factory=dict)


def check_action(action, shape):
    """Return `action` as a float64 array, or raise ValueError naming what is wrong with it."""
    try:
        array = np.asarray(action)
    except Exception as error:  # ragged sequences and the like
        raise ValueError(f'action is not an array of numbers: {error}') from error
    if array.dtype.kind not in 'fiu':
        raise ValueError(f'action dtype must be real numbers, got {array.dtype}')
    if array.shape != tuple(shape):
        raise ValueError(f'action shape must be {tuple(shape)}, got {array.shape}')
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f'action has non-finite entries at {np.flatnonzero(~np.isfinite(array))}')
    return array


def ee_to_base_action(action, use_gripper=True):
    """
    Map the 4-D (or 3-D) end-effector action onto the 7-D base action.

    xyz in [-1, 1] become metres (x EE_STEP); the gripper entry g in {0, 1, 2} becomes g - 1 on
    the normalised gripper command: 2 closes the fingers, 0 opens them, 1 keeps them (gym-hil and
    LeRobot label 2 "open"; the numbers are the same, the physical meaning is the one here).
    """
    base = np.zeros(BASE_ACTION_SHAPE)
    base[:3] = np.clip(action[:3], -1.0, 1.0) * EE_STEP
    if use_gripper:
        base[6] = np.clip(action[3], 0.0, 2.0) - 1.0
    return base


def gripper_penalty(gripper_action, previous_command, penalty=GRIPPER_PENALTY):
    """
    Penalty for a 4-D gripper entry that flips the gripper (close while open, open while shut).

    `previous_command` is the normalised command (0 open .. 1 closed) before the step.
    """
    delta = gripper_action - 1.0
    if (delta > 0.5 and previous_command < 0.1) or (delta < -0.5 and previous_command > 0.9):
        return float(penalty)
    return 0.0


class PickCubeSim:
    """Panda + cube physics, operational-space control at 500 Hz, task rules at 1 / control_dt."""

    def __init__(self, control_dt=CONTROL_DT, reward_type='sparse', random_block_position=False,
                 image_size=IMAGE_SIZE):
        if reward_type not in REWARD_TYPES:
            raise ValueError(f'reward_type must be one of {REWARD_TYPES}, got {reward_type!r}')
        self.model = robot.load_scene()
        self.data = mujoco.MjData(self.model)
        self.physics_dt = float(self.model.opt.timestep)
        if not (isinstance(control_dt, (int, float)) and math.isfinite(control_dt)
                and control_dt >= self.physics_dt):
            raise ValueError(f'control_dt must be a number >= {self.physics_dt} s, '
                             f'got {control_dt!r}')
        self.substeps = max(1, int(round(control_dt / self.physics_dt)))
        self.control_dt = self.substeps * self.physics_dt
        self.reward_type = reward_type
        self.random_block_position = bool(random_block_position)
        m = self.model
        self.joint_names = robot.ARM_JOINTS + robot.FINGER_JOINTS
        joints = [m.joint(name) for name in self.joint_names]
        self._qpos_ids = np.array([j.qposadr[0] for j in joints])
        self._dof_ids = np.array([j.dofadr[0] for j in joints])
        self._block_qpos = m.joint(robot.BLOCK_JOINT).qposadr[0]
        self._block = m.body(robot.BLOCK_BODY).id
        self._tcp = m.body(robot.TCP_BODY).id
        self._mocap = m.body_mocapid[m.body(robot.TARGET_BODY).id]
        self._gripper = m.actuator(robot.GRIPPER_ACTUATOR).id
        self._robot_bodies = robot.robot_bodies(m)
        self._controller = OpSpaceController(m, self.data, HOME_QPOS)
        self._renderer = CameraRenderer(m, image_size, image_size)
        self._frame = 0
        self.reset(np.random.default_rng(0))

    # Episode flow -------------------------------------------------------------------------

    def reset(self, rng):
        """Start an episode: robot at home, fingers open, cube placed (drawn from `rng`)."""
        m, d = self.model, self.data
        mujoco.mj_resetData(m, d)
        d.qpos[self._qpos_ids[:7]] = HOME_QPOS
        d.qpos[self._qpos_ids[7:]] = robot.FINGER_OPEN
        xy = rng.uniform(*BLOCK_SAMPLING_BOUNDS) if self.random_block_position else BLOCK_HOME_XY
        half = m.geom_size[m.body_geomadr[self._block]][2]
        d.qpos[self._block_qpos:self._block_qpos + 7] = (xy[0], xy[1], half, 1.0, 0.0, 0.0, 0.0)
        mujoco.mj_forward(m, d)
        d.mocap_pos[self._mocap] = d.xpos[self._tcp]
        d.mocap_quat[self._mocap] = (1.0, 0.0, 0.0, 0.0)
        self._z_init = float(d.xpos[self._block][2])
        self.step_count = 0
        self._frame += 1

    def step(self, action):
        """
        Apply a 7-D base action for one control period.

        action = (dx, dy, dz, rx, ry, rz, grasp): each entry is clipped to [-1, 1]; dx..dz (m) move
        the TCP target, which is then clipped to WORKSPACE_BOUNDS; rx..rz are ignored (the tool
        always points down); grasp is added to the normalised gripper command, clipped to [0, 1].
        gym-hil clips only the resulting target and command, so in-range actions act the same.
        Raises ValueError (state untouched) for a wrong shape, a non-numeric dtype, NaN or inf.
        """
        action = np.clip(check_action(action, BASE_ACTION_SHAPE), -1.0, 1.0)
        d = self.data
        target = d.mocap_pos[self._mocap] + action[:3]
        d.mocap_pos[self._mocap] = np.clip(target, *WORKSPACE_BOUNDS)
        d.ctrl[self._gripper] = np.clip(d.ctrl[self._gripper] + action[6], 0.0, 1.0)
        warnings = self._warning_count()
        self._controller.step(self.substeps)
        self.step_count += 1
        self._frame += 1
        if self._warning_count() != warnings or not self._state_finite():
            return self._physics_error()
        mujoco.mj_kinematics(self.model, d)
        success = self.lift > LIFT_SUCCESS
        reward = float(success) if self.reward_type == 'sparse' else self._dense_reward()
        xy = d.xpos[self._block][:2]
        out = bool(np.any(xy < BLOCK_BOUNDS[0]) or np.any(xy > BLOCK_BOUNDS[1]))
        return StepResult(reward, success or out, success, {'succeed': success})

    def step_ee(self, action, use_gripper=True):
        """Apply a 4-D end-effector action (3-D without gripper) for one control period."""
        shape = (4,) if use_gripper else (3,)
        return self.step(ee_to_base_action(check_action(action, shape), use_gripper))

    def end_episode(self, success):
        """End the episode on an outside verdict (a human's): success pays 1.0, failure 0."""
        success = bool(success)
        return StepResult(float(success), True, success, {'succeed': success})

    def _warning_count(self):
        return sum(self.data.warning[w].number for w in _PHYSICS_WARNINGS)

    def _state_finite(self):
        d = self.data
        return bool(np.isfinite(d.qpos).all() and np.isfinite(d.qvel).all())

    def _physics_error(self):
        # MuJoCo resets a diverged state to qpos0; put the robot back at home so that every
        # accessor and observation stays finite and meaningful until the next reset.
        d = self.data
        mujoco.mj_resetData(self.model, d)
        d.qpos[self._qpos_ids[:7]] = HOME_QPOS
        d.qpos[self._qpos_ids[7:]] = robot.FINGER_OPEN
        mujoco.mj_forward(self.model, d)
        d.mocap_pos[self._mocap] = d.xpos[self._tcp]
        return StepResult(0.0, True, False, {'succeed': False, 'physics_error': True})

    def _dense_reward(self):
        distance = np.linalg.norm(self.block_pos - self.tcp_pos)
        return float(0.3 * np.exp(-20.0 * distance)
                     + 0.7 * np.clip(self.lift / LIFT_SUCCESS, 0.0, 1.0))

    # State ---------------------------------------------------------------------------------

    @property
    def time(self):
        """Return the simulated time since reset (s)."""
        return float(self.data.time)

    @property
    def lift(self):
        """Cube height above its start height (m)."""
        return float(self.data.xpos[self._block][2] - self._z_init)

    @property
    def tcp_pos(self):
        """panda_hand_tcp position (m, world)."""
        return self.data.xpos[self._tcp].copy()

    @property
    def block_pos(self):
        """Cube centre (m, world)."""
        return self.data.xpos[self._block].copy()

    @property
    def target_pos(self):
        """Where the controller is driving the TCP (m, world)."""
        return self.data.mocap_pos[self._mocap].copy()

    @property
    def gripper_command(self):
        """Normalised gripper command: 0 open .. 1 closed."""
        return float(self.data.ctrl[self._gripper])

    def joint_positions(self):
        """Positions of joint_names: 7 arm joints (rad), 2 finger joints (m)."""
        return self.data.qpos[self._qpos_ids].copy()

    def joint_velocities(self):
        """Velocities of joint_names (rad/s, m/s)."""
        return self.data.qvel[self._dof_ids].copy()

    def agent_pos(self):
        """gym-hil's agent_pos: arm q (7), arm dq (7), gripper command x255 (1), TCP xyz (3)."""
        d = self.data
        return np.concatenate((d.qpos[self._qpos_ids[:7]], d.qvel[self._dof_ids[:7]],
                               (self.gripper_command * MAX_GRIPPER_COMMAND,),
                               d.xpos[self._tcp])).astype(np.float32)

    def body_poses(self):
        """{name: (position, quaternion)} in the world for every panda_* body and the cube."""
        d = self.data
        bodies = self._robot_bodies + [self._block]
        return {self.model.body(b).name: (d.xpos[b].copy(), d.xquat[b].copy()) for b in bodies}

    def link_transforms(self):
        """(parent, child, position, quaternion) of each robot body in its parent, for /tf."""
        m, d = self.model, self.data
        out = []
        for body in self._robot_bodies[1:]:
            parent = m.body_parentid[body]
            pos, quat = _relative(d.xpos[parent], d.xquat[parent], d.xpos[body], d.xquat[body])
            out.append((m.body(parent).name, m.body(body).name, pos, quat))
        return out

    def static_transforms(self):
        """(parent, child, position, quaternion) of the robot frames fixed to their parent."""
        m = self.model
        return [(m.body(m.body_parentid[b]).name, m.body(b).name, m.body_pos[b].copy(),
                 m.body_quat[b].copy())
                for b in self._robot_bodies[1:] if m.body_jntnum[b] == 0]

    def urdf(self):
        """robot_description (URDF text) of the simulated robot."""
        return robot_description()

    # Cameras -------------------------------------------------------------------------------

    @property
    def camera_names(self):
        """Cameras of the task, as named in the observation."""
        return robot.CAMERAS

    @property
    def rendering_active(self):
        """Return True once an OpenGL context exists (none is made until the first frame)."""
        return self._renderer.active

    def render(self, camera):
        """Return the current image of `camera` as HxWx3 uint8."""
        return self._renderer.render(self.data, camera, stamp=self._frame)

    def camera_intrinsics(self, camera):
        """Pinhole model of `camera`: width, height, fovy (deg), fx, fy, cx, cy (pixels)."""
        width, height = self._renderer.width, self._renderer.height
        fovy = float(self.model.camera(camera).fovy[0])
        focal = 0.5 * height / math.tan(math.radians(fovy) / 2.0)
        return {'width': width, 'height': height, 'fovy': fovy, 'fx': focal, 'fy': focal,
                'cx': (width - 1) / 2.0, 'cy': (height - 1) / 2.0}

    def camera_pose(self, camera, optical=True):
        """World pose of `camera`; `optical` gives the ROS optical frame (z ahead, y down)."""
        cam = self.data.camera(camera)
        quat = np.zeros(4)
        mujoco.mju_mat2Quat(quat, cam.xmat)
        if optical:
            mujoco.mju_mulQuat(quat, quat.copy(), _OPTICAL_FROM_MUJOCO)
        return cam.xpos.copy(), quat

    def close(self):
        """Release rendering resources."""
        self._renderer.close()


def _relative(parent_pos, parent_quat, pos, quat):
    inverse = np.zeros(4)
    mujoco.mju_negQuat(inverse, parent_quat)
    rel_pos = np.zeros(3)
    mujoco.mju_rotVecQuat(rel_pos, pos - parent_pos, inverse)
    rel_quat = np.zeros(4)
    mujoco.mju_mulQuat(rel_quat, inverse, quat)
    return rel_pos, rel_quat
