# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Rate-limited logging for per-message warnings: one line per cause per period, with a count.

A node that logs every bad message floods its log (and the bring-up's terminal) when a peer
publishes garbage at 1 kHz. RateLimitedLog prints the first occurrence of a cause at once, then
at most one line per `period` seconds for that cause, telling how many were suppressed since
the last line. Causes are independent: a flood of one kind never hides the first line of another.
"""

import time


class RateLimitedLog:
    """Logs through `logger` (an rclpy logger or anything with info/warning/error methods)."""

    def __init__(self, logger, period=1.0, clock=time.monotonic):
        """Print at most one line per cause every `period` seconds of `clock`."""
        self.logger = logger
        self.period = period
        self.clock = clock
        self._causes = {}  # cause -> [time of the last line, suppressed since then]

    def log(self, level, cause, text):
        """Log `text` under `cause` at `level` ('info', 'warning', 'error'); return if printed."""
        now = self.clock()
        entry = self._causes.get(cause)
        if entry is not None and now - entry[0] < self.period:
            entry[1] += 1
            return False
        suppressed = entry[1] if entry is not None else 0
        self._causes[cause] = [now, 0]
        if suppressed:
            text += f' ({suppressed} more like this in the last {now - entry[0]:.1f} s)'
        # One call site per level: rclpy refuses a call site whose severity changes.
        if level == 'error':
            self.logger.error(text)
        elif level == 'warning':
            self.logger.warning(text)
        else:
            self.logger.info(text)
        return True

    def info(self, cause, text):
        """Log an info line under `cause`."""
        return self.log('info', cause, text)

    def warning(self, cause, text):
        """Log a warning line under `cause`."""
        return self.log('warning', cause, text)

    def error(self, cause, text):
        """Log an error line under `cause`."""
        return self.log('error', cause, text)


class ByText:
    """A logger-like view of a RateLimitedLog whose cause is the text itself (for libraries)."""

    def __init__(self, limited):
        """Wrap `limited` (a RateLimitedLog)."""
        self.limited = limited

    def info(self, text):
        """Log an info line, at most once per period for this text."""
        return self.limited.info(text, text)

    def warning(self, text):
        """Log a warning line, at most once per period for this text."""
        return self.limited.warning(text, text)

    def error(self, text):
        """Log an error line, at most once per period for this text."""
        return self.limited.error(text, text)
