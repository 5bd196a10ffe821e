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

from franka_hil_common import observation
from franka_hil_common.task import CONTROL_DT, REWARD_TYPES
from franka_hil_sim.core import robot
from franka_hil_sim.core.mjcf_to_urdf import robot_description
from franka_hil_sim.core.opspace import OpSpaceController
from franka_hil_sim.core.rendering import CameraRenderer
import mujoco
import numpy as np

HOME_QPOS = np.array((0.0, 0.195, 0.0, -2.43, 0.0, 2.62, 0.785))
# TCP target bounds, rows (x, y, z) low / high.
WORKSPACE_BOUNDS = np.array(((0.2, -0.3, 0.0), (0.6, 0.3, 0.5)))
BLOCK_HOME_XY = np.array((0.5, 0.0))
BLOCK_SAMPLING_BOUNDS = np.array(((0.3, -0.15), (0.5, 0.15)))
BLOCK_BOUNDS = BLOCK_SAMPLING_BOUNDS + np.array(((-0.05,), (0.05,)))
LIFT_SUCCESS = 0.1
_PHYSICS_WARNINGS = tuple(
    int(w)
    for w in (
        mujoco.mjtWarning.mjWARN_BADQPOS,
        mujoco.mjtWarning.mjWARN_BADQVEL,
        mujoco.mjtWarning.mjWARN_BADQACC,
        mujoco.mjtWarning.mjWARN_BADCTRL,
    )
)


@dataclass
class StepResult:
    """Outcome of one control period."""

    reward: float
    terminated: bool
    success: bool
    info: dict = field(default_factory=dict)


class PickCubeSim:
    """Panda + cube physics, operational-space control at 500 Hz, task rules at 1 / control_dt."""

    def __init__(
        self,
        control_dt=CONTROL_DT,
        reward_type='sparse',
        random_block_position=False,
        image_size=observation.IMAGE_SIZE,
    ):
        if reward_type not in REWARD_TYPES:
            raise ValueError(f'reward_type must be one of {REWARD_TYPES}, got {reward_type!r}')
        self.model = robot.load_scene()
        self.data = mujoco.MjData(self.model)
        self.physics_dt = float(self.model.opt.timestep)
        if not (
            isinstance(control_dt, (int, float))
            and math.isfinite(control_dt)
            and control_dt >= self.physics_dt
        ):
            raise ValueError(
                f'control_dt must be a number >= {self.physics_dt} s, got {control_dt!r}'
            )
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
        # (parent id, body id, parent name, body name, moves) of each robot body but the root
        self._links = [
            (
                m.body_parentid[b],
                b,
                m.body(m.body_parentid[b]).name,
                m.body(b).name,
                bool(m.body_jntnum[b]),
            )
            for b in self._robot_bodies[1:]
        ]
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
        d.qpos[self._block_qpos : self._block_qpos + 7] = (xy[0], xy[1], half, 1.0, 0.0, 0.0, 0.0)
        mujoco.mj_forward(m, d)
        d.mocap_pos[self._mocap] = d.xpos[self._tcp]
        d.mocap_quat[self._mocap] = (1.0, 0.0, 0.0, 0.0)
        self._z_init = float(d.xpos[self._block][2])
        self.step_count = 0
        self._frame += 1

    def step(self, action):
        """
        Apply a 7-D base action, already checked (actions.check), for one control period.

        action = (dx, dy, dz, rx, ry, rz, grasp): each entry is clipped to [-1, 1]; dx..dz (m) move
        the TCP target, which is then clipped to WORKSPACE_BOUNDS; rx..rz are ignored (the tool
        always points down); grasp is added to the normalised gripper command, clipped to [0, 1].
        gym-hil clips only the resulting target and command, so in-range actions act the same.
        """
        action = np.clip(action, -1.0, 1.0)
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
        return float(
            0.3 * np.exp(-20.0 * distance) + 0.7 * np.clip(self.lift / LIFT_SUCCESS, 0.0, 1.0)
        )

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
        """Build gym-hil's agent_pos of the current state (franka_hil_common.observation)."""
        d = self.data
        return observation.agent_pos(
            d.qpos[self._qpos_ids], d.qvel[self._dof_ids], self.gripper_command, d.xpos[self._tcp]
        )

    def body_poses(self):
        """{name: (position, quaternion)} in the world for every panda_* body and the cube."""
        d = self.data
        bodies = self._robot_bodies + [self._block]
        return {self.model.body(b).name: (d.xpos[b].copy(), d.xquat[b].copy()) for b in bodies}

    def block_pose(self):
        """(position, quaternion) of the cube in the world."""
        return self.data.xpos[self._block].copy(), self.data.xquat[self._block].copy()

    def link_transforms(self, moving_only=False):
        """(parent, child, position, quaternion) of each robot body in its parent, for /tf."""
        d = self.data
        return [
            (parent_name, name)
            + _relative(d.xpos[parent], d.xquat[parent], d.xpos[body], d.xquat[body])
            for parent, body, parent_name, name, moves in self._links
            if moves or not moving_only
        ]

    def static_transforms(self):
        """(parent, child, position, quaternion) of the robot frames fixed to their parent."""
        m = self.model
        return [
            (parent_name, name, m.body_pos[body].copy(), m.body_quat[body].copy())
            for _, body, parent_name, name, moves in self._links
            if not moves
        ]

    def urdf(self):
        """robot_description (URDF text) of the simulated robot."""
        return robot_description()

    # Cameras -------------------------------------------------------------------------------

    @property
    def rendering_active(self):
        """Return True once an OpenGL context exists (none is made until the first frame)."""
        return self._renderer.active

    def render(self, camera):
        """Return the current image of `camera` as HxWx3 uint8."""
        return self._renderer.render(self.data, camera, stamp=self._frame)

    @property
    def image_size(self):
        """(width, height) of the rendered observation images."""
        return self._renderer.width, self._renderer.height

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
