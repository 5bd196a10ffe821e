# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The graph parts 1 and 2 of the LeRobot check attach to, and the person on its pad.

`bringup image_obs:=true teleop:=gamepad gripper_penalty:=-0.02 namespace:=/lerobot_check`
runs in the workspace environment (LeRobot finds it through FRANKA_HIL_NAMESPACE); the person
publishes Joy messages on <namespace>/joy, chosen from the sim's step_info, so the override goes
through teleop_node and the sim node exactly as a real pad's would.
"""

import os
from pathlib import Path
import signal
import subprocess
import threading
import time

from franka_hil_common import actions as ee_action
from franka_hil_msgs.msg import StepInfo
from franka_hil_msgs.srv import Step
from franka_hil_teleop import pad_map
from franka_hil_teleop.ros_io import COMMAND_QOS, config_file
from franka_hil_teleop.synthetic_human import input_from_action
from franka_hil_teleop.teleop_core import InputState
from franka_hil_training.lerobot.train_config import GRIPPER_PENALTY
from franka_hil_training.workspace import ROOT, shell_command
import numpy as np
import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.signals import SignalHandlerOptions
from sensor_msgs.msg import Joy

NAMESPACE = '/lerobot_check'  # of the graph parts 1 and 2 attach to
# What the person does, by episode (ordinal since the part began) and step (1 = first step).
UP = np.array([0.0, 0.0, 0.6, ee_action.GRIPPER_STAY], np.float32)
OVERRIDE = range(5, 25)  # hold the deadman and move up
CLOSE = range(5, 7)  # ... squeezing the close trigger (one gripper flip)
SUCCESS_FROM = 30  # then press success
EVENT_FROM = 8  # failure / re-record press in the next episodes
JOY_HZ = 20.0


def plan(ordinal, step, events):
    """Return the pad state for the next step: `events` names the episode enders in order."""
    event = events[ordinal] if ordinal < len(events) else None
    if event == 'success':
        if step >= SUCCESS_FROM:
            return InputState(success=True)
        if step in OVERRIDE:
            action = UP.copy()
            if step in CLOSE:
                action[3] = ee_action.GRIPPER_CLOSE
            return input_from_action(action)
    elif event in ('failure', 'rerecord') and step >= EVENT_FROM:
        return InputState(**{event: True})
    return InputState()


class Pad:
    """A person on the pad: publishes Joy on /joy at 20 Hz from what /step_info last said."""

    def __init__(self):
        self.pad = pad_map.load_pad_map(config_file('teleop_pad_game_controller.yaml'))
        self.context = rclpy.Context()
        rclpy.init(context=self.context, signal_handler_options=SignalHandlerOptions.NO)
        self.node = rclpy.create_node('lerobot_check_pad', context=self.context)
        self.joy = self.node.create_publisher(Joy, f'{NAMESPACE}/joy', COMMAND_QOS)
        self.node.create_subscription(
            StepInfo, f'{NAMESPACE}/step_info', self._on_step_info, COMMAND_QOS
        )
        self.node.create_timer(1.0 / JOY_HZ, self._publish)
        self.lock = threading.Lock()
        self.events = ()
        self.base = None
        self.last = None
        self.executor = SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self.thread = threading.Thread(target=self.executor.spin, daemon=True)
        self.thread.start()

    def start(self, events):
        """Play `events` (one per episode, from the next episode the sim reports)."""
        with self.lock:
            self.events, self.base, self.last = tuple(events), None, None

    def _on_step_info(self, msg):
        with self.lock:
            if self.base is None:
                self.base = msg.episode
            self.last = (msg.episode - self.base, msg.step, msg.terminated or msg.truncated)

    def _publish(self):
        with self.lock:
            last = self.last
            state = (
                InputState() if last is None or last[2] else plan(last[0], last[1], self.events)
            )
        axes, buttons = self.pad.to_joy(state)
        msg = Joy(axes=[float(a) for a in axes], buttons=buttons)
        msg.header.stamp = self.node.get_clock().now().to_msg()
        self.joy.publish(msg)

    def wait_for_graph(self, graph, timeout):
        """Wait for the sim's step service and the teleop (reading /joy, commanding the sim)."""
        client = self.node.create_client(Step, f'{NAMESPACE}/step')
        deadline = time.monotonic() + timeout
        while not (
            client.wait_for_service(timeout_sec=0.5)
            and self.node.count_subscribers(f'{NAMESPACE}/joy') > 0
            and self.node.count_publishers(f'{NAMESPACE}/intervention') > 0
        ):
            if graph.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f'the graph did not come up:\n{graph.log_tail()}')
            time.sleep(0.1)
        self.node.destroy_client(client)

    def close(self):
        """Release the pad and stop the node."""
        self.start(())
        self._publish()
        self.executor.shutdown()
        self.thread.join(5.0)
        self.node.destroy_node()
        self.context.try_shutdown()


class Graph:
    """`bringup image_obs:=true teleop:=gamepad ...` in the workspace environment (env.sh)."""

    def __init__(self, log_path):
        self.log_path = log_path
        command = shell_command(
            [
                'bringup',
                'image_obs:=true',
                'teleop:=gamepad',
                f'gripper_penalty:={GRIPPER_PENALTY}',
                f'namespace:={NAMESPACE}',
            ]
        )
        with open(log_path, 'wb') as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def log_tail(self, chars=3000):
        """Return the end of bringup's log."""
        return Path(self.log_path).read_text(errors='replace')[-chars:]

    def close(self):
        """Stop bringup as Ctrl-C does (it stops its nodes); kill what is left after 20 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20.0)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
