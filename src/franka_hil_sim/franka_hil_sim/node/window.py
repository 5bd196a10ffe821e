# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A MuJoCo viewer window on the simulation (sim_node's viewer=window), where a display exists.

MuJoCo's passive viewer draws the model and data the session steps, in a window of its own
(its own thread and OpenGL context); sync() after each step copies the new state into it. The
person may rotate and zoom; closing the window stops the updates, not the simulator.
"""

import os
import threading
import time

NO_DISPLAY = (
    'viewer=window needs a display, and DISPLAY is not set: over SSH or headless use '
    'viewer:=web (a browser view through ssh -L) instead'
)


class ViewerWindow:
    """The window, or a clear error when it cannot open."""

    def __init__(self, model, data, environ=os.environ):
        """Open the window; ValueError without a display, RuntimeError when it fails."""
        if not (environ.get('DISPLAY') or environ.get('WAYLAND_DISPLAY')):
            raise ValueError(NO_DISPLAY)
        import mujoco.viewer

        before = set(threading.enumerate())
        try:
            self.handle = mujoco.viewer.launch_passive(
                model, data, show_left_ui=False, show_right_ui=False
            )
        except Exception as error:  # GLFW reports a failed window as several types
            raise RuntimeError(
                f'viewer=window: the MuJoCo viewer window did not open on '
                f'display {environ.get("DISPLAY")!r}: {error}'
            ) from None
        # The viewer's own thread (MuJoCo does not expose it): close() waits for it, as GLFW's
        # exit handler crashes the process if it runs while that thread still tears down.
        self._threads = [t for t in threading.enumerate() if t not in before]

    @property
    def is_open(self):
        """Return True while the person has not closed the window."""
        return self.handle.is_running()

    def sync(self):
        """Show the current state (call with the simulation not stepping)."""
        if self.handle.is_running():
            self.handle.sync()

    def close(self, timeout=5.0):
        """Close the window and wait (bounded) until its thread has let go of OpenGL."""
        self.handle.close()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
