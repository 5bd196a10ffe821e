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
    Pick the cube with gym-hil's raw 7-D action: `franka_hil/PandaPickCubeBase-v0`.

    ## Description
    A MuJoCo Franka Panda stands before a 4 cm cube on a table. An operational-space controller
    (500 Hz) moves the tool centre point (TCP) towards a target that the action shifts once per
    control period (`control_dt`, 0.1 s); the tool always points down. The task is to lift the
    cube by more than 0.1 m. Same ids, spaces and info keys as gym-hil, with three differences:
    reset(seed) fixes the cube position, reset never sleeps, and no OpenGL context exists until
    a frame is asked for.

    ## Action Space
    `Box(-1, 1, (7,), float32)`: (dx, dy, dz, rx, ry, rz, grasp).

    | Index | Action | Unit |
    |-------|--------|------|
    | 0-2   | TCP target shift along x, y, z of panda_link0 | m |
    | 3-5   | rotation (ignored: the tool always points down) | - |
    | 6     | added to the normalised gripper command (0 open .. 1 closed) | - |

    Out-of-range entries are clipped to the space, the TCP target to the workspace
    (x 0.2-0.6, y -0.3-0.3, z 0-0.5 m) and the gripper command to [0, 1]. NaN/inf, a wrong
    shape or a non-numeric dtype raise ValueError and leave the state untouched.

    ## Observation Space
    A `Dict`; `agent_pos` always, then `environment_state` (`image_obs=False`) or `pixels`.

    | Key | Space | Content |
    |-----|-------|---------|
    | `agent_pos` | `Box(-inf, inf, (18,), float32)` | see below |
    | `environment_state` | `Box(-inf, inf, (3,), float32)` | cube position (m) |
    | `pixels` | `Dict` of `front`, `wrist`: `Box(0, 255, (128, 128, 3), uint8)` | camera images |

    `agent_pos`: joint positions (0-6, rad), joint velocities (7-13, rad/s), gripper command
    (14, 0 open .. 255 closed), TCP position (15-17, m, panda_link0).

    ## Rewards
    `reward_type='sparse'` (default): 1.0 on the step that lifts the cube more than 0.1 m,
    else 0.0. `'dense'`: 0.3 exp(-20 d) + 0.7 min(lift / 0.1, 1), d the TCP-cube distance (m).

    ## Starting State
    The arm at its home configuration, fingers open, the TCP target at the TCP. The cube lies
    at (0.5, 0.0) m, or with `random_block_position=True` uniformly in x 0.3-0.5, y -0.15-0.15 m,
    drawn from the env's generator: `seed` (the first reset's) or reset(seed=...).

    ## Episode End
    - Termination: the cube is lifted more than 0.1 m (info['succeed'] = True), or pushed out
      of x 0.25-0.55, y -0.2-0.2 m, or the physics diverges (info['physics_error'] = True).
    - Truncation: after 100 steps, by the TimeLimit that gym.make adds (the registered
      max_episode_steps); the env itself never truncates.

    ## Arguments
    | Argument | Default | Meaning |
    |----------|---------|---------|
    | `image_obs` | `False` | observations carry `pixels` instead of `environment_state` |
    | `render_mode` | `'rgb_array'` | `'rgb_array'` (front and wrist side by side), `'human'` |
    | `reward_type` | `'sparse'` | `'sparse'` or `'dense'` |
    | `random_block_position` | `False` | draw the cube position at each reset |
    | `control_dt` | `0.1` | sim time per step (s), a multiple of the physics step (2 ms) |
    | `seed` | `0` | seed of the first reset (`None`: unseeded) |

    `render_mode='human'` opens a MuJoCo viewer window and needs a display; `None` renders
    nothing. Unknown keyword arguments are ignored with a warning.
    """

    metadata = {'render_modes': list(RENDER_MODES), 'render_fps': 10}
    action_space: gym.spaces.Box

    def __init__(
        self,
        image_obs: bool = False,
        render_mode: str | None = 'rgb_array',
        reward_type: str = 'sparse',
        random_block_position: bool = False,
        control_dt: float = CONTROL_DT,
        seed: int | None = 0,
        **unused: Any,
    ) -> None:
        if unused:
            warnings.warn(
                f'{type(self).__name__} ignores unknown arguments {sorted(unused)}', stacklevel=2
            )
        if render_mode not in RENDER_MODES + (None,):
            raise ValueError(
                f'render_mode must be one of {RENDER_MODES} or None, got {render_mode!r}'
            )
        if render_mode == 'human' and headless():
            raise RuntimeError(
                'render_mode="human" opens a MuJoCo viewer window and needs a '
                'display (DISPLAY / WAYLAND_DISPLAY); use render_mode="rgb_array" '
                'on a headless machine'
            )
        self.sim = pick_cube.PickCubeSim(
            control_dt=control_dt,
            reward_type=reward_type,
            random_block_position=random_block_position,
        )
        self.render_mode = render_mode
        self.image_obs = bool(image_obs)
        # Only the modes this machine can honour, so check_env does not try a window headless.
        modes = [mode for mode in RENDER_MODES if mode != 'human' or not headless()]
        self.metadata = dict(
            self.metadata, render_modes=modes, render_fps=int(round(1.0 / self.sim.control_dt))
        )
        self.observation_space = spaces.observation_space(self.image_obs)
        self.action_space = spaces.action_space('base')
        self._seed = seed
        self._viewer: Any = None

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Observation, Info]:
        """Start an episode; the cube position comes from the env's own seeded generator."""
        if seed is None and self._seed is not None:
            seed, self._seed = self._seed, None
        super().reset(seed=seed)
        self.sim.reset(self.np_random)
        self._after_reset()
        return self._observation(), {}

    def _after_reset(self) -> None:
        pass

    def step(self, action: npt.ArrayLike) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        """Run one 0.1 s control period (see the class docstring for action handling)."""
        return self.step_checked(actions.check(action, self.action_space.shape))

    def step_checked(
        self, action: npt.NDArray[np.floating]
    ) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        """Step with an action that actions.check already accepted (callers that check once)."""
        return self._finish(self.sim.step(action))

    def _finish(
        self, result: pick_cube.StepResult
    ) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        if self.render_mode == 'human':
            self.render()
        return self._observation(), result.reward, result.terminated, False, result.info

    def _observation(self) -> Observation:
        agent_pos = self.sim.agent_pos()
        if self.image_obs:
            return {
                'agent_pos': agent_pos,
                'pixels': {name: self.sim.render(name) for name in observation.CAMERAS},
            }
        return {'agent_pos': agent_pos, 'environment_state': self.sim.block_pos.astype(np.float32)}

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
    Pick the cube with gym-hil's end-effector action: `franka_hil/PandaPickCube-v0`.

    ## Description
    gym-hil's PandaPickCube-v0: the task of PandaPickCubeBaseEnv with gym-hil's EE action
    wrapper and gripper penalty folded into the env, so check_env sees a plain env and a step
    costs no wrapper calls.

    ## Action Space
    `Box(low=(-1, -1, -1, 0), high=(1, 1, 1, 2), (4,), float32)`: (dx, dy, dz, g); with
    `use_gripper=False`, `Box(-1, 1, (3,), float32)` and the fingers stay open.

    | Index | Action | Unit |
    |-------|--------|------|
    | 0-2   | TCP target shift, times 0.025 m | [-1, 1] |
    | 3     | gripper g: 0 opens, 1 keeps, 2 CLOSES (adds g - 1 to the command) | {0, 1, 2} |

    gym-hil and LeRobot call g = 2 "open"; the numbers match theirs. Out-of-range and malformed
    actions are handled as in PandaPickCubeBaseEnv.

    ## Observation Space
    As PandaPickCubeBaseEnv.

    ## Rewards
    As PandaPickCubeBaseEnv; the reward is unchanged by the gripper penalty, which goes to
    info['discrete_penalty']: `gripper_penalty` when g would flip the gripper (closing while
    open, opening while closed), else 0.0.

    ## Starting State
    As PandaPickCubeBaseEnv.

    ## Episode End
    As PandaPickCubeBaseEnv.

    ## Arguments
    Those of PandaPickCubeBaseEnv, and:

    | Argument | Default | Meaning |
    |----------|---------|---------|
    | `use_gripper` | `True` | the action has the gripper entry (4-D), else 3-D |
    | `gripper_penalty` | `-0.05` | info['discrete_penalty'] of a gripper flip |
    """

    def __init__(
        self, use_gripper: bool = True, gripper_penalty: float = GRIPPER_PENALTY, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.use_gripper = bool(use_gripper)
        self.gripper_penalty = float(gripper_penalty)
        self.action_space = spaces.action_space('ee', self.use_gripper)

    def step_checked(
        self, action: npt.NDArray[np.floating]
    ) -> tuple[Observation, SupportsFloat, bool, bool, Info]:
        """Run one control period with a checked 4-D (3-D) end-effector action."""
        previous = self.sim.gripper_command
        result = self.sim.step(actions.ee_to_base(action, self.use_gripper))
        if self.use_gripper:
            result.info['discrete_penalty'] = actions.gripper_flip_penalty(
                float(action[3]), previous, self.gripper_penalty
            )
        return self._finish(result)


class PandaPickCubePixelsEnv(PandaPickCubeEnv):
    """
    Pick a randomly placed cube from pixels: `franka_hil/PandaPickCubePixelsRandom-v0`.

    ## Description
    The task of PandaPickCubeEnv as a policy that only has cameras sees it (gym-hil's image
    task, which LeRobot's HIL-SERL configuration learns from): the cube is drawn at random at
    every reset and the observation carries the two camera images and the robot's own state,
    never the cube position or any other simulator state.

    ## Action Space
    As PandaPickCubeEnv: `Box(low=(-1, -1, -1, 0), high=(1, 1, 1, 2), (4,), float32)`.

    ## Observation Space
    A `Dict` of exactly two keys, whatever `image_obs` says:

    | Key | Space | Content |
    |-----|-------|---------|
    | `agent_pos` | `Box(-inf, inf, (18,), float32)` | as PandaPickCubeBaseEnv |
    | `pixels` | `Dict` of `front`, `wrist`: `Box(0, 255, (128, 128, 3), uint8)` | camera images |

    LeRobot reads them as observation.state and observation.images.front / wrist. info carries
    the task's keys (succeed, discrete_penalty, physics_error), no positions.

    ## Rewards
    As PandaPickCubeBaseEnv.

    ## Starting State
    As PandaPickCubeBaseEnv with `random_block_position=True`.

    ## Episode End
    As PandaPickCubeBaseEnv.

    ## Arguments
    Those of PandaPickCubeEnv; `image_obs` is always True and `random_block_position`
    defaults to True.
    """

    def __init__(self, random_block_position: bool = True, **kwargs: Any) -> None:
        kwargs.pop('image_obs', None)
        super().__init__(image_obs=True, random_block_position=random_block_position, **kwargs)
