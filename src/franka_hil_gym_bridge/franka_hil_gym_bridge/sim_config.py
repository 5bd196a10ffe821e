# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the env asks of its simulator, and how that reads as sim node parameters.

The env's kwargs become a SessionConfig (franka_hil_common.task), the one description of a
pick-cube session: the embedded backend runs it, a launched graph starts sim_node with it, and a
running sim node's parameters are read back and compared with it. A mismatch is refused at
connect time, because a policy trained on images must not silently receive states, nor a 4-D
policy drive a 7-D env.

The node's mode (lockstep or realtime) is compared only when the env names one: both serve the
same spaces and info, so an env that names none drives whichever mode it finds.
"""

import math

from franka_hil_common import observation
from franka_hil_common.task import config_from_parameters, config_parameters, MODES
from franka_hil_common.task import SESSION_PARAMETERS, SessionConfig

# The settings that change spaces, rewards, info or episode length: they must match.
COMPARED = (
    'image_obs',
    'action_space',
    'use_gripper',
    'reward_type',
    'random_block_position',
    'max_episode_steps',
    'control_dt',
    'gripper_penalty',
)
# The sim node's parameters (franka_hil_sim.node.parameters) that say how it publishes images,
# with their defaults: what image observations in realtime mode need.
IMAGE_DEFAULTS = {
    'cameras': list(observation.CAMERAS),
    'image_width': observation.IMAGE_SIZE,
    'image_height': observation.IMAGE_SIZE,
    'image_reliability': 'reliable',
}
# The session settings that `bringup` (config/pick_cube.yaml) takes as arguments.
BRINGUP_ARGUMENTS = ('image_obs', 'random_block_position', 'reward_type', 'gripper_penalty')
# The mode of a sim node the env starts itself when it names none.
DEFAULT_MODE = 'lockstep'


def session_config(**settings):
    """Return the validated SessionConfig of the env kwargs; ValueError lists every problem."""
    try:
        return SessionConfig(**settings).validated()
    except ValueError as error:
        raise ValueError(f'invalid env arguments: {error}') from None


def node_parameters(config, mode=DEFAULT_MODE):
    """Return the sim node parameters {name: value} that run `config` in `mode`."""
    return dict(config_parameters(config), mode=mode)


def parameter_names():
    """Return the names of the sim node parameters the comparison reads."""
    return ['mode', *SESSION_PARAMETERS, *IMAGE_DEFAULTS]


def mismatches(config, values, mode=None):
    """
    Compare the parameters {name: value} read from a sim node with `config` (and `mode`).

    Returns (the node's mode, its image settings {name: value}, [problem, ...]). Floats
    compare with a relative tolerance of 1e-6. mode=None accepts either mode.
    """
    node_mode = values.get('mode')
    if node_mode not in MODES:
        return (
            node_mode,
            values,
            [f'its mode parameter is {node_mode!r}, not one of {list(MODES)}'],
        )
    have_config = config_from_parameters(values)
    problems = []
    if mode is not None and node_mode != mode:
        problems.append(f'mode={node_mode} (the env wants mode={mode})')
    for name in COMPARED:
        have, want = getattr(have_config, name), getattr(config, name)
        same = math.isclose(have, want, rel_tol=1e-6) if isinstance(want, float) else have == want
        if not same:
            if name == 'control_dt':
                problems.append(f'control_rate={1.0 / have:g} (the env wants {1.0 / want:g})')
            else:
                problems.append(f'{name}={have!r} (the env wants {want!r})')
    if node_mode == 'realtime' and config.image_obs:
        problems += realtime_image_problems(values)
    return node_mode, values, problems


def realtime_image_problems(values):
    """
    Return why a realtime node with these parameters cannot serve image observations.

    Its `observation` topic carries the state only: the env pairs each tick's observation with
    the `<camera>/image_raw` frames of the same stamp, so both cameras must be published, at the
    observation's size, reliably (a lost frame would be a lost observation).
    """
    problems = []
    values = dict(IMAGE_DEFAULTS, **values)
    cameras = list(values['cameras'] or [])
    missing = [camera for camera in observation.CAMERAS if camera not in cameras]
    if missing:
        problems.append(
            f'cameras={cameras} (realtime image_obs needs {list(observation.CAMERAS)})'
        )
    size = (values['image_width'], values['image_height'])
    if size != (observation.IMAGE_SIZE, observation.IMAGE_SIZE):
        problems.append(
            f'image_width x image_height={size[0]}x{size[1]} (realtime image_obs '
            f'needs {observation.IMAGE_SIZE}x{observation.IMAGE_SIZE})'
        )
    if values['image_reliability'] != 'reliable':
        problems.append('image_reliability=best_effort (realtime image_obs needs reliable)')
    return problems


def check_mode(mode):
    """Return `mode` (None: either) or raise ValueError."""
    if mode is not None and mode not in MODES:
        raise ValueError(f'mode must be one of {list(MODES)} or None, got {mode!r}')
    return mode


def start_hint(config, namespace, mode=None):
    """Return a command line that starts a sim node matching `config` (and `mode`)."""
    defaults = {name: default for name, (default, _) in SESSION_PARAMETERS.items()}
    defaults['mode'] = DEFAULT_MODE
    wanted = {
        name: value
        for name, value in node_parameters(config, mode or DEFAULT_MODE).items()
        if name != 'seed'
        and name != 'intervention_timeout'
        and (name != 'mode' or mode)
        and not _equal(value, defaults.get(name))
    }
    args = ' '.join(f'-p {name}:={_text(value)}' for name, value in wanted.items())
    ns = f' -r __ns:={namespace}' if namespace else ''
    return f'sim_node --ros-args{ns}' + (f' {args}' if args else '')


def bringup_hint(config, namespace, mode=None):
    """
    Return the `franka-hil-bringup` command whose graph runs `config` (and `mode`), or None.

    None when `config` differs from the node defaults in a setting that bringup has no
    argument for (action_space, use_gripper, max_episode_steps, control_rate).
    """
    defaults = {name: default for name, (default, _) in SESSION_PARAMETERS.items()}
    parameters = node_parameters(config, mode or DEFAULT_MODE)
    if any(
        not _equal(parameters[name], defaults[name])
        for name in ('action_space', 'use_gripper', 'max_episode_steps', 'control_rate')
    ):
        return None
    args = [
        f'{name}:={_text(parameters[name])}'
        for name in BRINGUP_ARGUMENTS
        if not _equal(parameters[name], defaults[name])
    ]
    if mode:
        args.append(f'mode:={mode}')
    if namespace:
        args.append(f'namespace:={namespace}')
    return ' '.join(['franka-hil-bringup', *args])


def normalized(namespace):
    """Return a ROS namespace as '' or '/a/b' (no trailing slash)."""
    return '/' + namespace.strip('/') if namespace.strip('/') else ''


def _equal(a, b):
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-6)
    return a == b


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return f'{value:g}' if isinstance(value, float) else str(value)
