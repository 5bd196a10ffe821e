# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""What the actor does on the graph, seen from its step_info topic (the check and the runs)."""

import threading
import time

from franka_hil_msgs.msg import StepInfo
import numpy as np
import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy
from rclpy.signals import SignalHandlerOptions


class StepInfoWatch:
    """Counts the actor's steps on the graph (step_info in its namespace), interventions too."""

    def __init__(self, namespace):
        self.context = rclpy.Context()
        rclpy.init(context=self.context, signal_handler_options=SignalHandlerOptions.NO)
        self.node = rclpy.create_node('lerobot_check_watch', context=self.context)
        self.lock = threading.Lock()
        self.steps = []
        self.node.create_subscription(
            StepInfo,
            f'{namespace}/step_info',
            self._on_step_info,
            # transient local: the sim keeps an episode's worth of step_info for late subscribers,
            # so steps the actor takes before this subscription matches are seen too (volatile,
            # a loaded machine lost an episode's first 3 steps)
            QoSProfile(
                depth=1000,
                reliability=ReliabilityPolicy.RELIABLE,
                durability=DurabilityPolicy.TRANSIENT_LOCAL,
            ),
        )
        self.topic = f'{namespace}/step_info'
        self.executor = SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self.thread = threading.Thread(target=self.executor.spin, daemon=True)
        self.thread.start()

    def _on_step_info(self, msg):
        with self.lock:
            self.steps.append(
                (
                    time.monotonic(),
                    bool(msg.is_intervention),
                    np.array(msg.action, np.float32),
                    bool(msg.terminated or msg.truncated),
                    int(msg.episode),
                    int(msg.step),
                )
            )

    def snapshot(self):
        """Return the steps seen: [(time, intervened, executed action, ended, episode, step)]."""
        with self.lock:
            return list(self.steps)

    def publishers(self):
        """Return how many nodes publish step_info there (the launched sim: 1, stopped: 0)."""
        return self.node.count_publishers(self.topic)

    def close(self):
        """Stop the node."""
        self.executor.shutdown()
        self.thread.join(5.0)
        self.node.destroy_node()
        self.context.try_shutdown()
