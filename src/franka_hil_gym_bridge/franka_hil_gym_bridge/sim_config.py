# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the env asks of its simulator, and how that reads as sim node parameters.

The env's kwargs become a franka_hil_sim SessionConfig, the one description of a pick-cube
session: the embedded backend runs it, a launched graph starts sim_node with it, and a running
sim node's parameters are read back through the node's own validation (sim_parameters) and
compared with it. A mismatch is refused at connect time, because a policy trained on images must
not silently receive states, nor a 4-D policy drive a 7-D env.

The node's mode (lockstep or realtime) is compared only when the env names one: both serve the
same spaces and info, so an env that names none drives whichever mode it finds.
"""

import math

from franka_hil_sim import pick_cube, robot
from franka_hil_sim.hil_session import SessionConfig
from franka_hil_sim.sim_parameters import MODES, PARAMETERS, settings_from

# The settings that change spaces, rewards or episode length: they must match. The gripper
# penalty is only reported (info["discrete_penalty"]), so the env reports its own (see remote).
COMPARED = ('image_obs', 'action_space', 'use_gripper', 'reward_type', 'random_block_position',
            'max_episode_steps', 'control_dt')
# The mode of a sim node the env starts itself when it names none.
DEFAULT_MODE = 'lockstep'


def session_config(**settings):
    """Return the validated SessionConfig of the env kwargs; ValueError lists every problem."""
    config = SessionConfig(**settings)
    problems = config.problems()
    if problems:
        raise ValueError('invalid env arguments: ' + '; '.join(problems))
    return config


def node_parameters(config, mode=DEFAULT_MODE):
    """Return the sim node parameters {name: value} that run `config` in `mode`."""
    parameters = {name: getattr(config, name) for name in COMPARED if name in PARAMETERS}
    parameters.update(mode=mode, seed=config.seed, control_rate=1.0 / config.control_dt,
                      gripper_penalty=config.gripper_penalty,
                      intervention_timeout=config.intervention_timeout)
    return parameters


def parameter_names():
    """Return the names of every sim node parameter (all are read for the comparison)."""
    return list(PARAMETERS)


def mismatches(config, values, mode=None):
    """
    Compare the parameters {name: value} read from a sim node with `config` (and `mode`).

    Returns (node settings, [problem, ...]); a node whose parameters do not validate is one
    problem. Floats compare with a relative tolerance of 1e-6. mode=None accepts either mode.
    """
    try:
        settings = settings_from(values)
    except ValueError as error:
        return None, [f'its parameters are invalid: {error}']
    problems = []
    if mode is not None and settings.mode != mode:
        problems.append(f'mode={settings.mode} (the env wants mode={mode})')
    for name in COMPARED:
        have, want = getattr(settings.session, name), getattr(config, name)
        same = (math.isclose(have, want, rel_tol=1e-6) if isinstance(want, float)
                else have == want)
        if not same:
            if name == 'control_dt':
                problems.append(f'control_rate={1.0 / have:g} (the env wants {1.0 / want:g})')
            else:
                problems.append(f'{name}={have!r} (the env wants {want!r})')
    if settings.mode == 'realtime' and config.image_obs:
        problems += realtime_image_problems(settings)
    return settings, problems


def realtime_image_problems(settings):
    """
    Return why a realtime node cannot serve image observations ([] if it can).

    Its `observation` topic carries the state only: the env pairs each tick's observation with
    the `<camera>/image_raw` frames of the same stamp, so both cameras must be published, at the
    observation's size, reliably (a lost frame would be a lost observation).
    """
    problems = []
    missing = [camera for camera in robot.CAMERAS if camera not in settings.cameras]
    if missing:
        problems.append(f'cameras={list(settings.cameras)} (realtime image_obs needs '
                        f'{list(robot.CAMERAS)})')
    size = (pick_cube.IMAGE_SIZE, pick_cube.IMAGE_SIZE)
    if tuple(settings.image_size) != size:
        problems.append(f'image_width x image_height={settings.image_size[0]}x'
                        f'{settings.image_size[1]} (realtime image_obs needs {size[0]}x{size[1]})')
    if not settings.reliable_images:
        problems.append('image_reliability=best_effort (realtime image_obs needs reliable)')
    return problems


def check_mode(mode):
    """Return `mode` (None: either) or raise ValueError."""
    if mode is not None and mode not in MODES:
        raise ValueError(f'mode must be one of {list(MODES)} or None, got {mode!r}')
    return mode


def start_hint(config, namespace, mode=None):
    """Return a command line that starts a sim node matching `config` (and `mode`)."""
    defaults = {name: default for name, (default, _) in PARAMETERS.items()}
    compared = COMPARED + ('control_rate',) + (('mode',) if mode else ())
    wanted = {name: value for name, value in node_parameters(config, mode or DEFAULT_MODE).items()
              if name in compared and not _equal(value, defaults.get(name))}
    args = ' '.join(f'-p {name}:={_text(value)}' for name, value in wanted.items())
    ns = f' -r __ns:={namespace}' if namespace else ''
    return f'sim_node --ros-args{ns}' + (f' {args}' if args else '')


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
