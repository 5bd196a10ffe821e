# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The ROS side shared by the teleop nodes: parameters, config files, publishers, process entry.

The joystick teleop and the keyboard teleop publish exactly the same topics with the same QoS
from the same TeleopCore output; keeping that here means a recorder or the simulator cannot tell
the devices apart except by `source`.
"""

import math
from pathlib import Path

from ament_index_python.packages import get_package_share_directory, PackageNotFoundError
from franka_hil_msgs.msg import EpisodeEvent, Intervention
from franka_hil_sim import ee_action
from franka_hil_teleop.teleop_core import FAILURE, RERECORD, SUCCESS
from geometry_msgs.msg import TwistStamped
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy

PACKAGE = 'franka_hil_teleop'
EVENT_CODES = {SUCCESS: EpisodeEvent.SUCCESS, FAILURE: EpisodeEvent.FAILURE,
               RERECORD: EpisodeEvent.RERECORD}
# Commands are superseded by the next one; keep a few so a slow reader still sees the release.
COMMAND_QOS = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE,
                         history=HistoryPolicy.KEEP_LAST)
# Episode events must never be dropped: reliable, with room for a burst.
EVENT_QOS = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE,
                       history=HistoryPolicy.KEEP_LAST)

# The message's gripper constants and the contract's action values are one scale.
assert (Intervention.GRIPPER_OPEN, Intervention.GRIPPER_STAY, Intervention.GRIPPER_CLOSE) == \
    ee_action.GRIPPER_COMMANDS


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
        raise ParameterError(f'parameter {name!r} must be a {type(default).__name__} '
                             f'({description}), got {value!r}')
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f'parameter {name!r} must be finite, got {value!r}')
    problem = check(value) if check else None
    if problem:
        raise ParameterError(f'parameter {name!r} {problem}, got {value!r} ({description})')
    return value


def positive(value):
    """Check for declare(): the value must be > 0."""
    return None if value > 0 else 'must be > 0'


def reject_unknown_parameters(node):
    """Fail on parameter overrides this node does not declare (typos must not pass silently)."""
    builtin = {'use_sim_time', 'start_type_description_service'}
    overrides = getattr(node, '_parameter_overrides', {})
    unknown = sorted(set(overrides) - set(node._parameters) - builtin)
    if unknown:
        raise ParameterError(f'unknown parameters {unknown}; this node takes '
                             f'{sorted(set(node._parameters) - builtin)}')


def config_file(name):
    """Return config/<name>: the installed copy, else the workspace's (run from source)."""
    candidates = []
    try:
        candidates.append(Path(get_package_share_directory(PACKAGE)) / 'config' / name)
    except PackageNotFoundError:
        pass
    candidates.append(Path(__file__).resolve().parents[3] / 'config' / name)
    for path in candidates:
        if path.is_file():
            return path
    raise ParameterError(f'config file {name} not found (looked in '
                         f'{", ".join(str(p.parent) for p in candidates)})')


class TeleopPublisher:
    """Publishes TeleopCore outputs as Intervention, TwistStamped and EpisodeEvent messages."""

    def __init__(self, node, source, frame_id):
        """Create the three publishers on `node`; `source` names the device in each message."""
        self.node = node
        self.source = source
        self.frame_id = frame_id
        self.intervention = node.create_publisher(Intervention, 'intervention', COMMAND_QOS)
        self.cmd_vel = node.create_publisher(TwistStamped, 'cmd_vel', COMMAND_QOS)
        self.events = node.create_publisher(EpisodeEvent, 'episode_event', EVENT_QOS)

    def publish(self, output, stamp=None):
        """Publish one TeleopCore Output; stamp defaults to now on the node's clock."""
        if output.command is None and not output.events:
            return
        stamp = stamp or self.node.get_clock().now().to_msg()
        for name in output.events:
            event = EpisodeEvent(event=EVENT_CODES[name], source=self.source)
            event.header.stamp = stamp
            self.events.publish(event)
            self.node.get_logger().info(f'episode event: {name}')
        command = output.command
        if command is None:
            return
        msg = Intervention(active=command.active, gripper=command.gripper, source=self.source)
        msg.header.stamp = stamp
        msg.header.frame_id = self.frame_id
        msg.twist.linear.x, msg.twist.linear.y, msg.twist.linear.z = command.linear
        self.intervention.publish(msg)
        twist = TwistStamped(header=msg.header, twist=msg.twist)
        self.cmd_vel.publish(twist)
