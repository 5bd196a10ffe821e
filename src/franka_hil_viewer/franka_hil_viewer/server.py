# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Rerun's web viewer served on this machine: the `rerun` program from the rerun-sdk wheel.

It hosts the web viewer's files over HTTP and a gRPC server that buffers what is logged to it,
so a browser that connects late still gets the whole session. Both listen on `bind` (127.0.0.1
by default: reach them from another machine through `ssh -L`). The page a person opens is the
program's, less its web-font links (franka_hil_viewer.page: our server on the page's port, the
program's page server on a port of its own); the address sets the page's options (see web_url)
and the program runs with analytics off, so the page fetches nothing from the internet.
"""

import ctypes
import importlib.util
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import time
from urllib.parse import quote

from franka_hil_viewer.analytics import rerun_environment
from franka_hil_viewer.page import PageServer

START_TIMEOUT_S = 30.0
# Where the page looks for its examples list: a path of our own server, not rerun.io's.
NO_EXAMPLES = '/no_examples.json'
_PR_SET_PDEATHSIG = 1


class ServerError(RuntimeError):
    """The web viewer could not be started."""


def rerun_program():
    """
    Return the path of the `rerun` program of the rerun-sdk wheel.

    The binary itself (rerun_cli/rerun), not the `rerun` console script, which runs it as a child
    that stopping the script would leave behind.
    """
    spec = importlib.util.find_spec('rerun_cli')
    binary = Path(spec.origin).with_name('rerun') if spec and spec.origin else None
    if binary is not None and os.access(binary, os.X_OK):
        return str(binary)
    found = shutil.which('rerun')
    if found is None:
        raise ServerError(
            'the `rerun` program is not installed (pip install rerun-sdk; '
            '`bash scripts/setup.sh` does)'
        )
    return found


def shown_host(bind):
    """Return the host to print in addresses: a wildcard bind is reachable at 127.0.0.1."""
    return '127.0.0.1' if bind in ('0.0.0.0', '::', '') else bind


def grpc_url(bind, grpc_port):
    """Return the gRPC proxy address that loggers and viewers connect to."""
    return f'rerun+http://{shown_host(bind)}:{grpc_port}/proxy'


def web_url(bind, web_port, grpc_port):
    """
    Return the address to open in a browser: the web viewer, pointed at the gRPC server.

    The page's own options: no welcome screen, the examples list asked of our server (which has
    none) instead of rerun.io, and `notebook`, the embedded mode. (In rerun-sdk 0.41 that mode
    still posts usage analytics: the page's Content-Security-Policy stops them,
    franka_hil_viewer.page.)
    """
    return (
        f'http://{shown_host(bind)}:{web_port}/?url='
        + quote(grpc_url(bind, grpc_port), safe='')
        + '&hide_welcome_screen&notebook=true'
        + '&manifest_url='
        + quote(NO_EXAMPLES, safe='')
    )


def ssh_hint(web_port, grpc_port):
    """Return how to open the view from another machine."""
    return (
        f'from another machine: ssh -N -L {web_port}:127.0.0.1:{web_port} '
        f'-L {grpc_port}:127.0.0.1:{grpc_port} USER@THIS_HOST, then open the same address'
    )


def _stop_with_parent():
    """In the child: be sent SIGTERM when the process that started it dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: close() still stops it


def free_port(host):
    """Return a TCP port free on `host` now (the system's choice)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_open(host, port):
    """Return True when a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class WebViewerServer:
    """
    The `rerun --serve-web` process and the page in front of it; .rrd files are loaded for review.

    The program's own page server listens on a free port (`program_web_port`) of `bind`, and
    nobody needs to reach it: the page's port is our PageServer's. Files are sent to it over
    gRPC as a logger sends, not named on its command line: rerun 0.41's server given files keeps
    a core busy (a spinning tokio worker) for as long as it runs, page open or not.
    """

    def __init__(
        self,
        bind='127.0.0.1',
        web_port=9090,
        grpc_port=9876,
        memory_limit='1GiB',
        recordings=(),
        timeout=START_TIMEOUT_S,
    ):
        """Start the server and wait until both ports answer; ServerError if it cannot."""
        self.bind, self.web_port, self.grpc_port = bind, web_port, grpc_port
        host = shown_host(bind)
        for port in (web_port, grpc_port):
            if port_open(host, port):
                raise ServerError(
                    f'port {port} on {host} is in use already (another viewer?): '
                    'choose other ports'
                )
        self.program_web_port = free_port(host)
        argv = [
            rerun_program(),
            '--serve-web',
            '--bind',
            bind,
            '--port',
            str(grpc_port),
            '--web-viewer-port',
            str(self.program_web_port),
            '--server-memory-limit',
            memory_limit,
            '--hide-welcome-screen',
        ]
        # Its INFO lines repeat the addresses we print; warnings and errors still show.
        env = dict(rerun_environment(), RUST_LOG=os.environ.get('RUST_LOG', 'warn'))
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            preexec_fn=_stop_with_parent,
        )
        self.page = self.sender = None
        deadline = time.monotonic() + timeout
        while not (port_open(host, grpc_port) and port_open(host, self.program_web_port)):
            if self.proc.poll() is not None:
                raise ServerError(
                    f'`rerun --serve-web` exited with code {self.proc.returncode} '
                    f'(command: {" ".join(argv)})'
                )
            if time.monotonic() > deadline:
                self.close()
                raise ServerError(
                    f'the web viewer did not listen on {host}:{self.program_web_port} and '
                    f':{grpc_port} within {timeout:.0f} s'
                )
            time.sleep(0.05)
        try:
            self.page = PageServer(
                bind, web_port, f'http://{host}:{self.program_web_port}', grpc_port
            )
        except OSError as error:
            self.close()
            raise ServerError(
                f'the page could not be served on {host}:{web_port}: {error}'
            ) from error
        if recordings:
            self._send(recordings)

    def _send(self, recordings):
        """Stream .rrd files to the server, in the background (a page shows them as they come)."""
        import rerun as rr  # the SDK, only where files are sent

        self.sender = rr.RecordingStream('franka_hil_review')
        self.sender.connect_grpc(self.grpc_url)
        for path in recordings:
            rr.log_file_from_path(path, recording=self.sender)

    @property
    def url(self):
        """Return the address to open in a browser."""
        return web_url(self.bind, self.web_port, self.grpc_port)

    @property
    def grpc_url(self):
        """Return where a logger connects."""
        return grpc_url(self.bind, self.grpc_port)

    def banner(self, what='live view of the graph'):
        """Return the lines to print at start: the address and the ssh -L hint."""
        return f'{what}: {self.url}\n  ({ssh_hint(self.web_port, self.grpc_port)})'

    def close(self):
        """Stop the sender, the page and the program."""
        if self.sender is not None:
            self.sender.disconnect()  # before the server goes: no error on a closed connection
            self.sender = None
        if self.page is not None:
            self.page.close()
            self.page = None
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.proc.poll() is not None:
                return
            os.killpg(self.proc.pid, sig)  # its own session: the program and any children
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
