# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The main loop every node of the suite shares.

Signals are handled here, not by rclpy, so that a node's close() runs while it can still publish
(a teleop sends its release). The executor waits in bounded slices: rclpy's own spin() can miss
the SIGINT wake-up, and a bounded wait lets the handler run promptly.
"""

import signal
import sys

import rclpy
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.signals import SignalHandlerOptions

SPIN_SLICE_S = 0.1


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_node(node_class, args=None):
    """
    Run a node class until Ctrl-C, SIGTERM or shutdown, then call its close().

    A failure to start (bad parameter, bad config file, missing device) prints one clear line
    and returns exit code 2 instead of a traceback.
    """
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        node = node_class()
    except (ValueError, OSError, RuntimeError) as err:
        print(f'[{node_class.__name__}] error: {err}', file=sys.stderr, flush=True)
        rclpy.try_shutdown()
        return 2
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    try:
        while rclpy.ok():
            executor.spin_once(timeout_sec=SPIN_SLICE_S)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.close()
        executor.shutdown()
        node.destroy_node()
        rclpy.try_shutdown()
    return 0
