# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
run_node with real processes and real signals: clean stops whatever the signals, one-line errors.

The stand-in node's close() takes a while and says when it starts, so a second SIGINT is sent
exactly while close() runs (what a terminal's Ctrl-C forwarded again by `ros2 launch` does).
"""

import signal
import sys
import textwrap

import pytest

NODE = textwrap.dedent("""
    import sys, time
    from franka_hil_ros_common.node_main import run_node
    from franka_hil_ros_common.parameters import declare, reject_unknown_parameters
    from rclpy.node import Node
    from std_msgs.msg import String

    class StandIn(Node):
        def __init__(self):
            super().__init__('stand_in')
            declare(self, 'close_s', 1.0, 'seconds close() takes')
            declare(self, 'destroy_s', 0.0, 'seconds destroy_node() takes')
            self.destroy_s = self.get_parameter('destroy_s').value
            reject_unknown_parameters(self)
            self.pub = self.create_publisher(String, 'said', 10)
            print('ready', flush=True)

        def close(self):
            print('closing', flush=True)
            deadline = time.monotonic() + self.get_parameter('close_s').value
            while time.monotonic() < deadline:
                self.pub.publish(String(data='bye'))
                time.sleep(0.01)
            print('closed', flush=True)

        def destroy_node(self):
            time.sleep(getattr(self, 'destroy_s', 0.0))  # a middleware that hangs
            super().destroy_node()

    sys.exit(run_node(StandIn))
""")


@pytest.fixture
def node(start_process):
    def start(*arguments):
        return start_process([sys.executable, '-c', NODE, *arguments], name='stand_in')

    return start


@pytest.mark.parametrize(
    'signals',
    [
        (signal.SIGINT, signal.SIGINT),
        (signal.SIGINT, signal.SIGTERM, signal.SIGINT),
        (signal.SIGTERM, signal.SIGTERM),
    ],
)
def test_signals_during_close_are_ignored_and_the_exit_is_clean(node, signals):
    proc = node()
    proc.wait_for_output('ready')
    proc.proc.send_signal(signals[0])
    proc.wait_for_output('closing')
    for sig in signals[1:]:
        proc.proc.send_signal(sig)
    assert proc.proc.wait(timeout=30) == 0
    output = proc.output()
    assert 'closed' in output and 'Traceback' not in output and 'Timeout' not in output


def test_a_burst_of_signals_before_close_is_one_stop(node):
    proc = node('--ros-args', '-p', 'close_s:=0.2')
    proc.wait_for_output('ready')
    for _ in range(5):
        proc.proc.send_signal(signal.SIGINT)
    assert proc.proc.wait(timeout=30) == 0
    assert proc.output().count('closing') == 1 and 'Traceback' not in proc.output()


@pytest.mark.parametrize(
    'arguments, message',
    [
        (['--bogus'], "unknown command-line argument(s) ['--bogus']"),
        (['--ros-args', '--params-file', '/nonexistent.yaml'], "Couldn't parse params file"),
        (
            ['--ros-args', '-r', '__ns:=/bad..ns'],
            'bad namespace remap -r __ns:=/bad..ns: namespace '
            'must not contain characters other than',
        ),
        (['--ros-args', '-r', 'stand_in:__ns:=relative'], 'namespace must be absolute'),
        (['--ros-args', '-p', 'close_s:=abc'], "parameter 'close_s' must be a float"),
        (['--ros-args', '-p', 'colour:=1'], "unknown parameters ['colour']"),
    ],
)
def test_start_errors_are_one_line_and_exit_2(node, arguments, message):
    proc = node(*arguments)
    assert proc.proc.wait(timeout=30) == 2
    output = proc.output()
    assert message in output and 'Traceback' not in output
    assert output.count('\n') == 1 and output.startswith('[StandIn] error: ')


def test_a_hanging_teardown_says_where_and_ends_with_exit_1(node):
    from franka_hil_ros_common.node_main import TEARDOWN_TIMEOUT_S

    proc = node('--ros-args', '-p', 'close_s:=0.0', '-p', f'destroy_s:={TEARDOWN_TIMEOUT_S * 10}')
    proc.wait_for_output('ready')
    proc.proc.send_signal(signal.SIGINT)
    proc.wait_for_output('closed')
    proc.proc.send_signal(signal.SIGINT)  # ignored: the node is stopping
    assert proc.proc.wait(timeout=TEARDOWN_TIMEOUT_S * 5) == 1
    output = proc.output()
    assert 'Timeout' in output, output
    assert 'in destroy_node' in output and 'in tear_down' in output and 'in run_node' in output
