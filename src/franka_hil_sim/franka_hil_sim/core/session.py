# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
One human-in-the-loop pick-cube session, free of ROS: the place where policy and human meet.

The simulator node and the gym bridge's embedded backend both drive this class, so the override
rules (a fresh, active intervention replaces the policy's action; human episode events end the
episode at the next step), the episode bookkeeping (TimeLimit truncation, refusals, a sim clock
that never runs backwards) and the info keys exist once. Observations, rewards and penalties come
from the franka_hil/ Gymnasium env itself, so a session fed the same seed and actions as
`gym.make('franka_hil/PandaPickCube-v0')` returns the same observations. What the graph shows of
the state (TF, markers, camera info) is the node's business (franka_hil_sim.node.telemetry).
"""

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
import logging
import threading
import time
from typing import Any, TypeVar

from franka_hil_common import actions, events
from franka_hil_common.spaces import Info, Observation
from franka_hil_common.task import is_seed, SessionConfig
from franka_hil_sim.core.envs import PandaPickCubeBaseEnv, PandaPickCubeEnv
from franka_hil_sim.core.rendering import CameraRenderer
import numpy as np
import numpy.typing as npt

T = TypeVar('T')
# The latest human override: (active, executed action or None, clock time received, session
# time received in ns).
Intervention = tuple[bool, 'npt.NDArray[np.float32] | None', float, int]


class Refused(ValueError):
    """A step, reset or input was refused; the session state is untouched."""


@dataclass
class StepOutcome:
    """What one step returned: Gymnasium's five values plus the episode bookkeeping."""

    observation: Observation
    reward: float
    terminated: bool
    truncated: bool
    # gym-hil / LeRobot info keys (see HilSession.step).
    info: Info
    episode: int
    step: int
    stamp_ns: int
    # Human events consumed by this step beyond the one that ended it (names, for a log line).
    ignored_events: list[str] = field(default_factory=list)


class HilSession:
    """
    A pick-cube env with human override and episode bookkeeping; thread-safe.

    Inputs (`set_intervention`, `queue_event`) may arrive from any thread at any time; `step` and
    `reset` are serialised by `lock` (an RLock: hold it around a step and a snapshot of the
    state that step produced). `clock` (monotonic seconds) dates interventions; tests inject one.
    `logger` (logging.Logger-like: info / warning) hears about dropped events and auto decisions.
    Every OpenGL call (rendering, image observations) runs on one thread the session owns: an
    OpenGL context can only be current on one thread, and callers (executor threads) vary.
    """

    def __init__(
        self,
        config: SessionConfig = SessionConfig(),
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
    ) -> None:
        problems = config.problems()
        if problems:
            raise ValueError('invalid session configuration: ' + '; '.join(problems))
        self.config = config
        self._clock = clock
        self._log = logger or logging.getLogger(__name__)
        kwargs: dict[str, Any] = {
            'image_obs': config.image_obs,
            'render_mode': None,
            'seed': None,
            'reward_type': config.reward_type,
            'control_dt': config.control_dt,
            'random_block_position': config.random_block_position,
        }
        self.env: PandaPickCubeBaseEnv
        if config.action_space == 'ee':
            self.env = PandaPickCubeEnv(
                use_gripper=config.use_gripper, gripper_penalty=config.gripper_penalty, **kwargs
            )
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
        self._intervention: Intervention | None = None
        self._episode_start_ns = 0  # session time of the latest reset
        self._events: deque[int] = deque()
        self._next_seed: int | None = config.seed
        self._running = False
        self._ended = ''
        self._episode = 0
        self._step = 0
        self._ticks = 0  # control periods since start: steps and resets
        self._renderers: dict[tuple[int, int], CameraRenderer] = {}
        self._gl_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix='hil_session_gl')

    # Inputs (any thread) --------------------------------------------------------------------

    def hold_action(self) -> npt.NDArray[np.float32]:
        """Return the action that keeps the TCP target and the gripper where they are."""
        return actions.hold(self.config.action_space, self.config.use_gripper)

    def check_action(self, action: npt.ArrayLike) -> npt.NDArray[np.float32]:
        """Return `action` as a float32 array of the action space's shape, or raise Refused."""
        try:
            return actions.check(action, self.action_shape).astype(np.float32)
        except ValueError as error:
            raise Refused(str(error)) from None

    def human_action(self, linear: npt.ArrayLike, gripper: int) -> npt.NDArray[np.float32]:
        """Return the action a human twist (m/s, world axes) and gripper command stand for."""
        ee = actions.twist_to_action(
            linear,
            gripper,
            actions.EE_STEP,
            self.control_dt,
            use_gripper=self.config.use_gripper or self.config.action_space == 'base',
        )
        if self.config.action_space == 'base':
            return actions.ee_to_base(ee).astype(np.float32)
        return ee

    def set_intervention(
        self,
        active: bool,
        linear: npt.ArrayLike = (0.0, 0.0, 0.0),
        gripper: int = actions.GRIPPER_STAY,
        received_at: float | None = None,
        stamp_ns: int | None = None,
    ) -> bool:
        """
        Take the latest human override (raises Refused on bad values, keeping the previous one).

        It replaces the policy's action at every step while `active` and younger than
        config.intervention_timeout, both in seconds of `clock` since `received_at` (default
        now) and in session time since it arrived (steps that start before the timeout: 5 at
        0.5 s and 10 Hz): a human who went silent (a dead teleop) drives neither a slow
        simulator for long nor a fast lockstep client for many steps. An override belongs to
        its episode: a reset drops it, and one stamped (`stamp_ns`, session time) before the
        latest reset answered a state of the episode before and is not taken (returns False).
        One taken before the first episode (a person who takes over as the simulator starts) is
        for it: the first reset keeps it.
        """
        try:
            action = self.human_action(linear, gripper) if active else None
        except ValueError as error:
            raise Refused(f'intervention refused: {error}') from None
        stamp = self._clock() if received_at is None else received_at
        with self._inputs:
            if stamp_ns is not None and stamp_ns < self._episode_start_ns:
                return False
            self._intervention = (bool(active), action, stamp, self.sim_time_ns)
        return True

    def human_active(self) -> bool:
        """Return True when the next step would execute the human's command."""
        with self._inputs:
            return self._fresh(self._intervention)

    def _fresh(self, human: Intervention | None) -> bool:
        timeout = self.config.intervention_timeout
        return (
            human is not None
            and human[0]
            and self._clock() - human[2] <= timeout
            and self.sim_time_ns - human[3] < round(timeout * 1e9)
        )

    def queue_event(self, event: int) -> bool:
        """
        Queue a human episode event (SUCCESS, FAILURE, RERECORD) for the next step.

        Returns False (and logs why) when no episode is running to apply it to. Queued events are
        never overwritten: the next step applies the first and reports the others as ignored.
        """
        if event not in events.NAMES:
            raise Refused(
                f'unknown episode event {event!r}; expected one of '
                f'{sorted(events.NAMES)} ({", ".join(events.NAMES.values())})'
            )
        with self._inputs:
            if not self._running:
                self._log.warning(f'human {events.NAMES[event]} ignored: {self._not_running()}')
                return False
            self._events.append(event)
        return True

    # Episode flow ---------------------------------------------------------------------------

    @property
    def episode_running(self) -> bool:
        """Return True between a reset and the step that ends the episode."""
        return self._running

    @property
    def episode(self) -> int:
        """Return the number of episodes started (the current one's number)."""
        return self._episode

    @property
    def step_count(self) -> int:
        """Return the number of steps taken in the current episode."""
        return self._step

    @property
    def sim_time_ns(self) -> int:
        """Session clock (ns): a control period per step and per reset, never backwards."""
        return self._ticks * self.control_dt_ns

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Observation, Info]:
        """
        Start an episode as Gymnasium's reset does; return (observation, info).

        Without a seed the episode continues the generator stream, and the first episode uses
        config.seed, exactly as the env made with seed=config.seed. A reset takes one control
        period of session time, so no two published states share a stamp. Events queued for the
        previous episode are dropped with a log line, its human override silently (a held pad
        repeats it; one that came before the first episode is kept, see set_intervention).
        Raises Refused on a bad seed or options.
        """
        if seed is not None and not is_seed(seed):
            raise Refused(f'seed must be an integer in [0, 2^63), got {seed!r}')
        if options is not None and not isinstance(options, dict):
            raise Refused(f'options must be a dict (a JSON object), got {type(options).__name__}')
        with self.lock:
            if seed is None and self._next_seed is not None:
                seed = self._next_seed
            self._next_seed = None
            observation, _ = self._on_gl_thread_if(
                self.config.image_obs, self.env.reset, seed=seed, options=options
            )
            with self._inputs:
                dropped = [events.NAMES[e] for e in self._events]
                self._events.clear()
                self._running = True
            if dropped:
                self._log.warning(
                    f'human event(s) {dropped} arrived after episode '
                    f'{self._episode} ended: dropped at reset'
                )
            self._episode += 1
            self._step = 0
            self._ticks += 1
            with self._inputs:  # the previous episode's override is not this one's
                self._episode_start_ns = self.sim_time_ns
                if self._episode > 1:
                    self._intervention = None
            info: dict[str, Any] = {'episode': self._episode, 'seed': seed}
            if not self.config.image_obs:
                # state mode observes the cube anyway; an image policy must not be told
                info['block_start'] = self.sim.block_pos.tolist()
            return observation, info

    def step(self, action: npt.ArrayLike) -> StepOutcome:
        """
        Run one control period; return a StepOutcome.

        Raises Refused (state untouched) on a bad action or when no episode is running.

        The executed action is the human's while the latest intervention is active and fresh,
        else `action` (the policy's), clipped to the action space: what the physics applies, and
        what info reports (teleop_action); policy_action is `action` as given. A queued human
        event ends the episode after this step's physics: success with reward 1.0 and
        succeed=True, failure with reward 0.0, re-record with rerecord_episode=True (reward as
        the task gave it). truncated is Gymnasium's
        TimeLimit: step count >= max_episode_steps. info keys: succeed, discrete_penalty,
        is_intervention, teleop_action and action_intervention (the executed action),
        policy_action, rerecord_episode, human_event, physics_error, and next.success when the
        episode ends.
        """
        policy = self.check_action(action)
        with self.lock:
            if not self._running:
                raise Refused(f'step refused: {self._not_running()}')
            with self._inputs:
                human = self._intervention
                queued = list(self._events)
                self._events.clear()
            intervening = self._fresh(human)
            override = human[1] if human is not None and intervening else None
            executed = actions.clip(
                policy if override is None else override,
                self.config.action_space,
                self.config.use_gripper,
            )
            observation, reward, terminated, _, env_info = self._on_gl_thread_if(
                self.config.image_obs, self.env.step_checked, executed
            )
            self._step += 1
            self._ticks += 1
            success = bool(env_info['succeed'])
            physics_error = bool(env_info.get('physics_error', False))
            event = queued[0] if queued else events.NONE
            if event in (events.SUCCESS, events.FAILURE) and not physics_error:
                verdict = self.sim.end_episode(event == events.SUCCESS)
                reward, terminated, success = verdict.reward, verdict.terminated, verdict.success
            elif event == events.RERECORD:
                terminated = True
            truncated = self._step >= self.config.max_episode_steps
            info = {
                'succeed': success,
                'discrete_penalty': float(env_info.get('discrete_penalty', 0.0)),
                'is_intervention': bool(intervening),
                'teleop_action': executed,
                'action_intervention': executed,
                'policy_action': policy,
                'rerecord_episode': event == events.RERECORD,
                'human_event': event,
                'physics_error': physics_error,
            }
            if terminated or truncated:
                info['next.success'] = success
                self._running = False
                self._ended = self._end_reason(terminated, truncated, event, physics_error)
            return StepOutcome(
                observation,
                float(reward),
                bool(terminated),
                truncated,
                info,
                self._episode,
                self._step,
                self.sim_time_ns,
                [events.NAMES[e] for e in queued[1:]],
            )

    def _end_reason(
        self, terminated: bool, truncated: bool, event: int, physics_error: bool
    ) -> str:
        if physics_error:
            why = 'a physics error'
        elif event:
            why = f'the human ({events.NAMES[event]})'
        elif terminated:
            why = 'the task (terminated)'
        else:
            why = f'the step limit ({self.config.max_episode_steps} steps, truncated)'
        return f'episode {self._episode} was ended by {why} at step {self._step}'

    def _not_running(self) -> str:
        if self._episode == 0:
            return 'no episode running yet (call reset first)'
        return f'{self._ended}; call reset to start the next one'

    # Rendering (on the session's GL thread) ------------------------------------------------

    def default_image_size(self) -> tuple[int, int]:
        """(width, height) of the observation images."""
        return self.sim.image_size

    def render(self, camera: str, size: Sequence[int] | None = None) -> npt.NDArray[np.uint8]:
        """Render `camera` at size (width, height), default the observation's, as HxWx3 uint8."""
        width, height = size or self.default_image_size()
        size = (width, height)
        if size == self.default_image_size():
            return self._on_gl_thread_if(True, self.sim.render, camera)
        if size not in self._renderers:
            self._renderers[size] = CameraRenderer(self.sim.model, *size)
        return self._on_gl_thread_if(
            True, self._renderers[size].render, self.sim.data, camera, stamp=self._ticks
        )

    def _on_gl_thread_if(
        self, needs_gl: bool, function: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T:
        if not needs_gl:
            return function(*args, **kwargs)
        return self._gl_thread.submit(function, *args, **kwargs).result()

    def close(self) -> None:
        """Release the renderers (on the thread that made their OpenGL contexts)."""

        def release() -> None:
            for renderer in self._renderers.values():
                renderer.close()
            self._renderers.clear()
            self.env.close()

        self._gl_thread.submit(release).result()
        self._gl_thread.shutdown()
