# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Gamepad teleop: sensor_msgs/Joy on `joy` -> Intervention, TwistStamped and EpisodeEvent.

A thin shell over PadMap (which Joy index means what) and TeleopCore (deadman, timeout, events):
every Joy message is handled as it arrives, so events go out on the press itself, and a timer
re-armed by each Joy fires joy_timeout after the last one and releases the override when the
Joy stream stops (a dead pad driver never leaves the robot under its last command).
"""

import time

from franka_hil_common import actions, names
from franka_hil_ros_common.log import RateLimitedLog
from franka_hil_ros_common.node_main import run_node
from franka_hil_ros_common.parameters import declare, positive, reject_unknown_parameters
from franka_hil_teleop import pad_map
from franka_hil_teleop.ros_io import COMMAND_QOS, config_file, steady_timer, TeleopPublisher
from franka_hil_teleop.teleop_core import TeleopCore
from rclpy.node import Node
from sensor_msgs.msg import Joy

PAD_FAMILIES = ('game_controller', 'xbox', 'playstation', 'logitech')
# Released this long after the last Joy: within 0.5 s, delivery included (pads repeat at 20 Hz).
JOY_TIMEOUT_S = 0.45


class TeleopNode(Node):
    """Subscribes to `joy`; publishes `intervention`, `cmd_vel` and `episode_event`."""

    def __init__(self):
        """Declare and validate parameters, load the pad map, wire topics."""
        super().__init__('teleop')
        pad = declare(
            self,
            'pad',
            'game_controller',
            f'pad family whose Joy layout to read: one of {PAD_FAMILIES} '
            '(config/teleop_pad_<pad>.yaml)',
            lambda v: None if v in PAD_FAMILIES else f'must be one of {PAD_FAMILIES}',
        )
        pad_file = declare(
            self, 'pad_map_file', '', 'path of a pad map YAML file; overrides `pad` when not empty'
        )
        speed = declare(
            self,
            'linear_speed',
            actions.full_scale_speed(),
            'TCP speed in m/s at full stick deflection (default: action 1 of the '
            'contract, 0.025 m per 0.1 s step)',
            positive,
        )
        timeout = declare(
            self,
            'joy_timeout',
            JOY_TIMEOUT_S,
            'seconds without a Joy message after which the override is released',
            positive,
        )
        frame_id = declare(self, 'frame_id', names.BASE_FRAME, 'frame of the commanded twist')
        source = declare(self, 'source', 'gamepad', 'device name put in every message')
        reject_unknown_parameters(self)
        self.pad = pad_map.load_pad_map(pad_file or config_file(f'teleop_pad_{pad}.yaml'))
        self.core = TeleopCore(speed, timeout)
        self.out = TeleopPublisher(self, source, frame_id)
        self._log = RateLimitedLog(self.get_logger())
        # Shapes other than the map's usual one, warned about once each (a few, not garbage).
        self._unusual_shapes = {(self.pad.joy_axes, self.pad.joy_buttons)}
        self.create_subscription(Joy, names.JOY, self._on_joy, COMMAND_QOS)
        # Steady clock: under use_sim_time the deadman must still fire when the sim is stopped.
        self._deadman = steady_timer(self, timeout, self._check_timeout)
        self._deadman.cancel()
        self.get_logger().info(
            f'{pad_map.describe(self.pad)} ({self.pad.source}); '
            f'full stick = {speed:g} m/s; Joy timeout {timeout:g} s'
        )

    def _on_joy(self, msg):
        shape = (len(msg.axes), len(msg.buttons))
        error = self.pad.check_sizes(*shape)
        if error:
            self._log.error('joy size', f'ignoring Joy: {error}')
            return
        if shape not in self._unusual_shapes and len(self._unusual_shapes) < 16:
            self._unusual_shapes.add(shape)
            self._log.warning('joy shape', self.pad.size_warning(*shape))
        try:
            state = self.pad.to_input(msg.axes, msg.buttons)
        except ValueError as err:
            self._log.error('joy values', f'ignoring Joy messages with bad values: {err}')
            return
        stamp = msg.header.stamp
        if stamp.sec == 0 and stamp.nanosec == 0:
            stamp = None
        self.out.publish(self.core.update(state, time.monotonic()), stamp)
        if self.core.active:
            self._deadman.reset()  # fires joy_timeout after this message
        else:
            self._deadman.cancel()

    def _check_timeout(self):
        output = self.core.check_timeout(time.monotonic())
        if output.command is not None:
            self.get_logger().warn(f'no Joy for {self.core.timeout:g} s: override released')
        self.out.publish(output)
        if not self.core.active:
            self._deadman.cancel()

    def close(self):
        """Release the override if it is held while the node stops."""
        self.out.publish(self.core.release())


def main(args=None):
    """Console entry point."""
    return run_node(TeleopNode, args)


if __name__ == '__main__':
    raise SystemExit(main())
