# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The main loop every node of the suite shares.

Signals are handled here, not by rclpy, and only set a flag: the first SIGINT or SIGTERM starts
the stop, later ones (a terminal's Ctrl-C reaches the whole process group, and `ros2 launch`
forwards it once more) are ignored, so a node's close() always runs to its end while the node can
still publish (a teleop sends its release) and the exit code is 0. The executor waits in bounded
slices, so the flag is seen promptly.

Everything that can go wrong at start (bad --ros-args such as a missing --params-file or an
invalid namespace, a bad parameter, a missing device, an unknown command-line argument) prints
one line `[<node>] error: ...` and exits with code 2 instead of a traceback.

Tearing ROS down (destroying the node, shutting the context down) happens in the middleware and
holds the GIL. If it hangs (Fast DDS has been seen to), faulthandler's C thread prints every
thread's stack and ends the process with exit code 1: the node's own close() is done by then, and
since later Ctrl-Cs are ignored, nothing else would end it short of SIGKILL.
"""

import faulthandler
import signal
import sys

import rclpy
from rclpy.exceptions import InvalidNamespaceException, NameValidationException
from rclpy.exceptions import ParameterException
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.signals import SignalHandlerOptions
from rclpy.utilities import remove_ros_args
from rclpy.validate_namespace import validate_namespace

SPIN_SLICE_S = 0.1
# Seconds of ROS teardown after which it counts as hung (bringup's grace is 10 s).
TEARDOWN_TIMEOUT_S = 5.0
EXIT_START_FAILED = 2
# What a node's constructor raises for bad input (parameters, names, files, devices).
START_ERRORS = (ValueError, OSError, RuntimeError, NameValidationException, ParameterException)


def one_line(error):
    """Return an exception's text on one line, without rcl's source locations (', at /...')."""
    text = ' '.join(str(error).split()) or type(error).__name__
    return text.split(', at /')[0]


def bad_namespace_remap(argv):
    """
    Return what is wrong with a `-r __ns:=...` remap of `argv` in one line, or None.

    Checked before rcl parses the arguments: rcl would add a warning line of its own.
    """
    for flag, rule in zip(argv, argv[1:]):
        name, assign, value = rule.partition(':=')
        if flag in ('-r', '--remap') and assign and name.split(':')[-1] == '__ns':
            try:
                validate_namespace(value)
            except InvalidNamespaceException as error:
                why = str(error).splitlines()[0].removeprefix('Invalid namespace: ').rstrip(':')
                return f'bad namespace remap {flag} {rule}: {why}'
    return None


def start_failed(name, error):
    """Print the one-line start error of node `name`; return the exit code."""
    print(f'[{name}] error: {error}', file=sys.stderr, flush=True)
    return EXIT_START_FAILED


def tear_down(node):
    """Destroy `node` and shut rclpy down; if that hangs, print the stacks and exit 1."""
    faulthandler.dump_traceback_later(TEARDOWN_TIMEOUT_S, exit=True)
    try:
        node.destroy_node()
        rclpy.try_shutdown()
    finally:
        faulthandler.cancel_dump_traceback_later()


class StopFlag:
    """
    Set by the first SIGINT / SIGTERM; from then on both are ignored.

    Ignored, not merely caught: Python gives its own handlers back to the default action while
    the interpreter exits, and a signal arriving then would kill the process (exit code -2).
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        """Install the handlers for SIGINT and SIGTERM."""
        self.signals = []
        for signum in self.SIGNALS:
            signal.signal(signum, self._handle)

    def _handle(self, signum, frame):
        self.signals.append(signum)
        self.ignore_more()

    def ignore_more(self):
        """Ignore every later SIGINT / SIGTERM (the node is stopping)."""
        for signum in self.SIGNALS:
            signal.signal(signum, signal.SIG_IGN)

    def __bool__(self):
        """Return whether a stop was requested."""
        return bool(self.signals)


def run_node(node_class, args=None):
    """
    Run a node class until Ctrl-C, SIGTERM or shutdown, then call its close().

    A failure to start (bad --ros-args, bad parameter, bad config file, missing device, an
    unknown command-line argument) prints one clear line and returns exit code 2.
    """
    name = node_class.__name__
    argv = sys.argv if args is None else list(args)
    stop = StopFlag()
    problem = bad_namespace_remap(argv)
    if problem:
        return start_failed(name, problem)
    try:
        extra = remove_ros_args(argv)[1:]
    except (RuntimeError, ValueError) as error:
        return start_failed(name, one_line(error))
    if extra:
        return start_failed(
            name,
            f'unknown command-line argument(s) {extra}: this node takes '
            'only ROS arguments (--ros-args -p name:=value -r __ns:=/ns ...)',
        )
    try:
        rclpy.init(args=argv, signal_handler_options=SignalHandlerOptions.NO)
    except (RuntimeError, ValueError) as error:  # rcl's RCLError: --params-file, remaps, ...
        return start_failed(name, one_line(error))
    try:
        node = node_class()
    except START_ERRORS as error:
        rclpy.try_shutdown()
        return start_failed(name, one_line(error))
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    try:
        while rclpy.ok() and not stop:
            executor.spin_once(timeout_sec=SPIN_SLICE_S)
    except ExternalShutdownException:
        pass
    finally:
        stop.ignore_more()
        node.close()
        executor.shutdown()
        tear_down(node)
    return 0
