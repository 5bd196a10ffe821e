# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
One human-in-the-loop pick-cube session, free of ROS: the place where policy and human meet.

The simulator node and the gym bridge's embedded backend both drive this class, so the override
rules (a fresh, active intervention replaces the policy's action; human episode events end the
episode at the next step), the episode bookkeeping (TimeLimit truncation, refusals, a sim clock
that never runs backwards) and the info keys exist once. Observations, rewards and penalties come
from the franka_hil/ Gymnasium env itself, so a session fed the same seed and actions as
`gym.make('franka_hil/PandaPickCube-v0')` returns the same observations.
"""

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
import json
import logging
import math
import threading
import time

from franka_hil_sim import ee_action, pick_cube, robot
from franka_hil_sim.envs import PandaPickCubeBaseEnv, PandaPickCubeEnv
from franka_hil_sim.registration import MAX_EPISODE_STEPS
from franka_hil_sim.rendering import CameraRenderer
import mujoco
import numpy as np

# Human episode events, numbered as franka_hil_msgs/EpisodeEvent (0: none).
NO_EVENT = 0
SUCCESS = 1
FAILURE = 2
RERECORD = 3
EVENT_NAMES = {SUCCESS: 'success', FAILURE: 'failure', RERECORD: 're-record'}
ACTION_SPACES = ('ee', 'base')
DEFAULT_INTERVENTION_TIMEOUT_S = 0.5
WORLD_FRAME = 'world'
# Frames a human twist may be given in: the robot base, and the world it coincides with.
TWIST_FRAMES = ('', robot.BASE_LINK, WORLD_FRAME)
MAX_SEED = 2 ** 63 - 1


class Refused(ValueError):
    """A step, reset or input was refused; the session state is untouched."""


@dataclass(frozen=True)
class SessionConfig:
    """What the session simulates; defaults are gym-hil's PandaPickCube-v0."""

    image_obs: bool = False
    reward_type: str = 'sparse'
    random_block_position: bool = False
    seed: int = 0
    action_space: str = 'ee'
    use_gripper: bool = True
    gripper_penalty: float = pick_cube.GRIPPER_PENALTY
    max_episode_steps: int = MAX_EPISODE_STEPS
    intervention_timeout: float = DEFAULT_INTERVENTION_TIMEOUT_S
    control_dt: float = pick_cube.CONTROL_DT

    def problems(self):
        """Return a list of what is wrong with this configuration (empty when valid)."""
        out = []
        for name in ('image_obs', 'random_block_position', 'use_gripper'):
            if not isinstance(getattr(self, name), bool):
                out.append(f'{name} must be true or false, got {getattr(self, name)!r}')
        if self.reward_type not in pick_cube.REWARD_TYPES:
            out.append(f'reward_type must be one of {list(pick_cube.REWARD_TYPES)}, '
                       f'got {self.reward_type!r}')
        if self.action_space not in ACTION_SPACES:
            out.append(f'action_space must be one of {list(ACTION_SPACES)}, '
                       f'got {self.action_space!r}')
        if not _is_int(self.seed) or not 0 <= self.seed <= MAX_SEED:
            out.append(f'seed must be an integer in [0, 2^63), got {self.seed!r}')
        if not _is_int(self.max_episode_steps) or self.max_episode_steps < 1:
            out.append(f'max_episode_steps must be an integer >= 1, '
                       f'got {self.max_episode_steps!r}')
        if not _is_number(self.gripper_penalty) or self.gripper_penalty > 0.0:
            out.append(f'gripper_penalty must be a finite number <= 0, '
                       f'got {self.gripper_penalty!r}')
        for name in ('intervention_timeout', 'control_dt'):
            value = getattr(self, name)
            if not _is_number(value) or value <= 0.0:
                out.append(f'{name} must be a finite number > 0 (s), got {value!r}')
        return out


@dataclass
class StepOutcome:
    """What one step returned: Gymnasium's five values plus the episode bookkeeping."""

    observation: dict
    reward: float
    terminated: bool
    truncated: bool
    # gym-hil / LeRobot info keys (see HilSession.step).
    info: dict
    episode: int
    step: int
    stamp_ns: int
    # Human events consumed by this step beyond the one that ended it (names, for a log line).
    ignored_events: list = field(default_factory=list)


@dataclass
class Telemetry:
    """The sim state the node publishes, taken atomically with the step it follows."""

    stamp_ns: int
    joint_names: tuple
    joint_positions: np.ndarray
    joint_velocities: np.ndarray
    # (parent, child, position, quaternion wxyz) of every moving frame: robot links and the cube.
    transforms: list
    block_pose: tuple
    target_pos: np.ndarray
    images: dict


class HilSession:
    """
    A pick-cube env with human override and episode bookkeeping; thread-safe.

    Inputs (`set_intervention`, `queue_event`) may arrive from any thread at any time; `step` and
    `reset` are serialised by `lock` (an RLock: hold it around a step and `telemetry` to read the
    state that step produced). `clock` (monotonic seconds) dates interventions; tests inject one.
    `logger` (logging.Logger-like: info / warning) hears about dropped events and auto decisions.
    Every OpenGL call (rendering, image observations) runs on one thread the session owns: an
    OpenGL context can only be current on one thread, and callers (executor threads) vary.
    """

    def __init__(self, config=SessionConfig(), clock=time.monotonic, logger=None):
        problems = config.problems()
        if problems:
            raise ValueError('invalid session configuration: ' + '; '.join(problems))
        self.config = config
        self._clock = clock
        self._log = logger or logging.getLogger(__name__)
        kwargs = {'image_obs': config.image_obs, 'render_mode': None, 'seed': None,
                  'reward_type': config.reward_type, 'control_dt': config.control_dt,
                  'random_block_position': config.random_block_position}
        if config.action_space == 'ee':
            self.env = PandaPickCubeEnv(use_gripper=config.use_gripper,
                                        gripper_penalty=config.gripper_penalty, **kwargs)
        else:
            self.env = PandaPickCubeBaseEnv(**kwargs)
        self.sim = self.env.sim
        self.action_space = self.env.action_space
        self.observation_space = self.env.observation_space
        self.action_shape = tuple(self.action_space.shape)
        self.control_dt = self.sim.control_dt
        self.control_dt_ns = int(round(self.control_dt * 1e9))
        self.lock = threading.RLock()
        self._inputs = threading.Lock()
        self._intervention = None  # (active, action, received_at)
        self._events = deque()
        self._next_seed = config.seed
        self._running = False
        self._ended = ''
        self._episode = 0
        self._step = 0
        self._ticks = 0  # control periods since start: steps and resets
        self._renderers = {}
        self._gl_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix='hil_session_gl')
        self._static_links = {child for _, child, _, _ in self.sim.static_transforms()}

    # Inputs (any thread) --------------------------------------------------------------------

    def hold_action(self):
        """Return the action that keeps the TCP target and the gripper where they are."""
        action = np.zeros(self.action_shape, dtype=np.float32)
        if self.config.action_space == 'ee' and self.config.use_gripper:
            action[3] = ee_action.GRIPPER_STAY
        return action

    def check_action(self, action):
        """Return `action` as a float32 array of the action space's shape, or raise Refused."""
        try:
            return pick_cube.check_action(action, self.action_shape).astype(np.float32)
        except ValueError as error:
            raise Refused(str(error)) from None

    def human_action(self, linear, gripper):
        """Return the action a human twist (m/s, world axes) and gripper command stand for."""
        ee = ee_action.twist_to_action(linear, gripper, ee_action.EE_STEP,
                                       self.control_dt, use_gripper=self.config.use_gripper
                                       or self.config.action_space == 'base')
        if self.config.action_space == 'base':
            return pick_cube.ee_to_base_action(ee).astype(np.float32)
        return ee

    def set_intervention(self, active, linear=(0.0, 0.0, 0.0), gripper=ee_action.GRIPPER_STAY,
                         received_at=None):
        """
        Take the latest human override (raises Refused on bad values, keeping the previous one).

        It replaces the policy's action at every step while `active` and younger than
        config.intervention_timeout (seconds of `clock` since `received_at`, default now).
        """
        try:
            action = self.human_action(linear, gripper) if active else None
        except ValueError as error:
            raise Refused(f'intervention refused: {error}') from None
        stamp = self._clock() if received_at is None else received_at
        with self._inputs:
            self._intervention = (bool(active), action, stamp)

    def queue_event(self, event):
        """
        Queue a human episode event (SUCCESS, FAILURE, RERECORD) for the next step.

        Returns False (and logs why) when no episode is running to apply it to. Queued events are
        never overwritten: the next step applies the first and reports the others as ignored.
        """
        if event not in EVENT_NAMES:
            raise Refused(f'unknown episode event {event!r}; expected one of '
                          f'{sorted(EVENT_NAMES)} ({", ".join(EVENT_NAMES.values())})')
        with self._inputs:
            if not self._running:
                self._log.warning(f'human {EVENT_NAMES[event]} ignored: {self._not_running()}')
                return False
            self._events.append(event)
        return True

    # Episode flow ---------------------------------------------------------------------------

    @property
    def episode_running(self):
        """Return True between a reset and the step that ends the episode."""
        return self._running

    @property
    def episode(self):
        """Return the number of episodes started (the current one's number)."""
        return self._episode

    @property
    def step_count(self):
        """Return the number of steps taken in the current episode."""
        return self._step

    @property
    def sim_time_ns(self):
        """Session clock (ns): a control period per step and per reset, never backwards."""
        return self._ticks * self.control_dt_ns

    def reset(self, seed=None, options=None):
        """
        Start an episode as Gymnasium's reset does; return (observation, info).

        Without a seed the episode continues the generator stream, and the first episode uses
        config.seed, exactly as the env made with seed=config.seed. A reset takes one control
        period of session time, so no two published states share a stamp. Events queued for the
        previous episode are dropped with a log line. Raises Refused on a bad seed or options.
        """
        if seed is not None and (not _is_int(seed) or not 0 <= seed <= MAX_SEED):
            raise Refused(f'seed must be an integer in [0, 2^63), got {seed!r}')
        if options is not None and not isinstance(options, dict):
            raise Refused(f'options must be a dict (a JSON object), got {type(options).__name__}')
        with self.lock:
            if seed is None and self._next_seed is not None:
                seed = self._next_seed
            self._next_seed = None
            observation, _ = self._on_gl_thread_if(self.config.image_obs, self.env.reset,
                                                   seed=seed, options=options)
            with self._inputs:
                dropped = [EVENT_NAMES[e] for e in self._events]
                self._events.clear()
                self._running = True
            if dropped:
                self._log.warning(f'human event(s) {dropped} arrived after episode '
                                  f'{self._episode} ended: dropped at reset')
            self._episode += 1
            self._step = 0
            self._ticks += 1
            info = {'episode': self._episode, 'seed': seed,
                    'block_start': self.sim.block_pos.tolist()}
            return observation, info

    def step(self, action):
        """
        Run one control period; return a StepOutcome.

        Raises Refused (state untouched) on a bad action or when no episode is running.

        The executed action is the human's while the latest intervention is active and fresh,
        else `action` (the policy's). A queued human event ends the episode after this step's
        physics: success with reward 1.0 and succeed=True, failure with reward 0.0, re-record
        with rerecord_episode=True (reward as the task gave it). truncated is Gymnasium's
        TimeLimit: step count >= max_episode_steps. info keys: succeed, discrete_penalty,
        is_intervention, teleop_action and action_intervention (the executed action),
        policy_action, rerecord_episode, human_event, physics_error, and next.success when the
        episode ends.
        """
        policy = self.check_action(action)
        with self.lock:
            if not self._running:
                raise Refused(f'step refused: {self._not_running()}')
            now = self._clock()
            with self._inputs:
                human = self._intervention
                events = list(self._events)
                self._events.clear()
            intervening = (human is not None and human[0]
                           and now - human[2] <= self.config.intervention_timeout)
            executed = human[1] if intervening else policy
            observation, reward, terminated, _, env_info = self._on_gl_thread_if(
                self.config.image_obs, self.env.step, executed)
            self._step += 1
            self._ticks += 1
            success = bool(env_info['succeed'])
            physics_error = bool(env_info.get('physics_error', False))
            event = events[0] if events else NO_EVENT
            if event in (SUCCESS, FAILURE) and not physics_error:
                verdict = self.sim.end_episode(event == SUCCESS)
                reward, terminated, success = verdict.reward, verdict.terminated, verdict.success
            elif event == RERECORD:
                terminated = True
            truncated = self._step >= self.config.max_episode_steps
            info = {
                'succeed': success,
                'discrete_penalty': float(env_info.get('discrete_penalty', 0.0)),
                'is_intervention': bool(intervening),
                'teleop_action': executed,
                'action_intervention': executed,
                'policy_action': policy,
                'rerecord_episode': event == RERECORD,
                'human_event': event,
                'physics_error': physics_error,
            }
            if terminated or truncated:
                info['next.success'] = success
                self._running = False
                self._ended = self._end_reason(terminated, truncated, event, physics_error)
            return StepOutcome(observation, float(reward), bool(terminated), truncated, info,
                               self._episode, self._step, self.sim_time_ns,
                               [EVENT_NAMES[e] for e in events[1:]])

    def _end_reason(self, terminated, truncated, event, physics_error):
        if physics_error:
            why = 'a physics error'
        elif event:
            why = f'the human ({EVENT_NAMES[event]})'
        elif terminated:
            why = 'the task (terminated)'
        else:
            why = f'the step limit ({self.config.max_episode_steps} steps, truncated)'
        return f'episode {self._episode} was ended by {why} at step {self._step}'

    def _not_running(self):
        if self._episode == 0:
            return 'no episode running yet (call reset first)'
        return f'{self._ended}; call reset to start the next one'

    # State for publishing -------------------------------------------------------------------

    def telemetry(self, cameras=(), image_size=None, observation=None, links=True):
        """
        Snapshot the state for publishing; call under `lock` right after the step or reset.

        cameras: names to render at image_size (width, height; default the sim's), reusing the
        observation's images when they are the same size. links: include the moving transforms.
        """
        sim = self.sim
        images = {}
        if cameras:
            size = tuple(image_size or self.default_image_size())
            pixels = (observation or {}).get('pixels', {})
            for camera in cameras:
                if camera in pixels and pixels[camera].shape[1::-1] == size:
                    images[camera] = pixels[camera]
                else:
                    images[camera] = self.render(camera, size)
        poses = sim.body_poses()
        block_pose = poses[robot.BLOCK_BODY]
        transforms = []
        if links:
            transforms = [t for t in sim.link_transforms() if t[1] not in self._static_links]
            transforms.append((WORLD_FRAME, robot.BLOCK_BODY) + block_pose)
        return Telemetry(self.sim_time_ns, tuple(sim.joint_names), sim.joint_positions(),
                         sim.joint_velocities(), transforms, block_pose, sim.target_pos, images)

    def default_image_size(self):
        """(width, height) of the observation images."""
        intrinsics = self.sim.camera_intrinsics(self.sim.camera_names[0])
        return intrinsics['width'], intrinsics['height']

    def render(self, camera, size=None):
        """Render `camera` at size (width, height), default the observation's, as HxWx3 uint8."""
        size = tuple(size or self.default_image_size())
        if size == self.default_image_size():
            return self._on_gl_thread_if(True, self.sim.render, camera)
        if size not in self._renderers:
            self._renderers[size] = CameraRenderer(self.sim.model, *size)
        return self._on_gl_thread_if(True, self._renderers[size].render, self.sim.data, camera,
                                     stamp=self._ticks)

    def _on_gl_thread_if(self, needs_gl, function, *args, **kwargs):
        if not needs_gl:
            return function(*args, **kwargs)
        return self._gl_thread.submit(function, *args, **kwargs).result()

    def camera_intrinsics(self, camera, size=None):
        """Pinhole intrinsics (as PickCubeSim.camera_intrinsics) at size (width, height)."""
        intrinsics = dict(self.sim.camera_intrinsics(camera))
        if size is None or tuple(size) == (intrinsics['width'], intrinsics['height']):
            return intrinsics
        width, height = size
        focal = intrinsics['fy'] * height / intrinsics['height']
        intrinsics.update(width=width, height=height, fx=focal, fy=focal,
                          cx=(width - 1) / 2.0, cy=(height - 1) / 2.0)
        return intrinsics

    def static_transforms(self):
        """
        (parent, child, position, quaternion wxyz) of every fixed frame, for /tf_static.

        world -> panda_link0, the joint-less robot links, and each camera's ROS optical frame
        (`<camera>_optical_frame`, z ahead, y down) on the body that carries the camera.
        """
        sim, model = self.sim, self.sim.model
        out = [(WORLD_FRAME, robot.BASE_LINK) + sim.body_poses()[robot.BASE_LINK]]
        out += sim.static_transforms()
        for camera in sim.camera_names:
            # The camera's fixed mount from the model, turned into the optical frame by the same
            # rotation camera_pose applies (taken from one consistent world pose).
            cam = model.camera(camera)
            _, mount_world = sim.camera_pose(camera, optical=False)
            _, optical_world = sim.camera_pose(camera, optical=True)
            _, turn = _relative(np.zeros(3), mount_world, np.zeros(3), optical_world)
            quat = np.zeros(4)
            mujoco.mju_mulQuat(quat, model.cam_quat[cam.id], turn)
            body = model.cam_bodyid[cam.id]
            parent = WORLD_FRAME if body == 0 else model.body(body).name
            out.append((parent, optical_frame(camera), model.cam_pos[cam.id].copy(), quat))
        return out

    def workspace_bounds(self):
        """TCP target bounds, rows low / high (m, world)."""
        return pick_cube.WORKSPACE_BOUNDS.copy()

    def block_half_size(self):
        """Half the cube's edge (m)."""
        model = self.sim.model
        body = model.body(robot.BLOCK_BODY)
        return float(model.geom_size[body.geomadr[0]][0])

    def close(self):
        """Release the renderers (on the thread that made their OpenGL contexts)."""
        def release():
            for renderer in self._renderers.values():
                renderer.close()
            self._renderers.clear()
            self.env.close()
        self._gl_thread.submit(release).result()
        self._gl_thread.shutdown()


def optical_frame(camera):
    """Name of a camera's ROS optical frame."""
    return f'{camera}_optical_frame'


def parse_options(text):
    """Gymnasium reset options from JSON text ('' or '{}' for none); raise Refused if invalid."""
    if not text.strip():
        return None
    try:
        options = json.loads(text)
    except json.JSONDecodeError as error:
        raise Refused(f'options_json is not valid JSON: {error}') from None
    if not isinstance(options, dict):
        raise Refused(f'options_json must be a JSON object, got {type(options).__name__}')
    return options


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_number(value):
    return (isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, bool) and math.isfinite(value))


def _relative(parent_pos, parent_quat, pos, quat):
    """Pose (pos, quat) expressed in the parent's frame."""
    inverse = np.zeros(4)
    mujoco.mju_negQuat(inverse, parent_quat)
    rel_pos = np.zeros(3)
    mujoco.mju_rotVecQuat(rel_pos, np.asarray(pos, float) - parent_pos, inverse)
    rel_quat = np.zeros(4)
    mujoco.mju_mulQuat(rel_quat, inverse, np.asarray(quat, float))
    return rel_pos, rel_quat
