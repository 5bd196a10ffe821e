# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Keyboard teleop: the contract's key map -> the same topics as the gamepad teleop.

Two backends share KeyboardMapper and TeleopCore: `x11` polls real key states of an X display;
`terminal` reads key presses from the node's own terminal, so it works over SSH with no display.
Episode keys are published on the press; the override is toggled by Space.
"""

import os
import threading
import time

from franka_hil_common import actions, names
from franka_hil_ros_common.node_main import run_node
from franka_hil_ros_common.parameters import declare, positive, reject_unknown_parameters
from franka_hil_teleop import keyboard
from franka_hil_teleop.ros_io import config_file, steady_timer, TeleopPublisher
from franka_hil_teleop.teleop_core import TeleopCore
from rclpy.node import Node

BACKENDS = ('auto',) + keyboard.BACKENDS


class KeyboardNode(Node):
    """Publishes `intervention`, `cmd_vel` and `episode_event` from a keyboard."""

    def __init__(self):
        """Declare parameters, open the backend (clear error if it cannot start)."""
        super().__init__('keyboard_teleop')
        backend = declare(
            self,
            'backend',
            'auto',
            'x11 (held keys of the X display in DISPLAY), terminal (key presses '
            'in this terminal, works over SSH) or auto (x11 when DISPLAY is set)',
            lambda v: None if v in BACKENDS else f'must be one of {BACKENDS}',
        )
        key_file = declare(
            self, 'key_map_file', '', 'key map YAML file (default: config/teleop_keyboard.yaml)'
        )
        rate = declare(
            self,
            'rate',
            100.0,
            'Hz at which keys are read (x11) and commands published while active',
            positive,
        )
        self.pulse = declare(
            self,
            'pulse_duration',
            0.1,
            'terminal: seconds one press of a motion key moves (0.1: one '
            'control step, 2.5 cm at the default speed)',
            positive,
        )
        fine_scale = declare(
            self,
            'fine_scale',
            0.2,
            'fine mode (the `fine` key toggles it): motions at this share of '
            'linear_speed (0.2: 5 cm/s, 0.5 cm a terminal press)',
            lambda v: None if 0.0 < v <= 1.0 else 'must be in (0, 1]',
        )
        button_hold = declare(
            self,
            'button_hold',
            0.6,
            'terminal: seconds a press of Space / an event key counts as held '
            '(longer than the key-repeat delay: holding it is one press)',
            positive,
        )
        speed = declare(
            self,
            'linear_speed',
            actions.full_scale_speed(),
            'TCP speed in m/s while a motion key is held',
            positive,
        )
        frame_id = declare(self, 'frame_id', names.BASE_FRAME, 'frame of the commanded twist')
        source = declare(self, 'source', 'keyboard', 'device name put in every message')
        reject_unknown_parameters(self)
        if backend == 'auto':
            backend = 'x11' if os.environ.get('DISPLAY') else 'terminal'
        self.backend = backend
        keys = keyboard.load_key_map(key_file or config_file('teleop_keyboard.yaml'), backend)
        self.mapper = keyboard.KeyboardMapper(fine_scale)
        self.core = TeleopCore(speed)
        self.out = TeleopPublisher(self, source, frame_id)
        self._lock = threading.Lock()
        self.reader = None
        if backend == 'x11':
            from franka_hil_teleop.x11_keys import X11Keys

            self.reader = X11Keys(keys)
            if self.reader.unmapped:
                self.get_logger().warn(f'keys not on this X keyboard: {self.reader.unmapped}')
            self._held = self._x11_held
        else:
            from franka_hil_teleop.tty_keys import TerminalKeys

            self.keys = keys
            self.pulses = keyboard.PulseKeys(self.pulse, button_hold)
            self._held = lambda now: self.pulses.held(now)
            self.reader = TerminalKeys(self._on_keys)
            lines = ['keyboard teleop (terminal): keys per action'] + keyboard.describe(keys)
            print('\n'.join(lines + ['  Ctrl-C quits']), flush=True)
        if backend == 'x11':
            self.get_logger().info(
                'keyboard teleop (x11) on display '
                f'{self.reader.display_name}; keys per action:\n'
                + '\n'.join(keyboard.describe(keys))
            )
        steady_timer(self, 1.0 / rate, self._step)

    def _x11_held(self, now):
        try:
            return self.reader.held()
        except self.reader.errors as err:
            self.get_logger().error(
                f'lost the X display ({err!r}): override released; '
                'stopping (restart with -p backend:=terminal over SSH)'
            )
            self.out.publish(self.core.release())
            raise SystemExit(1)

    def _on_keys(self, names):
        now = time.monotonic()
        with self._lock:
            for name in names:
                action = self.keys.get(name)
                if action is not None:
                    self.pulses.press(action, now)
                    self._step_locked(now)

    def _step(self):
        with self._lock:
            self._step_locked(time.monotonic())

    def _step_locked(self, now):
        fine = self.mapper.fine
        state = self.mapper.update(self._held(now))
        self.out.publish(self.core.update(state, now))
        if self.mapper.fine != fine:
            speed = self.core.linear_speed * (self.mapper.fine_scale if self.mapper.fine else 1)
            text = f'fine steps {"on" if self.mapper.fine else "off"}: {speed:g} m/s'
            if self.backend == 'terminal':
                text += f', {100 * speed * self.pulse:g} cm a press'
                print(text, flush=True)  # where the key map is: the person's terminal
            else:
                self.get_logger().info(text)

    def close(self):
        """Release the override and give the device back (the terminal gets its settings)."""
        with self._lock:
            self.out.publish(self.core.release())
        if self.reader is not None:
            self.reader.close()


def main(args=None):
    """Console entry point."""
    return run_node(KeyboardNode, args)


if __name__ == '__main__':
    raise SystemExit(main())
