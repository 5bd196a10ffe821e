# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Settings and fixtures for every test in the workspace.

The environment is set at import, before any node or DDS participant starts: discovery never
leaves loopback, each pytest run gets its own DDS domain (parallel runs on one machine do not
see each other), and MuJoCo renders headless.
"""

import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
os.environ.setdefault('ROS_DOMAIN_ID', str(1 + os.getpid() % 100))
if not os.environ.get('DISPLAY'):
    os.environ.setdefault('MUJOCO_GL', 'egl')
os.environ.setdefault('PYTHONUNBUFFERED', '1')


class NodeProcess:
    """A node started as a separate process, its output kept in a file for failure reports."""

    def __init__(self, args, log_path, env=None):
        self.log_path = log_path
        self._log = open(log_path, 'w+b')
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True)

    def output(self):
        """Everything the process printed so far."""
        if not self._log.closed:
            self._log.flush()
        with open(self.log_path, 'rb') as log:
            return log.read().decode(errors='replace')

    def wait_for_output(self, text, timeout=20.0):
        """Wait until the process prints `text`; fail early if it dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f'{text!r} not printed within {timeout} s '
                             f'(exit code {self.proc.poll()}):\n{self.output()}')

    def halted(self):
        """Tell whether a SIGSTOP took effect: every thread of the process is stopped."""
        tasks = Path(f'/proc/{self.proc.pid}/task').iterdir()
        return all(t.joinpath('stat').read_text().rsplit(')', 1)[1].split()[0] == 'T'
                   for t in tasks)

    def stop(self, sig=signal.SIGINT, timeout=10.0):
        """Signal the process and wait for it; kill it if it does not exit in time."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


@pytest.fixture
def start_process(tmp_path, request):
    """
    Start node processes for a test, given their command lines.

    They are stopped after the test and their output is printed when the test fails.
    """
    started = []

    def start(args, name=None, env=None):
        name = name or os.path.basename(str(args[1] if args[0] == sys.executable else args[0]))
        proc = NodeProcess(args, tmp_path / f'{name}.{len(started)}.log', env=env)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()
        print(f'----- output of {proc.log_path.name} -----\n{proc.output()}')


@pytest.fixture
def free_ports():
    """Give a helper returning `count` TCP ports of 127.0.0.1 the system has just found free."""
    def find(count):
        sockets = [socket.socket() for _ in range(count)]
        for sock in sockets:
            sock.bind(('127.0.0.1', 0))
        ports = [sock.getsockname()[1] for sock in sockets]
        for sock in sockets:
            sock.close()
        return ports
    return find


@pytest.fixture
def x_display():
    """Start Xvfb on a display number it picks itself; give its DISPLAY string."""
    for tool in ('Xvfb', 'xdotool'):
        if shutil.which(tool) is None:
            pytest.fail(f'{tool} is not installed; `bash scripts/setup.sh` installs it')
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(['Xvfb', '-displayfd', str(write_fd), '-nolisten', 'tcp',
                             '-screen', '0', '1024x768x24'], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        pytest.fail(f'Xvfb did not start (exit code {proc.wait()})')
    yield f':{number}'
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def ros_node():
    """Give the test an rclpy node in a context of its own, to talk to the processes it starts."""
    import rclpy

    context = rclpy.Context()
    rclpy.init(context=context)
    node = rclpy.create_node(f'test_client_{os.getpid()}', context=context)
    executor = rclpy.executors.SingleThreadedExecutor(context=context)
    executor.add_node(node)
    node.executor_for_test = executor
    yield node
    executor.shutdown()
    node.destroy_node()
    rclpy.shutdown(context=context)


def spin_until(node, predicate, timeout=10.0, what='condition'):
    """Spin the test node until `predicate()` is true; fail with `what` (text or callable)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        node.executor_for_test.spin_once(timeout_sec=0.05)
    raise AssertionError(f'timed out after {timeout} s waiting for '
                         f'{what() if callable(what) else what}')


@pytest.fixture
def spin():
    """Give the helper that spins a test node until a predicate holds, or fails after a timeout."""
    return spin_until
