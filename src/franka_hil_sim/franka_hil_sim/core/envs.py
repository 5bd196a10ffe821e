# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Gymnasium envs with gym-hil's ids, spaces and info keys, on the PickCubeSim core.

`PandaPickCubeBase-v0` takes gym-hil's raw 7-D action; `PandaPickCube-v0` is gym-hil's EE
action wrapper plus gripper penalty folded into one env, so check_env sees a plain env and a
step costs no wrapper calls. Unlike gym-hil: reset(seed) fixes the cube position, reset never
sleeps, and no OpenGL context exists until a frame is asked for.
"""

from typing import Any, SupportsFloat
import warnings

from franka_hil_common import actions, observation, spaces
from franka_hil_common.spaces import Info, Observation
from franka_hil_common.task import CONTROL_DT, GRIPPER_PENALTY
from franka_hil_sim.core import pick_cube
from franka_hil_sim.core.gl_backend import headless
import gymnasium as gym
import numpy as np
import numpy.typing as npt

RENDER_MODES = spaces.RENDER_MODES


class PandaPickCubeBaseEnv(gym.Env[Observation, np.ndarray]):
    """
    Pick the cube with gym-hil's 7-D action (dx, dy, dz, rx, ry, rz, grasp) in [-1, 1].

    Out-of-range actions are clipped to the action space, the TCP target to the workspace and
    the gripper command to [0, 1] (see PickCubeSim.step); NaN/inf, a wrong shape or a non-numeric
    dtype raise ValueError and leave the state untouched. A physics blow-up ends the episode
    with info["physics_error"] = True.
    """

    metadata = {'render_modes': list(RENDER_MODES), 'render_fps': 10}
    action_space: gym.spaces.Box

    def __init__(self, image_obs: bool = False, render_mode: str | None = 'rgb_array',
                 reward_type: str = 'sparse', random_block_position: bool = False,
                 control_dt: float = CONTROL_DT, seed: int | None = 0,
                 **unused: Any) -> None:
        if unused:
            warnings.warn(f'{type(self).__name__} ignores unknown arguments {sorted(unused)}',
                          stacklevel=2)
        if render_mode not in RENDER_MODES + (None,):
            raise ValueError(f'render_mode must be one of {RENDER_MODES} or None, '
                             f'got {render_mode!r}')
        if render_mode == 'human' and headless():
            raise RuntimeError('render_mode="human" opens a MuJoCo viewer window and needs a '
                               'display (DISPLAY / WAYLAND_DISPLAY); use render_mode="rgb_array" '
                               'on a headless machine')
        self.sim = pick_cube.PickCubeSim(control_dt=control_dt, reward_type=reward_type,
                                         random_block_position=random_block_position)
        self.render_mode = render_mode
        self.image_obs = bool(image_obs)
        # Only the modes this machine can honour, so check_env does not try a window headless.
        modes = [mode for mode in RENDER_MODES if mode != 'human' or not headless()]
        self.metadata = dict(self.metadata, render_modes=modes,
                             render_fps=int(round(1.0 / self.sim.control_dt)))
        self.observation_space = spaces.observation_space(self.image_obs)
        self.action_space = spaces.action_space('base')
        self._seed = seed
        self._viewer: Any = None

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[Observation, Info]:
        """Start an episode; the cube position comes from the env's own seeded generator."""
        if seed is None and self._seed is not None:
            seed, self._seed = self._seed, None
        super().reset(seed=seed)
        self.sim.reset(self.np_random)
        self._after_reset()
        return self._observation(), {}

    def _after_reset(self) -> None:
        pass

    def step(self, action: npt.ArrayLike
             ) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        """Run one 0.1 s control period (see the class docstring for action handling)."""
        return self.step_checked(actions.check(action, self.action_space.shape))

    def step_checked(self, action: npt.NDArray[np.floating]
                     ) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        """Step with an action that actions.check already accepted (callers that check once)."""
        return self._finish(self.sim.step(action))

    def _finish(self, result: pick_cube.StepResult
                ) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        if self.render_mode == 'human':
            self.render()
        return self._observation(), result.reward, result.terminated, False, result.info

    def _observation(self) -> Observation:
        agent_pos = self.sim.agent_pos()
        if self.image_obs:
            return {'agent_pos': agent_pos,
                    'pixels': {name: self.sim.render(name) for name in observation.CAMERAS}}
        return {'agent_pos': agent_pos,
                'environment_state': self.sim.block_pos.astype(np.float32)}

    def render(self) -> npt.NDArray[np.uint8] | None:
        """rgb_array: front and wrist views side by side; human: refresh the viewer window."""
        if self.render_mode == 'rgb_array':
            return np.hstack([self.sim.render(name) for name in observation.CAMERAS])
        if self.render_mode == 'human':
            if self._viewer is None:
                from mujoco import viewer
                self._viewer = viewer.launch_passive(self.sim.model, self.sim.data)
            self._viewer.sync()
        return None

    def close(self) -> None:
        """Close the viewer window and release the renderer."""
        if self._viewer is not None:
            self._viewer.close()
            self._viewer = None
        self.sim.close()


class PandaPickCubeEnv(PandaPickCubeBaseEnv):
    """
    gym-hil's PandaPickCube-v0: 4-D EE action (dx, dy, dz in [-1, 1], gripper in {0, 1, 2}).

    xyz move the TCP target by 0.025 m per unit. The gripper entry g adds g - 1 to the
    normalised gripper command: 2 CLOSES the fingers, 0 opens them, 1 keeps them (gym-hil and
    LeRobot call 2 "open"; the numbers match theirs). info["discrete_penalty"] is
    `gripper_penalty` when g would flip the gripper state, else 0.0; the reward is unchanged.
    With use_gripper=False the action is 3-D and the fingers stay open.
    """

    def __init__(self, use_gripper: bool = True, gripper_penalty: float = GRIPPER_PENALTY,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.use_gripper = bool(use_gripper)
        self.gripper_penalty = float(gripper_penalty)
        self.action_space = spaces.action_space('ee', self.use_gripper)

    def step_checked(self, action: npt.NDArray[np.floating]
                     ) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        """Run one control period with a checked 4-D (3-D) end-effector action."""
        previous = self.sim.gripper_command
        result = self.sim.step(actions.ee_to_base(action, self.use_gripper))
        if self.use_gripper:
            result.info['discrete_penalty'] = actions.gripper_flip_penalty(
                float(action[3]), previous, self.gripper_penalty)
        return self._finish(result)
