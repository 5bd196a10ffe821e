# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
How Gymnasium's values sit in our messages' fields, both ways, without importing a message type.

The simulator node builds Observation, StepInfo and Image messages from the `*_fields` dicts
(`StepInfo(header=..., **step_info_fields(...))`); its clients (the gym bridge, the synthetic
human, the viewer) read messages back with the `*_from_msg` functions, which only read
attributes. So an observation or info dict survives the trip through franka_hil_msgs unchanged
(floats become float32 where the message says float32), and the mapping exists once.
Stamps are integer nanoseconds of sim time.
"""

from collections.abc import Mapping
from typing import Any, Protocol

from franka_hil_common import driving_status, observation as layout
import numpy as np
import numpy.typing as npt

NS_PER_S = 1_000_000_000
IMAGE_ENCODING = 'rgb8'


class Stamp(Protocol):
    """A builtin_interfaces/Time, or anything with its two fields."""

    sec: int
    nanosec: int


def stamp_ns(stamp: Stamp) -> int:
    """Integer nanoseconds of a builtin_interfaces/Time (anything with sec and nanosec)."""
    return stamp.sec * NS_PER_S + stamp.nanosec


def stamp_fields(ns: int) -> dict[str, int]:
    """{'sec', 'nanosec'} of integer nanoseconds, for builtin_interfaces/Time."""
    return {'sec': int(ns // NS_PER_S), 'nanosec': int(ns % NS_PER_S)}


def deadline_passed(deadline: Stamp, now_ns: int) -> bool:
    """Return True when a request's deadline (a Time; zero: none) lies before `now_ns`."""
    ns = stamp_ns(deadline)
    return ns != 0 and now_ns > ns


def image_fields(pixels: npt.ArrayLike) -> dict[str, Any]:
    """sensor_msgs/Image fields (rgb8) of an HxWx3 uint8 array, header aside."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f'an rgb8 image must be HxWx3, got shape {pixels.shape}')
    height, width, _ = pixels.shape
    return {
        'height': height,
        'width': width,
        'encoding': IMAGE_ENCODING,
        'is_bigendian': 0,
        'step': width * 3,
        'data': pixels.tobytes(),
    }


def image_array(msg: Any) -> npt.NDArray[np.uint8]:
    """HxWx3 uint8 array of an rgb8 sensor_msgs/Image; ValueError on another layout."""
    if msg.encoding != IMAGE_ENCODING:
        raise ValueError(f'image encoding must be {IMAGE_ENCODING}, got {msg.encoding!r}')
    if msg.step != msg.width * 3 or len(msg.data) != msg.step * msg.height:
        raise ValueError(
            f'rgb8 image of {msg.width}x{msg.height} needs step {msg.width * 3} and '
            f'{msg.width * 3 * msg.height} bytes, got step {msg.step} and '
            f'{len(msg.data)} bytes'
        )
    return np.frombuffer(bytes(msg.data), dtype=np.uint8).reshape(msg.height, msg.width, 3).copy()


def observation_state_fields(observation: Mapping[str, Any]) -> dict[str, Any]:
    """Observation fields agent_pos and environment_state (empty in image mode)."""
    return {
        'agent_pos': _float32(observation['agent_pos']),
        'environment_state': _float32(observation.get('environment_state', ())),
    }


def observation_from_msg(msg: Any) -> dict[str, Any]:
    """
    Return the gym observation dict of a franka_hil_msgs/Observation.

    agent_pos (18,) float32, and environment_state (3,) float32 in state mode or pixels
    {name: HxWx3 uint8} in image mode. Raises ValueError on a malformed message.
    """
    agent_pos = np.array(msg.agent_pos, dtype=np.float32)
    if agent_pos.shape != (layout.AGENT_POS_SIZE,):
        raise ValueError(
            f'agent_pos must have {layout.AGENT_POS_SIZE} entries, got {agent_pos.size}'
        )
    observation: dict[str, Any] = {'agent_pos': agent_pos}
    if len(msg.image_names) != len(msg.images):
        raise ValueError(f'{len(msg.image_names)} image names for {len(msg.images)} images')
    if msg.images:
        observation['pixels'] = {
            name: image_array(image) for name, image in zip(msg.image_names, msg.images)
        }
    else:
        state = np.array(msg.environment_state, dtype=np.float32)
        if state.shape != (layout.ENVIRONMENT_STATE_SIZE,):
            raise ValueError(
                f'environment_state must have {layout.ENVIRONMENT_STATE_SIZE} '
                f'entries, got {state.size}'
            )
        observation['environment_state'] = state
    return observation


def step_info_fields(
    info: Mapping[str, Any],
    reward: float,
    terminated: bool,
    truncated: bool,
    episode: int,
    step: int,
    policy_acted: bool = True,
) -> dict[str, Any]:
    """
    franka_hil_msgs/StepInfo fields, header aside, of a step's info dict and outcome.

    `policy_acted`: a policy chose the action when no human did (false: the robot held still).
    """
    actor = (
        driving_status.ACTOR_HUMAN
        if info['is_intervention']
        else driving_status.ACTOR_POLICY
        if policy_acted
        else driving_status.ACTOR_NONE
    )
    return {
        'actor': actor,
        'episode': int(episode),
        'step': int(step),
        'action': _float32(info['teleop_action']),
        'policy_action': _float32(info['policy_action']),
        'is_intervention': bool(info['is_intervention']),
        'reward': float(reward),
        'terminated': bool(terminated),
        'truncated': bool(truncated),
        'success': bool(info['succeed']),
        'discrete_penalty': float(info['discrete_penalty']),
        'rerecord_episode': bool(info['rerecord_episode']),
        'human_event': int(info['human_event']),
        'physics_error': bool(info['physics_error']),
    }


def info_from_step_info(msg: Any) -> dict[str, Any]:
    """
    Return the gym info dict of a franka_hil_msgs/StepInfo.

    succeed, discrete_penalty, is_intervention, teleop_action = action_intervention (the
    executed action, float32), policy_action, rerecord_episode, human_event, physics_error, and
    next.success when the step ended the episode.
    """
    executed = np.array(msg.action, dtype=np.float32)
    info: dict[str, Any] = {
        'succeed': bool(msg.success),
        'discrete_penalty': float(msg.discrete_penalty),
        'is_intervention': bool(msg.is_intervention),
        'teleop_action': executed,
        'action_intervention': executed.copy(),
        'policy_action': np.array(msg.policy_action, dtype=np.float32),
        'rerecord_episode': bool(msg.rerecord_episode),
        'human_event': int(msg.human_event),
        'physics_error': bool(msg.physics_error),
    }
    if msg.terminated or msg.truncated:
        info['next.success'] = bool(msg.success)
    return info


def _float32(values: npt.ArrayLike) -> npt.NDArray[np.float32]:
    return np.asarray(values, dtype=np.float32).ravel()
