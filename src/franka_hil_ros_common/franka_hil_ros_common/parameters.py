# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Node parameters declared with a description, typed by their default and validated at start.

A bad or unknown parameter is a ParameterError naming it, which run_node reports in one line:
a typo must not pass silently, and `ros2 param describe` shows every description.
"""

import math

from rcl_interfaces.msg import ParameterDescriptor

# Parameters rclpy declares on every node.
BUILTIN = ('use_sim_time', 'start_type_description_service')


class ParameterError(ValueError):
    """A parameter has a wrong type or value, or is unknown."""


def declare(node, name, default, description, check=None):
    """
    Declare a parameter with a description and return its validated value.

    The value must have the default's type (an integer is accepted for a float); `check(value)`
    returns an error text or None.
    """
    descriptor = ParameterDescriptor(description=description, dynamic_typing=True)
    value = node.declare_parameter(name, default, descriptor).value
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not type(default):
        raise ParameterError(
            f'parameter {name!r} must be a {type(default).__name__} ({description}), got {value!r}'
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f'parameter {name!r} must be finite, got {value!r}')
    problem = check(value) if check else None
    if problem:
        raise ParameterError(f'parameter {name!r} {problem}, got {value!r} ({description})')
    return value


def positive(value):
    """Check for declare(): the value must be > 0."""
    return None if value > 0 else 'must be > 0'


def one_of(choices):
    """Return a check for declare(): the value must be one of `choices`."""
    return lambda value: None if value in choices else f'must be one of {list(choices)}'


def reject_unknown_parameters(node):
    """Fail on parameter overrides this node does not declare (typos must not pass silently)."""
    overrides = getattr(node, '_parameter_overrides', {})
    unknown = sorted(set(overrides) - set(node._parameters) - set(BUILTIN))
    if unknown:
        raise ParameterError(
            f'unknown parameters {unknown}; this node takes '
            f'{sorted(set(node._parameters) - set(BUILTIN))}'
        )
