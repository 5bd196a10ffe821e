# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The simulator node's parameters: names, defaults, descriptions and validation, free of ROS.

The node declares exactly this table, so `ros2 param describe` and the checks cannot disagree,
and every bad value is reported at start-up in one message instead of failing later.
"""

from dataclasses import dataclass
import math
import re

from franka_hil_sim import pick_cube, robot
from franka_hil_sim.hil_session import DEFAULT_INTERVENTION_TIMEOUT_S, SessionConfig
from franka_hil_sim.registration import MAX_EPISODE_STEPS

MODES = ('lockstep', 'realtime')
RELIABILITIES = ('reliable', 'best_effort')
MAX_IMAGE_SIDE = 4096
_FRAME_PREFIX = re.compile(r'[A-Za-z0-9_][A-Za-z0-9_/]*')

# name: (default, description)
PARAMETERS = {
    'mode': ('lockstep', 'lockstep: one control period per Step service call; realtime: steps '
             'on a wall-clock timer at control_rate with the latest `action` message'),
    'control_rate': (1.0 / pick_cube.CONTROL_DT, 'control steps per second of sim time (Hz); '
                     'one control period = 1 / control_rate'),
    'cameras': (list(robot.CAMERAS), 'cameras published on <camera>/image_raw + camera_info'),
    'image_width': (pick_cube.IMAGE_SIZE, 'width of the published camera images (pixels); '
                    'observation images keep the contract size'),
    'image_height': (pick_cube.IMAGE_SIZE, 'height of the published camera images (pixels)'),
    'image_obs': (False, 'observations carry both camera images (pixels) instead of the cube '
                  'position (environment_state)'),
    'reward_type': ('sparse', f'task reward, one of {list(pick_cube.REWARD_TYPES)}'),
    'random_block_position': (False, 'draw the cube start position at random at each reset'),
    'seed': (0, 'seed of the first episode (later resets continue its stream unless seeded)'),
    'image_reliability': ('reliable', 'QoS reliability of image_raw and camera_info: reliable '
                          '(rviz default) or best_effort'),
    'intervention_timeout': (DEFAULT_INTERVENTION_TIMEOUT_S, 'an intervention older than this '
                             '(s of wall time since receipt) counts as released'),
    'action_timeout': (DEFAULT_INTERVENTION_TIMEOUT_S, 'realtime mode: a policy action older '
                       'than this (s of wall time) is replaced by holding still'),
    'max_episode_steps': (MAX_EPISODE_STEPS, 'steps after which an episode is truncated '
                          '(Gymnasium TimeLimit)'),
    'action_space': ('ee', 'ee: the 4-D EE action of gym-hil [dx, dy, dz, gripper] (3-D '
                     'without gripper); base: the 7-D base action'),
    'use_gripper': (True, 'ee action space: the action has the gripper entry'),
    'gripper_penalty': (pick_cube.GRIPPER_PENALTY, 'info discrete_penalty of a gripper flip '
                        '(<= 0)'),
    'publish_clock': (True, 'publish sim time on /clock'),
    'frame_prefix': ('', 'prefix of every TF frame id (e.g. sim0/ for several sims in one graph)'),
}


@dataclass(frozen=True)
class NodeSettings:
    """Validated node parameters: the session's configuration plus how the node publishes."""

    session: SessionConfig
    mode: str
    cameras: tuple
    image_size: tuple  # (width, height)
    reliable_images: bool
    action_timeout: float
    publish_clock: bool
    frame_prefix: str


def settings_from(values):
    """
    Validate parameter values {name: value}; return NodeSettings or raise ValueError.

    Missing names take their defaults; unknown names and every bad value are reported together.
    Integers are accepted where a float is expected.
    """
    problems = [f'unknown parameter {name!r} (known: {", ".join(PARAMETERS)})'
                for name in sorted(set(values) - set(PARAMETERS))]
    v = {name: values.get(name, default) for name, (default, _) in PARAMETERS.items()}

    def choice(name, choices):
        if v[name] not in choices:
            problems.append(f'{name} must be one of {list(choices)}, got {v[name]!r}')

    def number(name, low, high=math.inf):
        value = v[name]
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or not low < value <= high):
            problems.append(f'{name} must be a number in ({low}, {high}], got {value!r}')
            return None
        return float(value)

    choice('mode', MODES)
    choice('image_reliability', RELIABILITIES)
    # The upper limit (one physics step per control period) is the sim core's to check.
    rate = number('control_rate', 0.0)
    action_timeout = number('action_timeout', 0.0)
    for name in ('image_obs', 'random_block_position', 'use_gripper', 'publish_clock'):
        if not isinstance(v[name], bool):
            problems.append(f'{name} must be true or false, got {v[name]!r}')
    # ROS parameters cannot hold an empty list: `cameras:=[]` arrives as no value.
    cameras = [] if v['cameras'] is None else v['cameras']
    if (not isinstance(cameras, (list, tuple)) or len(set(cameras)) != len(cameras)
            or not set(cameras) <= set(robot.CAMERAS)):
        problems.append(f'cameras must be distinct names from {list(robot.CAMERAS)}, '
                        f'got {cameras!r}')
    for name in ('image_width', 'image_height'):
        if (isinstance(v[name], bool) or not isinstance(v[name], int)
                or not 1 <= v[name] <= MAX_IMAGE_SIDE):
            problems.append(f'{name} must be an integer in [1, {MAX_IMAGE_SIDE}], '
                            f'got {v[name]!r}')
    prefix = v['frame_prefix']
    if not isinstance(prefix, str) or (prefix and not _FRAME_PREFIX.fullmatch(prefix)):
        problems.append(f'frame_prefix must be empty or letters, digits, _ and / not starting '
                        f'with /, got {prefix!r}')
    session = SessionConfig(
        image_obs=v['image_obs'], reward_type=v['reward_type'],
        random_block_position=v['random_block_position'], seed=v['seed'],
        action_space=v['action_space'], use_gripper=v['use_gripper'],
        gripper_penalty=v['gripper_penalty'], max_episode_steps=v['max_episode_steps'],
        intervention_timeout=v['intervention_timeout'],
        control_dt=1.0 / rate if rate else pick_cube.CONTROL_DT)
    problems += [p for p in session.problems() if not p.startswith('control_dt')]
    if problems:
        raise ValueError('; '.join(problems))
    return NodeSettings(session=session, mode=v['mode'], cameras=tuple(cameras),
                        image_size=(v['image_width'], v['image_height']),
                        reliable_images=v['image_reliability'] == 'reliable',
                        action_timeout=action_timeout, publish_clock=v['publish_clock'],
                        frame_prefix=prefix)
