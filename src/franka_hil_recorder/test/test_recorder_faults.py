# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The recorder against storage faults, with real file systems: read-only, under a file, full.

A place it cannot write is refused at start with one line (exit 2). A disk that fills while it
records (a 2 MiB tmpfs, mounted for the test: it needs root) stops the recording with one error
line; the node stays up (so `bringup` keeps the graph running), stops cleanly on SIGINT, and
what it flushed comes back with bag_recover.
"""

import json
import os
import signal
import subprocess
import time

from ament_index_python.packages import get_package_prefix
import numpy as np
import pytest
from rclpy.qos import QoSProfile, ReliabilityPolicy
from rosbags.highlevel import AnyReader
from sensor_msgs.msg import Image
from std_msgs.msg import String

SIZE = 128  # 128x128 rgb8: 48 KiB an image, about 40 fill the 2 MiB disk


def script(name):
    return f'{get_package_prefix("franka_hil_recorder")}/lib/franka_hil_recorder/{name}'


@pytest.fixture
def mount(tmp_path, run_process):
    """Give a function that mounts a tmpfs with options; unmounted after the test."""
    mounted = []

    def make(name, options):
        if os.geteuid() != 0:
            pytest.fail('mounting a tmpfs needs root (this test simulates real disk faults)')
        path = tmp_path / name
        path.mkdir()
        run_process(['mount', '-t', 'tmpfs', '-o', options, 'tmpfs', str(path)], check=True)
        mounted.append(path)
        return path

    yield make
    for path in mounted:
        run_process(['umount', '-l', str(path)], check=False)


@pytest.fixture
def run_recorder(run_process):
    """Give a function that runs the recorder with parameters to its end."""

    def run(*params):
        args = [script('recorder'), '--ros-args']
        for param in params:
            args += ['-p', param]
        return run_process(
            args, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )

    return run


def assert_one_line_error(result, text):
    assert result.returncode == 2, result.stdout + result.stderr
    assert 'Traceback' not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith('[recorder] error')]
    assert len(errors) == 1 and text in errors[0], result.stderr


def test_a_place_it_cannot_write_is_refused_at_start(tmp_path, mount, run_recorder):
    read_only = mount('read_only', 'ro,size=1m')
    assert_one_line_error(run_recorder(f'output:={read_only / "bag"}'), 'Read-only file system')
    a_file = tmp_path / 'a_file'
    a_file.write_text('not a directory')
    assert_one_line_error(run_recorder(f'output:={a_file / "bag"}'), 'is a file, not a directory')
    assert_one_line_error(
        run_recorder(f'output:={a_file / "deeper" / "bag"}'), 'is a file, not a directory'
    )
    assert_one_line_error(
        run_recorder(f'output:={tmp_path / "bag"}', 'flush_period:=abc'),
        'flush_period must be a positive',
    )


def test_integer_seconds_are_accepted(start_process, tmp_path):
    proc = start_process(
        [
            script('recorder'),
            '--ros-args',
            '-p',
            f'output:={tmp_path / "bag"}',
            '-p',
            'flush_period:=2',
            '-p',
            'progress_period:=1',
        ],
        name='recorder',
    )
    proc.wait_for_output('recording ')
    assert proc.stop(signal.SIGINT) == 0
    assert (tmp_path / 'bag' / 'metadata.yaml').is_file()


@pytest.mark.parametrize(
    'arguments, message',
    [
        (['--bogus'], "unknown command-line argument(s) ['--bogus']"),
        (['--ros-args', '--params-file', '/nonexistent.yaml'], "Couldn't parse params file"),
        (['--ros-args', '-r', '__ns:=/bad..ns'], 'bad namespace remap -r __ns:=/bad..ns'),
    ],
)
def test_bad_command_lines_are_refused(run_process, arguments, message):
    result = run_process(
        [script('recorder'), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert_one_line_error(result, message)
    assert result.stderr.count('\n') == 1 and not result.stdout


def test_a_full_disk_stops_recording_with_one_line(ros_node, spin, start_process, tmp_path, mount):
    disk = mount('small_disk', 'size=2m')
    ns = f'/rec_full_{os.getpid()}'
    bag = disk / 'bag'
    status = []
    ros_node.create_subscription(
        String, f'{ns}/recorder/status', lambda m: status.append(json.loads(m.data)), 10
    )
    images = ros_node.create_publisher(
        Image,
        f'{ns}/front/image_raw',
        QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE),
    )
    proc = start_process(
        [
            script('recorder'),
            '--ros-args',
            '-r',
            f'__ns:={ns}',
            '-p',
            f'output:={bag}',
            '-p',
            'topics:=[front/image_raw]',
            '-p',
            'flush_period:=0.2',
            '-p',
            'progress_period:=0.2',
            '-p',
            'graph_poll_period:=0.1',
        ],
        name='recorder',
    )
    spin(ros_node, lambda: images.get_subscription_count() > 0, 30, 'the recorder to subscribe')
    sent = 0
    deadline = time.monotonic() + 60
    while 'recording stopped' not in proc.output():
        assert time.monotonic() < deadline, proc.output()
        pixels = np.full((SIZE, SIZE, 3), sent % 256, np.uint8)
        images.publish(
            Image(height=SIZE, width=SIZE, encoding='rgb8', step=3 * SIZE, data=pixels.tobytes())
        )
        sent += 1
        ros_node.executor_for_test.spin_once(timeout_sec=0.02)
    # More after the fault: nothing more is logged, the node lives on and reports the failure.
    for _ in range(20):
        images.publish(
            Image(
                height=SIZE,
                width=SIZE,
                encoding='rgb8',
                step=3 * SIZE,
                data=bytes(3 * SIZE * SIZE),
            )
        )
    spin(ros_node, lambda: status and status[-1].get('failure'), 10, 'a status with the failure')
    assert proc.proc.poll() is None
    assert 'No space left on device' in status[-1]['failure']
    output = proc.output()
    assert 'Traceback' not in output
    errors = [line for line in output.splitlines() if 'ERROR' in line]
    assert len(errors) == 1 and 'No space left on device' in errors[0], output
    assert proc.stop(signal.SIGINT) == 0
    assert 'Traceback' not in proc.output()

    # What reached the disk is readable: finished, or recovered with bag_recover.
    if (bag / 'metadata.yaml').exists():
        readable = bag
    else:
        readable = tmp_path / 'recovered'
        result = subprocess.run(
            [script('bag_recover'), str(bag), str(readable)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
    with AnyReader([readable]) as reader:
        values = [reader.deserialize(raw, c.msgtype).data[0] for c, _, raw in reader.messages()]
    assert len(values) >= 10 and values == [i % 256 for i in range(len(values))]
    print(
        f'full disk: {sent} images sent, {len(values)} readable after the fault '
        f'({"finished" if readable == bag else "recovered"})'
    )
