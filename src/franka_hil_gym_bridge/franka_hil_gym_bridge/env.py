# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pick-cube env with gym-hil's spaces, kwargs and info keys, backed by the ROS graph.

The human override happens in the graph (teleop -> sim node); the env only reports it, so a
caller that knows nothing of ROS (LeRobot) gets gym-hil's info keys: is_intervention,
teleop_action = action_intervention (the executed action), rerecord_episode, discrete_penalty,
succeed, next.success at episode end. The simulator is a sim node on the graph (the default),
one this env starts (launch=True), or one hosted in this process (backend='embedded').
"""

from collections.abc import Collection
import dataclasses
import itertools
import os
from typing import Any, SupportsFloat
import warnings

from franka_hil_common import actions, spaces
from franka_hil_common.names import TELEOPS
from franka_hil_common.observation import CAMERAS
from franka_hil_common.spaces import Info, Observation, RENDER_MODES
from franka_hil_common.task import CONTROL_DT, DEFAULT_INTERVENTION_TIMEOUT_S, GRIPPER_PENALTY
from franka_hil_common.task import MAX_EPISODE_STEPS
from franka_hil_gym_bridge import env_vars, sim_config
import gymnasium as gym
from gymnasium.envs.registration import EnvSpec
import numpy as np
import numpy.typing as npt

BACKENDS = ('graph', 'embedded')
# Every call to the sim must be answered within this time (a dead sim is an error within 5 s).
DEFAULT_TIMEOUT_S = 3.0
# How long to look for a running sim, and for one launched by the env (it imports MuJoCo).
DEFAULT_CONNECT_TIMEOUT_S = 4.0
DEFAULT_LAUNCH_TIMEOUT_S = 60.0
_launched = itertools.count()


class FrankaHilRosEnv(gym.Env[Observation, np.ndarray]):
    """
    Pick the cube on a simulator of the franka-hil graph, through Gymnasium's API.

    ## Description
    The task of `franka_hil/PandaPickCube-v0` (franka_hil_sim.core.envs), with the simulator
    elsewhere: a sim node of the graph (the default), one this env starts (launch=True), or one
    hosted in this process (backend='embedded'). The human override happens in the graph
    (teleop -> sim node); the env only reports it in gym-hil's info keys, so a caller that
    knows nothing of ROS (LeRobot) sees a gym-hil env.

    ## Action Space
    `action_space='ee'` (default): gym-hil's 4-D EE action (dx, dy, dz in [-1, 1], gripper g in
    {0, 1, 2}; 3-D with use_gripper=False), as PandaPickCubeEnv. `'base'`: the 7-D action of
    PandaPickCubeBaseEnv. A malformed action raises ValueError. While a human overrides in the
    graph, their action is executed instead of the given one.

    ## Observation Space
    As PandaPickCubeBaseEnv: `agent_pos` (18,) float32, and `environment_state` (3,) or `pixels`
    (front, wrist: 128x128x3 uint8) per image_obs. state_obs=True gives state observations
    whatever image_obs says: LeRobot always asks gym_hil envs for images, and a state policy on
    a random cube needs the cube position, which image observations do not carry.
    pixel_obs=True gives image observations whatever image_obs says: `agent_pos` and `pixels`
    only (the cube position the graph's synthetic human steers by stays on its topic).

    ## Rewards
    As PandaPickCubeBaseEnv (reward_type), computed by the simulator. info: succeed,
    discrete_penalty (gripper_penalty on a gripper flip), is_intervention, teleop_action =
    action_intervention (the executed action), rerecord_episode, and next.success at episode
    end. A human success / failure event ends the episode with reward 1.0 / 0.0.

    ## Starting State
    As PandaPickCubeBaseEnv; the first reset uses the `seed` kwarg unless given one.

    ## Episode End
    - Termination: as PandaPickCubeBaseEnv, or a human episode event (success, failure,
      re-record) from the graph.
    - Truncation: after max_episode_steps steps, by the simulator itself (the registered
      TimeLimit agrees; a longer one warns at the first reset).

    ## Arguments
    Task kwargs, as franka_hil/PandaPickCube*-v0 and gym-hil: image_obs, render_mode,
    use_gripper, gripper_penalty, reward_type, random_block_position, control_dt, seed (first
    reset), plus action_space and max_episode_steps. render_mode 'rgb_array' returns the front
    and wrist views side by side (a state env makes the sim render both cameras every step for
    that); 'human' renders nothing here: watch the graph in rviz.

    Where the simulator is:
    - backend='graph' (default): the sim node in `namespace` (`franka-hil-bringup
      num_sims:=2` gives /sim0 and /sim1), found within connect_timeout s. Its parameters must
      match the task kwargs, the gripper penalty included (a mismatch is an error naming both).
      Every call must be answered within `timeout` s, else SimUnavailable; after that, reset()
      finds the simulator again (it may have been restarted).
      launch=True starts the graph itself (`franka-hil-bringup`, in `namespace` or a fresh one)
      with the teleop named by `teleop`, and stops it on close().
      mode: None (default) drives the sim node in the mode it runs (a launched one: lockstep);
      'lockstep' or 'realtime' insists on that mode (SimMismatch otherwise) or launches it.
      lockstep: each step is one Step service round trip, the sim waits for the env.
      realtime: the sim ticks on its own wall clock with the latest action it received; reset()
      is the Reset service, step() publishes the action on `action` and returns the first tick
      that applied it (its observation and step_info, paired by stamp), or an episode end the
      env has not reported yet, which comes first. Ticks the env was too slow for are skipped;
      so a realtime env is nondeterministic (its spec says so). image_obs pairs the tick with
      the `<camera>/image_raw` frames of its stamp (the node must publish both cameras reliably
      at the observation size). Ticks between reset() and the first step() hold still (a Reset
      drops the sim's last action).
    - backend='embedded': the simulator runs in this process, without ROS; publish=True hosts a
      whole sim node here (topics, TF, cameras, teleop override) in `namespace`. It steps in
      lockstep only.

    `teleop` ('none', 'gamepad', 'keyboard', 'script') is who overrides the policy in the graph:
    a connecting env warns when nobody publishes `intervention`; a launching env starts it.
    intervention_timeout (s) is how long a human command stays in force without a fresh one, in
    a simulator this env starts or hosts (a running sim node has its own parameter). Unknown
    kwargs are ignored with a warning.

    launch, namespace, teleop and mode not given (None) are read from the environment variables
    FRANKA_HIL_LAUNCH, FRANKA_HIL_NAMESPACE, FRANKA_HIL_TELEOP and FRANKA_HIL_MODE (see
    env_vars), else take their defaults (False, '', 'none', None): LeRobot passes only
    gym-hil's kwargs, and these let it start its graph or find one.
    """

    metadata = {'render_modes': list(RENDER_MODES), 'render_fps': 10}
    action_space: gym.spaces.Box
    _spec: EnvSpec | None = None

    def __init__(
        self,
        image_obs: bool = False,
        render_mode: str | None = None,
        use_gripper: bool = True,
        gripper_penalty: float = GRIPPER_PENALTY,
        reward_type: str = 'sparse',
        random_block_position: bool = False,
        control_dt: float = CONTROL_DT,
        seed: int | None = 0,
        action_space: str = 'ee',
        max_episode_steps: int = MAX_EPISODE_STEPS,
        namespace: str | None = None,
        backend: str = 'graph',
        launch: bool | None = None,
        teleop: str | None = None,
        publish: bool = False,
        intervention_timeout: float = DEFAULT_INTERVENTION_TIMEOUT_S,
        timeout: float = DEFAULT_TIMEOUT_S,
        connect_timeout: float | None = None,
        mode: str | None = None,
        state_obs: bool = False,
        pixel_obs: bool = False,
        **unused: Any,
    ) -> None:
        if unused:
            warnings.warn(
                f'{type(self).__name__} ignores unknown arguments {sorted(unused)}', stacklevel=2
            )
        # Not given (None): from FRANKA_HIL_LAUNCH / _NAMESPACE / _TELEOP / _MODE, else defaults.
        # (they say how to use a graph: the embedded backend does not read them)
        if state_obs and pixel_obs:
            raise ValueError('state_obs and pixel_obs ask for different observations: pick one')
        if state_obs or pixel_obs:
            image_obs = bool(pixel_obs)
        graph = env_vars.graph_settings(
            launch, namespace, teleop, mode, None if backend == 'graph' else {}
        )
        launch, namespace, teleop, mode = (
            graph[k] for k in ('launch', 'namespace', 'teleop', 'mode')
        )
        _check_choice('render_mode', render_mode, RENDER_MODES + (None,))
        _check_choice('backend', backend, BACKENDS)
        _check_choice('teleop', teleop, TELEOPS)
        if not isinstance(namespace, str):
            raise ValueError(f'namespace must be a string, got {namespace!r}')
        if launch and backend != 'graph':
            raise ValueError("launch=True starts a graph: it needs backend='graph'")
        if publish and backend != 'embedded':
            raise ValueError(
                "publish=True is for backend='embedded' (a graph's sim node publishes anyway)"
            )
        sim_config.check_mode(mode)
        if mode == 'realtime' and backend != 'graph':
            raise ValueError(
                "mode='realtime' needs backend='graph' (the embedded simulator steps in lockstep)"
            )
        for name, value in (('timeout', timeout), ('connect_timeout', connect_timeout)):
            if value is not None and not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f'{name} must be a number of seconds > 0, got {value!r}')
        self.config = sim_config.session_config(
            image_obs=image_obs,
            reward_type=reward_type,
            random_block_position=random_block_position,
            seed=0 if seed is None else seed,
            action_space=action_space,
            use_gripper=use_gripper,
            gripper_penalty=gripper_penalty,
            max_episode_steps=max_episode_steps,
            control_dt=control_dt,
            intervention_timeout=intervention_timeout,
        )
        self.render_mode = render_mode
        self.image_obs = image_obs
        self.observation_space = spaces.observation_space(image_obs)
        self.action_space = spaces.action_space(action_space, use_gripper)
        self.metadata = dict(self.metadata, render_fps=int(round(1.0 / control_dt)))
        self._first_seed = seed
        self._reset_done = False
        self._observation: Observation | None = None
        self.graph: Any = None  # a LaunchedGraph while launch=True
        self.sim: Any = None  # RemoteSim, SessionSim or HostedSim: reset, step, frames, close
        # The mode the simulator steps in: 'lockstep' or 'realtime'.
        self.mode = mode or sim_config.DEFAULT_MODE
        if backend == 'embedded':
            from franka_hil_gym_bridge import embedded

            self.sim = (
                embedded.HostedSim(self.config, namespace)
                if publish
                else embedded.SessionSim(self.config)
            )
            return
        from franka_hil_gym_bridge.remote_sim import RemoteSim

        alive = None
        if launch:
            from franka_hil_gym_bridge.launcher import LaunchedGraph

            namespace = namespace or f'/franka_hil_env_{os.getpid()}_{next(_launched)}'
            mode = self.mode
            human = env_vars.human()
            self.graph = LaunchedGraph(
                namespace,
                teleop,
                sim_config.node_parameters(self.config, mode),
                human,
                env_vars.node_parameters(),
            )
            alive = self.graph.check
        default = DEFAULT_LAUNCH_TIMEOUT_S if launch else DEFAULT_CONNECT_TIMEOUT_S
        cameras = CAMERAS if render_mode == 'rgb_array' and not image_obs else ()
        try:
            self.sim = RemoteSim(
                self.config,
                namespace,
                timeout,
                connect_timeout or default,
                cameras,
                'none' if launch else teleop,
                alive,
                mode,
            )
        except BaseException:
            self.close()
            raise
        self.mode = self.sim.mode

    @property
    def spec(self) -> EnvSpec | None:
        """Return the EnvSpec gym.make gave; a realtime env's is marked nondeterministic."""
        spec = self._spec
        if spec is not None and self.mode == 'realtime' and not spec.nondeterministic:
            spec = dataclasses.replace(spec, nondeterministic=True)
        return spec

    @spec.setter
    def spec(self, spec: EnvSpec | None) -> None:
        self._spec = spec

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Observation, Info]:
        """Start an episode; the first one uses the `seed` kwarg unless given one."""
        if not self._reset_done and seed is None:
            seed = self._first_seed
        super().reset(seed=seed)
        observation, info = self._open_sim().reset(seed, options)
        if not self._reset_done:
            self._reset_done = True
            self._check_time_limit()
        self._observation = observation
        return observation, info

    def step(self, action: npt.ArrayLike) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        """Run one control period; a human override in the graph replaces `action`."""
        try:
            action = actions.check(action, self.action_space.shape).astype(np.float32)
        except ValueError as error:
            raise ValueError(f'{type(self).__name__}.step: {error}') from None
        observation, reward, terminated, truncated, info = self._open_sim().step(action)
        self._observation = observation
        return observation, reward, terminated, truncated, info

    def render(self) -> npt.NDArray[np.uint8] | None:
        """rgb_array: front and wrist views side by side; human / None: nothing to return."""
        if self.render_mode != 'rgb_array':
            return None
        if self._observation is None:
            raise RuntimeError('call reset() before render()')
        frames = self._observation['pixels'] if self.image_obs else self._open_sim().frames()
        return np.hstack([frames[camera] for camera in CAMERAS])

    def close(self) -> None:
        """Release the simulator link (or the embedded simulator) and stop a launched graph."""
        if self.sim is not None:
            self.sim.close()
            self.sim = None
        if self.graph is not None:
            self.graph.close()
            self.graph = None

    def _open_sim(self) -> Any:
        if self.sim is None:
            raise RuntimeError(f'{type(self).__name__} is closed')
        return self.sim

    def _check_time_limit(self) -> None:
        limit = self.spec.max_episode_steps if self.spec is not None else None
        if limit is not None and limit > self.config.max_episode_steps:
            warnings.warn(
                f'the TimeLimit of {limit} steps will not be reached: the simulator '
                f'truncates episodes at max_episode_steps='
                f'{self.config.max_episode_steps}',
                stacklevel=3,
            )


def _check_choice(name: str, value: object, choices: Collection[object]) -> None:
    if value not in choices:
        raise ValueError(f'{name} must be one of {list(choices)}, got {value!r}')
