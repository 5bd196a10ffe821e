# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Helpers for the teleop node tests: installed executables, topic namespaces, message inboxes."""

import importlib.util
import itertools
import os
from pathlib import Path
import time

from ament_index_python.packages import get_package_prefix, PackageNotFoundError
import pytest

_namespaces = itertools.count()


@pytest.fixture
def executable():
    """Give the path of one of this package's installed console scripts."""

    def find(name):
        try:
            prefix = Path(get_package_prefix('franka_hil_teleop'))
            path = prefix / 'lib' / 'franka_hil_teleop' / name
        except PackageNotFoundError:
            path = None
        if path is None or not path.exists():
            pytest.fail(
                f'console script {name} is not installed: run `bash scripts/setup.sh` '
                'and `source scripts/env.sh` first'
            )
        return str(path)

    return find


@pytest.fixture
def scripted_expert():
    """Give the scripted_expert module beside this file (child processes import it by path)."""
    path = Path(__file__).with_name('scripted_expert.py')
    spec = importlib.util.spec_from_file_location('scripted_expert', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def namespace():
    """Give a namespace no other test (in this or a parallel run) publishes in."""
    return f'/teleop_test_{os.getpid()}_{next(_namespaces)}'


class Inbox:
    """Messages received on one topic, in order."""

    def __init__(self, node, msg_type, topic, qos=10):
        self.messages = []
        self.sub = node.create_subscription(msg_type, topic, self.messages.append, qos)

    def __len__(self):
        return len(self.messages)


@pytest.fixture
def inbox(ros_node):
    """Give a factory of Inbox subscriptions on the test's node."""
    return lambda msg_type, topic, qos=10: Inbox(ros_node, msg_type, topic, qos)


@pytest.fixture
def handshake():
    """
    Give a function that repeats send() until received() holds (or fails after a timeout).

    Matching is not symmetric: a test's reader can see a node's writer before that writer sees
    the reader, and a message published in between is lost. Repeating until something comes
    back end to end makes the first message of a test independent of discovery timing.
    """

    def run(node, send, received, timeout=20.0, what='an answer'):
        deadline = time.monotonic() + timeout
        while not received():
            if time.monotonic() > deadline:
                pytest.fail(f'no {what} within {timeout} s')
            send()
            retry = time.monotonic() + 0.2
            while not received() and time.monotonic() < retry:
                node.executor_for_test.spin_once(timeout_sec=0.02)

    return run
