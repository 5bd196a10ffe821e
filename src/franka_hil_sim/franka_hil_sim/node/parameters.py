# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The simulator node's parameters: names, defaults, descriptions and validation, free of ROS.

The session's settings (franka_hil_common.task.SESSION_PARAMETERS) plus how the node runs and
publishes. The node declares exactly this table, so `ros2 param describe` and the checks cannot
disagree, and every bad value is reported at start-up in one message instead of failing later.
"""

from dataclasses import dataclass
import math
import re

from franka_hil_common import observation
from franka_hil_common.task import config_from_parameters, DEFAULT_INTERVENTION_TIMEOUT_S
from franka_hil_common.task import MODES, SESSION_PARAMETERS, SessionConfig
from franka_hil_sim.core.recorder_gate import DEFAULT_RECORDER_TIMEOUT_S

RELIABILITIES = ('reliable', 'best_effort')
# The graph's viewer choices; only `window` concerns the simulator (web is the drive node's
# page, rerun the viewer node's).
VIEWERS = ('none', 'web', 'rerun', 'window')
MAX_IMAGE_SIDE = 4096
_FRAME_PREFIX = re.compile(r'[A-Za-z0-9_][A-Za-z0-9_/]*')
# A node's full name: /name or /namespace/.../name, tokens not starting with a digit.
_NODE_NAME = re.compile(r'(/[A-Za-z_][A-Za-z0-9_]*)+')

# name: (default, description)
PARAMETERS = {
    'mode': (
        'lockstep',
        'lockstep: one control period per Step service call; realtime: steps '
        'on a wall-clock timer at control_rate with the latest `action` message',
    ),
    **SESSION_PARAMETERS,
    'cameras': (
        list(observation.CAMERAS),
        'cameras published on <camera>/image_raw + camera_info',
    ),
    'image_width': (
        observation.IMAGE_SIZE,
        'width of the published camera images (pixels); observation images keep the contract size',
    ),
    'image_height': (observation.IMAGE_SIZE, 'height of the published camera images (pixels)'),
    'image_reliability': (
        'reliable',
        'QoS reliability of image_raw and camera_info: reliable (rviz default) or best_effort',
    ),
    'action_timeout': (
        DEFAULT_INTERVENTION_TIMEOUT_S,
        'realtime mode: a policy action older '
        'than this (s of wall time) is replaced by holding still',
    ),
    'publish_clock': (True, 'publish sim time on /clock'),
    'pace_human': (
        True,
        'lockstep: while a person overrides, steps follow no faster than one '
        'per control period of wall time, so the person sees the robot at real '
        'speed (the synthetic human, Intervention source "script", is not paced)',
    ),
    'wait_for_person': (
        False,
        'realtime: each episode starts only when a person takes over '
        '(an active intervention after a released one); until then the sim '
        'holds at the reset',
    ),
    'recorder': (
        '',
        'realtime: full name of the recorder node of this graph (e.g. /recorder; bringup and '
        'the launch file set it with record:=DIR): the first episode starts only once its '
        'latched ~/status says it records every topic of this simulator that it wants, each '
        'matched, so that no episode misses its start in the bag; at most recorder_timeout '
        "(an error line, then it runs without it); '' = no recorder to wait for",
    ),
    'recorder_timeout': (
        DEFAULT_RECORDER_TIMEOUT_S,
        'realtime: the most seconds (wall time) the first episode waits for the recorder',
    ),
    'frame_prefix': ('', 'prefix of every TF frame id (e.g. sim0/ for several sims in one graph)'),
    'preview_rate': (
        10.0,
        'for the viewer, at most this many messages per second (wall clock) '
        'on each <camera>/image_preview, tf_preview and markers_preview, and as '
        'many StepInfoArray batches of every step on step_info_batches '
        '(image_raw, /tf, markers and step_info have every step)',
    ),
    'viewer': (
        'none',
        'window: open a MuJoCo viewer window on this simulation (needs a display), '
        'updated after every step; none / web / rerun: no window (a node in a browser)',
    ),
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
    pace_human: bool
    wait_for_person: bool
    recorder: str
    recorder_timeout: float
    frame_prefix: str
    window: bool
    preview_period: float


def settings_from(values):
    """
    Validate parameter values {name: value}; return NodeSettings or raise ValueError.

    Missing names take their defaults; unknown names and every bad value are reported together.
    Integers are accepted where a float is expected.
    """
    problems = [
        f'unknown parameter {name!r} (known: {", ".join(PARAMETERS)})'
        for name in sorted(set(values) - set(PARAMETERS))
    ]
    v = {name: values.get(name, default) for name, (default, _) in PARAMETERS.items()}

    def number(name, low, high=math.inf):
        value = v[name]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not low < value <= high
        ):
            problems.append(f'{name} must be a number in ({low}, {high}], got {value!r}')
            return None
        return float(value)

    for name, choices in (
        ('mode', MODES),
        ('image_reliability', RELIABILITIES),
        ('viewer', VIEWERS),
    ):
        if v[name] not in choices:
            problems.append(f'{name} must be one of {list(choices)}, got {v[name]!r}')
    # The upper limit (one physics step per control period) is the sim core's to check.
    number('control_rate', 0.0)
    action_timeout = number('action_timeout', 0.0)
    preview_rate = number('preview_rate', 0.0)
    recorder_timeout = number('recorder_timeout', 0.0)
    recorder = v['recorder']
    if not isinstance(recorder, str) or (recorder and not _NODE_NAME.fullmatch(recorder)):
        problems.append(
            f"recorder must be '' or a node's full name (/name, /namespace/name), got {recorder!r}"
        )
    for name in ('publish_clock', 'pace_human', 'wait_for_person'):
        if not isinstance(v[name], bool):
            problems.append(f'{name} must be true or false, got {v[name]!r}')
    # ROS parameters cannot hold an empty list: `cameras:=[]` arrives as no value.
    cameras = [] if v['cameras'] is None else v['cameras']
    if (
        not isinstance(cameras, (list, tuple))
        or len(set(cameras)) != len(cameras)
        or not set(cameras) <= set(observation.CAMERAS)
    ):
        problems.append(
            f'cameras must be distinct names from {list(observation.CAMERAS)}, got {cameras!r}'
        )
    for name in ('image_width', 'image_height'):
        if (
            isinstance(v[name], bool)
            or not isinstance(v[name], int)
            or not 1 <= v[name] <= MAX_IMAGE_SIDE
        ):
            problems.append(f'{name} must be an integer in [1, {MAX_IMAGE_SIDE}], got {v[name]!r}')
    prefix = v['frame_prefix']
    if not isinstance(prefix, str) or (prefix and not _FRAME_PREFIX.fullmatch(prefix)):
        problems.append(
            f'frame_prefix must be empty or letters, digits, _ and / not starting '
            f'with /, got {prefix!r}'
        )
    session = config_from_parameters(v)
    problems += [p for p in session.problems() if not p.startswith('control_dt')]
    if problems:
        raise ValueError('; '.join(problems))
    return NodeSettings(
        session=session,
        mode=v['mode'],
        cameras=tuple(cameras),
        image_size=(v['image_width'], v['image_height']),
        reliable_images=v['image_reliability'] == 'reliable',
        action_timeout=action_timeout,
        publish_clock=v['publish_clock'],
        pace_human=v['pace_human'],
        wait_for_person=v['wait_for_person'],
        recorder=recorder,
        recorder_timeout=recorder_timeout,
        frame_prefix=prefix,
        window=v['viewer'] == 'window',
        preview_period=1.0 / preview_rate,
    )
