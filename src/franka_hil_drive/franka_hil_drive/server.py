# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The driving page's server: one port, the page, its script and a WebSocket (websockets library).

It runs its own asyncio loop in a thread. Each WebSocket client gets the newest frame once it
has acknowledged the last (franka_hil_drive.frames); one client at a time is the driver, whose
input messages are handed to `on_input`, and whose loss (closed, another takes over) calls
`on_release`. Protocol (JSON text, except frames):

- server -> page: {"type": "role", "role": "driver" | "watcher", "drivable": bool}; frames as
  binary messages (frames.encode) with seq, rtt_ms, sent and acked added to the header.
- page -> server: {"type": "ack", "seq", "held_ms"}, {"type": "input", "keys": [codes],
  "pad": {"axes", "buttons"} | null}, {"type": "release"}, {"type": "take_over"}.
"""

import asyncio
from http import HTTPStatus
import json
from pathlib import Path
import threading
import time
from urllib.parse import urlsplit

from franka_hil_drive import access
from franka_hil_drive.frames import ClientFlow, encode
from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response

STATIC = Path(__file__).resolve().parent / 'static'
PAGE_PATHS = ('/', '/index.html')
SCRIPT_PATH, SOCKET_PATH = '/drive.js', '/ws'
# The page loads nothing from elsewhere, may not be framed (clickjacking) and leaks no token.
PAGE_HEADERS = [
    ('Cache-Control', 'no-store'),
    ('X-Frame-Options', 'DENY'),
    ('Referrer-Policy', 'no-referrer'),
    (
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self' blob:; "
        "style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
    ),
]
MAX_MESSAGE = 64 * 1024  # an input message is a few hundred bytes
START_TIMEOUT_S = 10.0


class Client:
    """One open WebSocket: its flow control and the event that wakes its sender."""

    def __init__(self, socket):
        """Wrap a connection."""
        self.socket, self.flow, self.wake = socket, ClientFlow(), asyncio.Event()


class DriveServer:
    """Serves the page and the frames; hands the driver's input to the node."""

    def __init__(self, bind, port, token, latest, page, on_input, on_release, drivable=True):
        """Listen on bind:port (raise OSError if it cannot) and serve `page` (HTML text)."""
        self.bind, self.port, self.token, self.latest = bind, port, token, latest
        self.page, self.drivable = page.encode(), drivable
        self.on_input, self.on_release = on_input, on_release
        self.script = (STATIC / 'drive.js').read_bytes()
        self.clients, self.driver = set(), None
        self._loop = asyncio.new_event_loop()
        self._started, self._error = threading.Event(), None
        self._thread = threading.Thread(target=self._run, name='drive_server', daemon=True)
        self._thread.start()
        if not self._started.wait(START_TIMEOUT_S):
            raise RuntimeError(f'the server did not start within {START_TIMEOUT_S:g} s')
        if self._error is not None:
            raise self._error

    @property
    def url(self):
        host = '127.0.0.1' if self.bind in ('0.0.0.0', '::') else self.bind
        host = f'[{host}]' if ':' in host else host
        return f'http://{host}:{self.port}/' + (f'?token={self.token}' if self.token else '')

    def banner(self):
        """Return the lines to print at start: the address and the ssh -L hint."""
        return (
            f'driving page: {self.url}\n'
            f'  (from another machine: ssh -N -L {self.port}:127.0.0.1:{self.port} '
            'USER@THIS_HOST, then open the same address)'
        )

    def _run(self):
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except OSError as error:
            self._error = OSError(f'cannot listen on {self.bind}:{self.port}: {error.strerror}')
            self._started.set()

    async def _serve(self):
        self._stop = asyncio.Event()
        async with serve(
            self._handler,
            self.bind,
            self.port,
            process_request=self._http,
            compression=None,
            max_size=MAX_MESSAGE,
            ping_interval=2.0,
            ping_timeout=2.0,
        ):
            self._started.set()
            await self._stop.wait()

    # HTTP ---------------------------------------------------------------------------------------

    def _http(self, connection, request):
        """Serve the page and the script; refuse foreign Host / Origin and missing tokens."""
        path = urlsplit(request.path).path
        if path not in PAGE_PATHS + (SCRIPT_PATH, SOCKET_PATH):
            return connection.respond(HTTPStatus.NOT_FOUND, 'not found\n')
        token = '' if path == SCRIPT_PATH else self.token  # the script is no secret
        refused = access.refusal(request.path, request.headers, token)
        if refused:
            return connection.respond(HTTPStatus.FORBIDDEN, refused + '\n')
        if path == SOCKET_PATH:
            return None  # the WebSocket handshake goes on
        body, kind = (
            (self.script, 'text/javascript') if path == SCRIPT_PATH else (self.page, 'text/html')
        )
        headers = Headers(
            [
                ('Content-Type', f'{kind}; charset=utf-8'),
                ('Content-Length', str(len(body))),
                *PAGE_HEADERS,
            ]
        )
        return Response(HTTPStatus.OK, 'OK', headers, body)

    # WebSocket ----------------------------------------------------------------------------------

    async def _handler(self, socket):
        client = Client(socket)
        self.clients.add(client)
        if self.driver is None and self.drivable:
            self.driver = client
        await self._send_role(client)
        sender = asyncio.create_task(self._sender(client))
        client.wake.set()
        try:
            async for message in socket:
                await self._on_message(client, message)
        except ConnectionClosed:
            pass
        finally:
            sender.cancel()
            self.clients.discard(client)
            if self.driver is client:
                self.driver = None
                self.on_release()

    async def _send_role(self, client):
        try:
            await client.socket.send(
                json.dumps(
                    {
                        'type': 'role',
                        'role': 'driver' if client is self.driver else 'watcher',
                        'drivable': self.drivable,
                    }
                )
            )
        except ConnectionClosed:
            pass

    async def _on_message(self, client, message):
        try:
            data = json.loads(message)
            kind = data['type']
        except (ValueError, TypeError, KeyError):
            return  # not ours (binary or malformed): ignored
        if kind == 'ack':
            if client.flow.on_ack(data.get('seq'), data.get('held_ms', 0), time.monotonic()):
                client.wake.set()
        elif kind == 'take_over' and self.drivable and client is not self.driver:
            previous, self.driver = self.driver, client
            if previous is not None:
                self.on_release()
                await self._send_role(previous)
            await self._send_role(client)
        elif client is not self.driver:
            return  # a watcher's input drives nothing
        elif kind == 'input':
            keys, pad = data.get('keys'), data.get('pad')
            if isinstance(keys, list) and (pad is None or isinstance(pad, dict)):
                self.on_input([k for k in keys if isinstance(k, str)], pad)
        elif kind == 'release':
            self.on_release()

    async def _sender(self, client):
        """Send the newest frame each time the client is ready for one and there is a newer."""
        flow = client.flow
        while True:
            await client.wake.wait()
            client.wake.clear()
            if not flow.ready(self.latest.version):
                continue
            now = time.monotonic()
            header, jpegs, versions = self.latest.frame_for(flow.images, now)
            seq = flow.on_sent(header['version'], versions, now)
            header.update(
                seq=seq,
                sent=flow.sent,
                acked=flow.acked,
                rtt_ms=None if flow.rtt_ms is None else round(flow.rtt_ms, 1),
            )
            try:
                await client.socket.send(encode(header, jpegs))
            except ConnectionClosed:
                return

    def notify(self):
        """Tell the clients something newer is there (any thread)."""
        self._loop.call_soon_threadsafe(self._wake_all)

    def _wake_all(self):
        for client in self.clients:
            client.wake.set()

    def close(self):
        """Close every connection and stop listening."""
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=5.0)
