# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Gamepad driver: SDL2 GameController (through pygame) -> sensor_msgs/Joy on `joy`.

The ROS `joy` package cannot be installed from pip, and gym-hil's pygame reader crashes without a
pad. This node reads any pad SDL knows (Xbox, PlayStation, Logitech, ...) in one layout, with
joy's game_controller_node semantics (see sdl_joy), runs headless (SDL's dummy video driver), and
treats a missing or unplugged pad as a normal state: it says so, publishes a released pad once on
unplug, and keeps looking for one.
"""

import os
import threading
import time

from franka_hil_common import names
from franka_hil_ros_common.node_main import run_node
from franka_hil_ros_common.parameters import declare, positive, reject_unknown_parameters
from franka_hil_teleop import sdl_joy
from rclpy.node import Node
from sensor_msgs.msg import Joy

# Lets an idle loop notice a stop request and an unplugged pad promptly.
_MAX_WAIT_MS = 100


class GamepadNode(Node):
    """Publishes the state of one SDL game controller on `joy`."""

    def __init__(self):
        """Declare parameters, then read the pad in a thread of its own (SDL waits block)."""
        super().__init__('gamepad')
        self.device_index = declare(
            self,
            'device_index',
            0,
            'which game controller to read (0: the first one SDL finds)',
            lambda v: None if v >= 0 else 'must be >= 0',
        )
        deadzone = declare(
            self,
            'deadzone',
            0.05,
            'stick deadzone as a fraction of travel, as joy: values inside read '
            '0, the rest is rescaled to [-1, 1]',
            lambda v: None if 0.0 <= v < 1.0 else 'must be in [0, 1)',
        )
        rate = declare(
            self,
            'autorepeat_rate',
            20.0,
            'Hz at which the last state is republished while nothing changes '
            '(0: only on change); keep it above 1 / the teleop joy_timeout',
            lambda v: None if 0.0 <= v <= 1000.0 else 'must be in [0, 1000]',
        )
        coalesce = declare(
            self,
            'coalesce_interval_ms',
            1,
            'ms to gather axis changes into one message, as joy',
            lambda v: None if v >= 0 else 'must be >= 0',
        )
        self.retry_period = declare(
            self,
            'retry_period',
            2.0,
            'seconds between looks for a pad while none is open',
            positive,
        )
        self.frame_id = declare(self, 'frame_id', 'joy', 'frame_id of the Joy messages')
        reject_unknown_parameters(self)
        self.stream = sdl_joy.JoyStream(deadzone, rate, coalesce / 1000.0)
        self.pub = self.create_publisher(Joy, names.JOY, 10)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name='sdl', daemon=True)
        self._thread.start()

    def _publish(self, frames):
        for frame in frames:
            msg = Joy(axes=list(frame.axes), buttons=list(frame.buttons))
            msg.header.stamp = self.get_clock().now().to_msg()
            msg.header.frame_id = self.frame_id
            self.pub.publish(msg)

    def _run(self):
        # SDL reads joysticks without a display; it only needs some video driver for events.
        os.environ.setdefault('SDL_VIDEODRIVER', 'dummy')
        os.environ.setdefault('PYGAME_HIDE_SUPPORT_PROMPT', '1')
        import pygame
        from pygame._sdl2 import controller

        try:
            pygame.display.init()
            pad = None
            looks = 0
            while not self._stop.is_set():
                if pad is None:
                    pad = self._open(pygame, controller, looks)
                    looks += 1
                    if pad is None:
                        self._stop.wait(self.retry_period)
                    continue
                if not self._read(pygame, pad):
                    name = pad.name
                    pad.quit()
                    pad, looks = None, 0
                    self._publish(self.stream.reset(now=time.monotonic()))
                    self.get_logger().warn(
                        f'gamepad {name!r} disconnected: published a released pad; looking for '
                        f'a pad every {self.retry_period:g} s'
                    )
        except pygame.error as err:
            self.get_logger().error(f'SDL failed: {err}; no gamepad input until restarted')
        finally:
            pygame.quit()

    def _open(self, pygame, controller, looks):
        """Look for the configured controller; return it opened, or None (logged)."""
        # Re-initialising makes SDL enumerate devices again, even where hot-plug events are
        # unavailable (containers without udev).
        controller.quit()
        pygame.joystick.quit()
        pygame.joystick.init()
        controller.init()
        pygame.event.clear()
        count = pygame.joystick.get_count()
        pads = [i for i in range(count) if controller.is_controller(i)]
        if self.device_index < len(pads):
            pad = controller.Controller(pads[self.device_index])
            raw_axes = [pad.get_axis(i) for i in range(sdl_joy.AXES)]
            buttons = [pad.get_button(i) for i in range(pygame.CONTROLLER_BUTTON_MAX)]
            self._publish(
                self.stream.reset(raw_axes, buttons[: sdl_joy.BUTTONS], now=time.monotonic())
            )
            self.get_logger().info(
                f'opened gamepad {pad.name!r} (game controller '
                f'{self.device_index} of {len(pads)}); publishing on '
                f'{self.pub.topic_name}'
            )
            return pad
        others = [
            pygame.joystick.Joystick(i).get_name()
            for i in range(count)
            if not controller.is_controller(i)
        ]
        why = f'SDL sees {count} joystick(s), {len(pads)} with a game controller mapping' + (
            f'; without a mapping: {others} (add one with SDL_GAMECONTROLLERCONFIG)'
            if others
            else ''
        )
        # Say it clearly the first time, then remind now and then, without flooding the log.
        if looks == 0 or looks % max(1, round(30.0 / self.retry_period)) == 0:
            self.get_logger().warn(
                f'no gamepad {self.device_index} found ({why}); looking '
                f'again every {self.retry_period:g} s'
            )
        return None

    def _read(self, pygame, pad):
        """Handle pad events for a while; False when the pad went away."""
        now = time.monotonic()
        wait = self.stream.next_wakeup(now)
        wait_ms = _MAX_WAIT_MS if wait is None else min(_MAX_WAIT_MS, int(wait * 1000.0))
        # pygame.event.wait(0) would wait forever: poll when something is already due.
        events = ([pygame.event.wait(wait_ms)] if wait_ms > 0 else []) + pygame.event.get()
        instance = pad.as_joystick().get_instance_id()
        frames = []
        for event in events:
            if getattr(event, 'instance_id', instance) != instance:
                continue
            now = time.monotonic()
            if event.type == pygame.CONTROLLERDEVICEREMOVED:
                return False
            if event.type == pygame.CONTROLLERAXISMOTION:
                frames += self.stream.axis(event.axis, event.value, now)
            elif event.type in (pygame.CONTROLLERBUTTONDOWN, pygame.CONTROLLERBUTTONUP):
                frames += self.stream.button(
                    event.button, event.type == pygame.CONTROLLERBUTTONDOWN, now
                )
        frames += self.stream.tick(time.monotonic())
        self._publish(frames)
        return pad.attached()

    def close(self):
        """Stop the SDL thread."""
        self._stop.set()
        self._thread.join(timeout=2.0)


def main(args=None):
    """Console entry point."""
    return run_node(GamepadNode, args)


if __name__ == '__main__':
    raise SystemExit(main())
