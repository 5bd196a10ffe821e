# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""gamepad_node without a pad (no /dev/input here): a clear message, no crash, keeps looking."""

import os
import signal
import time

from sensor_msgs.msg import Joy


def test_no_pad_is_reported_and_the_node_keeps_running(
    start_process, executable, namespace, ros_node, inbox, spin
):
    env = dict(os.environ)
    env.pop('DISPLAY', None)
    env.pop('SDL_VIDEODRIVER', None)  # the node must pick SDL's headless driver itself
    proc = start_process(
        [
            executable('gamepad_node'),
            '--ros-args',
            '-r',
            f'__ns:={namespace}',
            '-p',
            'retry_period:=0.2',
        ],
        env=env,
    )
    proc.wait_for_output('no gamepad 0 found (SDL sees 0 joystick(s)', timeout=30)
    joys = inbox(Joy, f'{namespace}/joy')
    spin(ros_node, lambda: joys.sub.get_publisher_count() > 0, what='joy publisher')
    # Several look-ups later it is still running, quietly, without busy-waiting.
    cpu_before, start = proc.cpu_seconds(), time.monotonic()
    spin(
        ros_node,
        lambda: time.monotonic() - start > 1.5 and proc.proc.poll() is None,
        what='1.5 s of the node looking for a pad',
    )
    assert proc.proc.poll() is None
    assert proc.cpu_seconds() - cpu_before < 0.5 * (time.monotonic() - start)
    assert len(joys) == 0
    assert 'Traceback' not in proc.output() and 'Hello from the pygame' not in proc.output()
    assert proc.stop(signal.SIGINT) == 0


def test_bad_parameters_exit_with_a_clear_error(start_process, executable):
    proc = start_process([executable('gamepad_node'), '--ros-args', '-p', 'deadzone:=1.5'])
    assert proc.proc.wait(timeout=30) == 2
    assert "parameter 'deadzone' must be in [0, 1)" in proc.output()
