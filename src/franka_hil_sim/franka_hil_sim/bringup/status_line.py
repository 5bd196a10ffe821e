# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The demo's terminal: log lines that stay, under one status line redrawn in place.

A person driving needs the state now (who acts, time left, gripper) without it scrolling the
log away: on a terminal the status line is rewritten with carriage return + clear line, and
redrawn after every log line; anywhere else (a pipe, a file) only the log lines are written.
Thread-safe: the graph's output and the step counter write from different threads.
"""

import threading

CLEAR = '\r\033[K'


class StatusLine:
    """Writes to `stream`; the status line only when the stream is a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.live = stream.isatty()
        self._status = ''
        self._lock = threading.Lock()

    def log(self, text):
        """Write a log line (text without its newline) above the status line."""
        with self._lock:
            self.stream.write(
                (CLEAR if self.live else '') + text + '\n' + (self._status if self.live else '')
            )
            self.stream.flush()

    def show(self, status):
        """Replace the status line (a no-op off a terminal)."""
        with self._lock:
            self._status = status
            if self.live:
                self.stream.write(CLEAR + status)
                self.stream.flush()

    def close(self):
        """End the status line: it stays on screen as the last state."""
        with self._lock:
            if self.live and self._status:
                self.stream.write('\n')
                self.stream.flush()
            self._status = ''
