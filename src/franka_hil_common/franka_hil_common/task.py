# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pick-cube task's settings: control period, episode length, rewards, and their validation.

SessionConfig is what one session simulates. The Gymnasium envs, the simulator node (as its
parameters) and the gym bridge (as its kwargs, compared with a running node's parameters) all
describe a session with it, so a setting means the same everywhere and is checked once.
"""

from collections.abc import Mapping
from dataclasses import dataclass
import math
from typing import Any, TypeGuard

import numpy as np

# gym-hil's control period (10 Hz) and TimeLimit (100 steps, 10 s).
CONTROL_DT = 0.1
MAX_EPISODE_STEPS = 100
REWARD_TYPES = ('sparse', 'dense')
# gym-hil's gripper penalty of PandaPickCube-v0 (info["discrete_penalty"] of a gripper flip).
GRIPPER_PENALTY = -0.05
# How long a human command stays in force without a fresh one (s).
DEFAULT_INTERVENTION_TIMEOUT_S = 0.5
# lockstep: a step per Step request; realtime: steps on the simulator's wall clock.
MODES = ('lockstep', 'realtime')
MAX_SEED = 2**63 - 1
# 'ee': gym-hil's end-effector action; 'base': its raw 7-D action (see franka_hil_common.actions).
ACTION_SPACES = ('ee', 'base')


@dataclass(frozen=True)
class SessionConfig:
    """What a session simulates; defaults are gym-hil's PandaPickCube-v0."""

    image_obs: bool = False
    reward_type: str = 'sparse'
    random_block_position: bool = False
    seed: int = 0
    action_space: str = 'ee'
    use_gripper: bool = True
    gripper_penalty: float = GRIPPER_PENALTY
    max_episode_steps: int = MAX_EPISODE_STEPS
    intervention_timeout: float = DEFAULT_INTERVENTION_TIMEOUT_S
    control_dt: float = CONTROL_DT

    def problems(self) -> list[str]:
        """Return a list of what is wrong with this configuration (empty when valid)."""
        out = []
        for name in ('image_obs', 'random_block_position', 'use_gripper'):
            if not isinstance(getattr(self, name), bool):
                out.append(f'{name} must be true or false, got {getattr(self, name)!r}')
        if self.reward_type not in REWARD_TYPES:
            out.append(
                f'reward_type must be one of {list(REWARD_TYPES)}, got {self.reward_type!r}'
            )
        if self.action_space not in ACTION_SPACES:
            out.append(
                f'action_space must be one of {list(ACTION_SPACES)}, got {self.action_space!r}'
            )
        if not is_seed(self.seed):
            out.append(f'seed must be an integer in [0, 2^63), got {self.seed!r}')
        if not is_int(self.max_episode_steps) or self.max_episode_steps < 1:
            out.append(
                f'max_episode_steps must be an integer >= 1, got {self.max_episode_steps!r}'
            )
        if not is_number(self.gripper_penalty) or self.gripper_penalty > 0.0:
            out.append(
                f'gripper_penalty must be a finite number <= 0, got {self.gripper_penalty!r}'
            )
        for name in ('intervention_timeout', 'control_dt'):
            value = getattr(self, name)
            if not is_number(value) or value <= 0.0:
                out.append(f'{name} must be a finite number > 0 (s), got {value!r}')
        return out

    def validated(self) -> 'SessionConfig':
        """Return self, or raise ValueError listing every problem."""
        problems = self.problems()
        if problems:
            raise ValueError('; '.join(problems))
        return self


# The simulator node's parameters that set a SessionConfig: name -> (default, description).
# The node takes control_rate (Hz) where the config holds control_dt (s).
SESSION_PARAMETERS: dict[str, tuple[Any, str]] = {
    'image_obs': (
        False,
        'observations carry both camera images (pixels) instead of the cube '
        'position (environment_state)',
    ),
    'reward_type': ('sparse', f'task reward, one of {list(REWARD_TYPES)}'),
    'random_block_position': (False, 'draw the cube start position at random at each reset'),
    'seed': (0, 'seed of the first episode (later resets continue its stream unless seeded)'),
    'action_space': (
        'ee',
        'ee: the 4-D EE action of gym-hil [dx, dy, dz, gripper] (3-D '
        'without gripper); base: the 7-D base action',
    ),
    'use_gripper': (True, 'ee action space: the action has the gripper entry'),
    'gripper_penalty': (GRIPPER_PENALTY, 'info discrete_penalty of a gripper flip (<= 0)'),
    'max_episode_steps': (
        MAX_EPISODE_STEPS,
        'steps after which an episode is truncated (Gymnasium TimeLimit)',
    ),
    'intervention_timeout': (
        DEFAULT_INTERVENTION_TIMEOUT_S,
        'a human command older than this (s since receipt) counts as released',
    ),
    'control_rate': (
        1.0 / CONTROL_DT,
        'control steps per second of sim time (Hz); one control period = 1 / control_rate',
    ),
}


def episode_steps(episode_s: float, control_dt: float = CONTROL_DT) -> int:
    """Return max_episode_steps for an episode of `episode_s` seconds (the graph's episode_s)."""
    return int(episode_s) * round(1.0 / control_dt)


def config_parameters(config: SessionConfig) -> dict[str, Any]:
    """Return the simulator node parameters {name: value} that set `config`."""
    values = {name: getattr(config, name) for name in SESSION_PARAMETERS if name != 'control_rate'}
    values['control_rate'] = 1.0 / config.control_dt
    return values


def config_from_parameters(values: Mapping[str, Any]) -> SessionConfig:
    """
    Return the SessionConfig of node parameter values (defaults for missing ones), unchecked.

    An integer is accepted where a float is expected; a control_rate that is not a positive
    number leaves control_dt at a value problems() reports.
    """
    v = {name: values.get(name, default) for name, (default, _) in SESSION_PARAMETERS.items()}
    for name in ('gripper_penalty', 'intervention_timeout', 'control_rate'):
        if is_int(v[name]):
            v[name] = float(v[name])
    rate = v.pop('control_rate')
    v['control_dt'] = 1.0 / rate if is_number(rate) and rate > 0.0 else math.nan
    return SessionConfig(**v)


def is_int(value: object) -> TypeGuard[int | np.integer]:
    """Return True for an integer that is not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[float | int | np.integer | np.floating]:
    """Return True for a finite real number that is not a bool."""
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def is_seed(value: object) -> TypeGuard[int | np.integer]:
    """Return True for a valid Gymnasium seed (an integer in [0, 2^63))."""
    return is_int(value) and bool(0 <= value <= MAX_SEED)
