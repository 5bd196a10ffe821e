# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Terminal keyboard reader: key presses from the terminal the node runs in (works over SSH).

The terminal is put in cbreak mode (no echo, no line buffering, Ctrl-C still stops the node) and
always restored: on close, at interpreter exit, and by rclpy's SIGINT / SIGTERM shutdown, which
ends in close.
"""

import atexit
import os
import select
import sys
import termios
import threading
import tty

from franka_hil_teleop.keyboard import flush_escape, parse_terminal_keys

OTHER_BACKEND = (
    'use the X11 backend instead (bring-up keyboard_backend:=x11, or -p '
    'backend:=x11; needs DISPLAY), or start the node in a terminal (ssh -t, tmux; '
    "bringup hands its terminal on, a launch file's background process has none)"
)
# A lone ESC byte is the Escape key when no sequence byte follows within this time.
_ESCAPE_WAIT_S = 0.03


class TerminalKeys:
    """Reads key presses from stdin in a thread and hands each batch of key names to on_keys."""

    def __init__(self, on_keys, stream=None):
        """Take over the terminal; raise RuntimeError naming the X11 backend if there is none."""
        stream = stream or sys.stdin
        try:
            self.fd = stream.fileno()
        except (AttributeError, ValueError, OSError) as err:
            raise RuntimeError(
                f'no terminal: stdin has no file descriptor ({err}); {OTHER_BACKEND}'
            ) from err
        if not os.isatty(self.fd):
            raise RuntimeError(f'no terminal: stdin is not a tty; {OTHER_BACKEND}')
        self.on_keys = on_keys
        self._saved = termios.tcgetattr(self.fd)
        self._restored = False
        atexit.register(self.restore)
        tty.setcbreak(self.fd, termios.TCSANOW)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name='tty', daemon=True)
        self._thread.start()

    def _run(self):
        rest = ''
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], _ESCAPE_WAIT_S if rest else 0.1)
            if not ready:
                keys, rest = flush_escape(rest), ''
            else:
                data = os.read(self.fd, 1024)
                if not data:
                    return  # the terminal hung up
                keys, rest = parse_terminal_keys(rest + data.decode('utf-8', errors='replace'))
            if keys:
                self.on_keys(keys)

    def restore(self):
        """Give the terminal its settings back (idempotent)."""
        if not self._restored:
            self._restored = True
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def close(self):
        """Stop reading and restore the terminal."""
        self._stop.set()
        self._thread.join(timeout=1.0)
        self.restore()
