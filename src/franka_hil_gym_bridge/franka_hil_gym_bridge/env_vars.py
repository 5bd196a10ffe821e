# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Graph settings from environment variables, for callers that cannot pass our kwargs (LeRobot).

LeRobot makes its env as gym.make(f'gym_hil/{task}', image_obs=..., render_mode=...,
use_gripper=..., gripper_penalty=...): nothing in that call says where the graph is or that the
env should start one. These variables say it for every env a process makes:

    FRANKA_HIL_LAUNCH     1 / true / yes / on: start the graph (launch=True) and stop it on
                          close(); 0 / false / no / off / empty: use a running graph
    FRANKA_HIL_NAMESPACE  the sim node's namespace (a running graph), or the namespace to
                          launch the graph in (default: a fresh one)
    FRANKA_HIL_TELEOP     who overrides in the graph: script, gamepad, keyboard or none
    FRANKA_HIL_MODE       lockstep or realtime
    FRANKA_HIL_HUMAN      with teleop script, the launched graph's synthetic human: always
                          (holds the override) or corrective (takes over only when the policy
                          goes off track); unset: bringup's default (`human:=...`)
    FRANKA_HIL_PARAMETERS a YAML file {node name: {parameter: value}} of parameters for the
                          launched graph's nodes, as bringup's --overrides (e.g.
                          synthetic_human: {intervener.time_out_s: 0.0}); the env's own
                          settings of the sim node win over it

A kwarg that is given (to gym.make, or by the registered id: the Gamepad and Keyboard ids set
teleop) wins over its variable; a variable that is unset or empty leaves the env's default.
A value that is not one of those listed raises ValueError naming the variable.
"""

import os

from franka_hil_common.names import TELEOPS
from franka_hil_common.task import MODES
import yaml

LAUNCH = 'FRANKA_HIL_LAUNCH'
NAMESPACE = 'FRANKA_HIL_NAMESPACE'
TELEOP = 'FRANKA_HIL_TELEOP'
MODE = 'FRANKA_HIL_MODE'
HUMAN = 'FRANKA_HIL_HUMAN'
PARAMETERS = 'FRANKA_HIL_PARAMETERS'
VARIABLES = (LAUNCH, NAMESPACE, TELEOP, MODE, HUMAN, PARAMETERS)
HUMANS = ('always', 'corrective')
# The env's own defaults, where neither a kwarg nor a variable says otherwise.
DEFAULTS = {'launch': False, 'namespace': '', 'teleop': 'none', 'mode': None}
_TRUE = ('1', 'true', 'yes', 'on')
_FALSE = ('0', 'false', 'no', 'off')


def graph_settings(launch=None, namespace=None, teleop=None, mode=None, environ=None):
    """
    Return {'launch', 'namespace', 'teleop', 'mode'}: each kwarg, else its variable, else default.

    None means "not given". `environ` defaults to os.environ.
    """
    environ = os.environ if environ is None else environ
    given = {'launch': launch, 'namespace': namespace, 'teleop': teleop, 'mode': mode}
    read = {'launch': _launch, 'namespace': _namespace, 'teleop': _teleop, 'mode': _mode}
    variables = {'launch': LAUNCH, 'namespace': NAMESPACE, 'teleop': TELEOP, 'mode': MODE}
    settings = {}
    for name, value in given.items():
        text = environ.get(variables[name], '').strip()
        if value is not None:
            settings[name] = value
        elif text:
            settings[name] = read[name](text)
        else:
            settings[name] = DEFAULTS[name]
    return settings


def human(environ=None):
    """Return FRANKA_HIL_HUMAN (the launched graph's synthetic human mode), None if unset."""
    environ = os.environ if environ is None else environ
    text = environ.get(HUMAN, '').strip()
    if not text:
        return None
    if text not in HUMANS:
        raise ValueError(f'{HUMAN}={text!r}: use one of {list(HUMANS)}')
    return text


def node_parameters(environ=None):
    """Return FRANKA_HIL_PARAMETERS' {node: {parameter: value}}, {} if unset (ValueError: bad)."""
    environ = os.environ if environ is None else environ
    path = environ.get(PARAMETERS, '').strip()
    if not path:
        return {}
    try:
        with open(path) as handle:
            loaded = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f'{PARAMETERS}={path!r}: cannot read it: {error}') from None
    if not isinstance(loaded, dict) or not all(
        isinstance(node, str) and isinstance(values, dict) for node, values in loaded.items()
    ):
        raise ValueError(
            f'{PARAMETERS}={path!r}: must hold {{node name: {{parameter: value}}}}, got {loaded!r}'
        )
    return loaded


def describe(environ=None):
    """Return the FRANKA_HIL_* variables that are set, as 'NAME=value' text ('' if none)."""
    environ = os.environ if environ is None else environ
    return ' '.join(f'{name}={environ[name]}' for name in VARIABLES if environ.get(name))


def _launch(text):
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValueError(f'{LAUNCH}={text!r}: use one of {list(_TRUE + _FALSE)}')


def _namespace(text):
    if any(c.isspace() for c in text):
        raise ValueError(f'{NAMESPACE}={text!r}: a ROS namespace has no spaces')
    return text


def _teleop(text):
    if text not in TELEOPS:
        raise ValueError(f'{TELEOP}={text!r}: use one of {list(TELEOPS)}')
    return text


def _mode(text):
    if text not in MODES:
        raise ValueError(f'{MODE}={text!r}: use one of {list(MODES)}')
    return text
