# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The server without ROS: refusals, flow control, the driver and taking over."""

import json
import queue
import socket
import urllib.error
import urllib.request

from franka_hil_drive.frames import HEADER_SIZE, LatestFrame
from franka_hil_drive.server import DriveServer
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture
def server():
    calls = queue.Queue()
    latest = LatestFrame()
    started = DriveServer(
        '127.0.0.1',
        free_port(),
        'tok',
        latest,
        '<p>page</p>',
        lambda keys, pad: calls.put(('input', keys)),
        lambda: calls.put(('release',)),
    )
    started.calls, started.latest_frame = calls, latest
    yield started
    started.close()


def get(server, path, **headers):
    request = urllib.request.Request(f'http://127.0.0.1:{server.port}{path}', headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def socket_to(server, token='tok', **kwargs):
    return connect(f'ws://127.0.0.1:{server.port}/ws?token={token}', open_timeout=10, **kwargs)


def receive(ws, kind):
    while True:
        message = ws.recv(timeout=10)
        if isinstance(message, bytes):
            (size,) = HEADER_SIZE.unpack(message[:4])
            header = json.loads(message[4 : 4 + size])
            if kind == 'frame':
                return header, message[4 + size :]
        elif json.loads(message)['type'] == kind:
            return json.loads(message)


def test_page_needs_the_token_and_its_own_host_and_origin(server):
    assert get(server, '/?token=tok') == (200, b'<p>page</p>')
    assert get(server, '/')[0] == 403 and get(server, '/?token=bad')[0] == 403
    assert get(server, '/drive.js')[0] == 200  # no secret in the script
    assert get(server, '/?token=tok', Host='evil.example')[0] == 403
    assert get(server, '/?token=tok', Origin='http://evil.example')[0] == 403
    assert get(server, '/etc/passwd')[0] == 404
    with pytest.raises(InvalidStatus, match='403'):
        socket_to(server, token='bad')
    with pytest.raises(InvalidStatus, match='403'):
        socket_to(server, origin='http://evil.example')


def test_one_frame_in_flight_newest_wins(server):
    latest = server.latest_frame
    with socket_to(server) as ws:
        assert receive(ws, 'role')['role'] == 'driver'
        latest.put_step(1, 1, 1, {'step': 1}, 0.0)
        latest.put_image('front', b'jpeg1', 1, 0.0)
        server.notify()
        header, body = receive(ws, 'frame')
        assert (header['step'], body, header['sent'], header['acked']) == (1, b'jpeg1', 1, 0)
        for step in range(2, 20):  # many frames while the first is not acknowledged
            latest.put_step(step, 1, step, {'step': step}, 0.0)
            latest.put_image('front', b'jpeg%d' % step, step, 0.0)
            server.notify()
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)
        ws.send(json.dumps({'type': 'ack', 'seq': header['seq'], 'held_ms': 1}))
        header, body = receive(ws, 'frame')
        assert (header['step'], body, header['sent'], header['acked']) == (19, b'jpeg19', 2, 1)


def test_one_driver_others_watch_until_they_take_over(server):
    calls = server.calls
    with socket_to(server) as first, socket_to(server) as second:
        assert receive(first, 'role')['role'] == 'driver'
        assert receive(second, 'role')['role'] == 'watcher'
        second.send(json.dumps({'type': 'input', 'keys': ['Space'], 'pad': None}))
        first.send(json.dumps({'type': 'input', 'keys': ['Space', 'KeyW'], 'pad': None}))
        assert calls.get(timeout=10) == ('input', ['Space', 'KeyW'])  # the watcher's ignored
        second.send(json.dumps({'type': 'take_over'}))
        assert calls.get(timeout=10) == ('release',)
        assert receive(first, 'role')['role'] == 'watcher'
        assert receive(second, 'role')['role'] == 'driver'
    assert calls.get(timeout=10) == ('release',)  # the driver's connection closed
