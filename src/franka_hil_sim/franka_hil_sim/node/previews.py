# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Preview frames rendered on a thread of their own, beside the simulation, not in its way.

Rendering both cameras takes milliseconds; a lockstep step, a fraction of one. Rendered where
the step's state is published, every preview would hold up the next Step that long. Instead the
state is copied under the session lock (microseconds) and a thread with its own OpenGL context,
at a lower priority, renders that copy while the simulation goes on (MuJoCo releases the GIL
while it renders). A state not yet rendered when the next arrives is replaced: a viewer wants
the latest picture, not every one.
"""

import os
import threading

from franka_hil_sim.core.rendering import CameraRenderer
import mujoco

# Niceness added to the rendering thread (Linux: a thread's own priority).
NICE = 10


class PreviewRenderer:
    """Renders staged states of `model` at size (width, height); publish(camera, pixels, ns)."""

    def __init__(self, model, size, publish, logger):
        self._model = model
        self._size = size
        self._publish = publish
        self._logger = logger
        self._staged = mujoco.MjData(model)
        self._job = None  # (stamp ns, cameras) of the staged state, not yet taken
        self._closed = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name='previews', daemon=True)
        self._thread.start()

    def submit(self, data, stamp_ns, cameras):
        """Stage the state in `data` (call under the session lock) for rendering `cameras`."""
        with self._lock:
            mujoco.mj_copyData(self._staged, self._model, data)
            self._job = (stamp_ns, tuple(cameras))
        self._wake.set()

    def _run(self):
        try:
            os.setpriority(
                os.PRIO_PROCESS,
                threading.get_native_id(),
                min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICE),
            )
        except OSError:
            pass  # not Linux: the same work at the process's priority
        renderer = CameraRenderer(self._model, *self._size)
        rendering = mujoco.MjData(self._model)
        try:
            while True:
                self._wake.wait()
                with self._lock:
                    self._wake.clear()
                    if self._closed:
                        return
                    job, self._job = self._job, None
                    if job is None:
                        continue
                    self._staged, rendering = rendering, self._staged
                stamp_ns, cameras = job
                for camera in cameras:
                    self._publish(
                        camera, renderer.render(rendering, camera, stamp=stamp_ns), stamp_ns
                    )
        except Exception as error:  # a preview is never worth the simulator: say so, stop
            self._logger.error(f'previews stopped: {type(error).__name__}: {error}')
        finally:
            renderer.close()

    def close(self):
        """Stop the thread (a frame being rendered is finished first)."""
        with self._lock:
            self._closed = True
        self._wake.set()
        self._thread.join(timeout=10.0)
