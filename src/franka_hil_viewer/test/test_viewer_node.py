# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""viewer_node's web server: on 127.0.0.1 only, its address printed, gone when the node is."""

import os
import signal
import socket
import time
import urllib.request

from ament_index_python.packages import get_package_prefix


def script(name):
    return f'{get_package_prefix("franka_hil_viewer")}/lib/franka_hil_viewer/{name}'


def listening(port):
    """Return the local addresses (hex, as /proc/net/tcp writes them) listening on `port`."""
    found = []
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        with open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == '0A' and int(local.rsplit(':', 1)[1], 16) == port:
                    found.append(local)
    return found


def wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f'timed out waiting for {what}'
        time.sleep(0.05)


def test_serves_on_localhost_prints_the_address_and_dies_with_the_node(free_ports, start_process):
    web, data = free_ports(2)
    node = start_process(
        [
            script('viewer_node'),
            '--ros-args',
            '-r',
            f'__ns:=/viewer_test_{os.getpid()}',
            '-p',
            f'web_port:={web}',
            '-p',
            f'grpc_port:={data}',
        ],
        name='viewer_node',
    )
    node.wait_for_output('live view of the graph: ', timeout=60)
    url = f'http://127.0.0.1:{web}/?url=rerun%2Bhttp%3A%2F%2F127.0.0.1%3A{data}%2Fproxy'
    assert url in node.output()
    assert f'ssh -N -L {web}:127.0.0.1:{web} -L {data}:127.0.0.1:{data}' in node.output()
    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200 and b'Rerun' in page.read()
    # 127.0.0.1 only (0100007F in /proc/net/tcp), both ports.
    for port in (web, data):
        assert listening(port) == [f'0100007F:{port:04X}']
    # Niced by default: every thread of the node (the middleware's, started before the node,
    # too) and its server.
    expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    pid = node.proc.pid
    (server,) = map(int, open(f'/proc/{pid}/task/{pid}/children').read().split())
    threads = {
        f'{p}/{t}': os.getpriority(os.PRIO_PROCESS, int(t))
        for p in (pid, server)
        for t in os.listdir(f'/proc/{p}/task')
    }
    assert len(threads) > 4 and set(threads.values()) == {expected}, threads
    # Killed without a chance to clean up, the node still takes its server with it.
    node.proc.send_signal(signal.SIGKILL)
    wait(lambda: not listening(web) and not listening(data), 20, 'the server to stop')


def test_a_taken_port_is_one_clear_error(free_ports, start_process):
    web, data = free_ports(2)
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', web))
        taken.listen()
        node = start_process(
            [
                script('viewer_node'),
                '--ros-args',
                '-p',
                f'web_port:={web}',
                '-p',
                f'grpc_port:={data}',
            ],
            name='viewer_node',
        )
        assert node.proc.wait(timeout=60) == 2
    assert f'port {web} on 127.0.0.1 is in use already' in node.output()
    assert 'Traceback' not in node.output() and not listening(data)
