# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
When a realtime episode may start under wait_for_person: once a person takes over, free of ROS.

A person whose grasp was cut by the time limit needs a moment before the next episode runs on
its own. Taking over means an active override that follows a released one (or none), so an
override still held from the last episode does not start the next: release and take over again.
An active override older than the timeout counts as released (a teleop that died holding it).
"""


class PersonStart:
    """Holds each episode at its reset until `on_override` sees a person take over."""

    def __init__(self, timeout):
        """Take the intervention timeout (s): a silent override older than that is released."""
        self.timeout = timeout
        self.waiting = False
        self._active_at = None  # monotonic time of the latest active override, None: released

    def hold(self):
        """Hold the episode just reset until a takeover."""
        self.waiting = True

    def on_override(self, active, now):
        """Take one override message (active flag, monotonic time); return True if it started."""
        held = self._active_at is not None and now - self._active_at <= self.timeout
        self._active_at = now if active else None
        started = self.waiting and active and not held
        if started:
            self.waiting = False
        return started
