# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Off-screen camera frames, cheap enough for 10 Hz image observations on a CPU.

gym-hil renders each 128x128 view through mujoco.Renderer with shadows and multisampling and
spends about 0.5 s a step on a CPU. The scene disables shadows, reflections, skybox and
multisampling, and this renderer updates the scene geometry once per state and only moves the
camera between views. The OpenGL context is created on the first frame, never before.
"""

import os

from franka_hil_sim.core.gl_backend import headless
import mujoco
import numpy as np


def _gl_context_class():
    backend = os.environ.get('MUJOCO_GL', '').strip().lower()
    if backend == 'egl' or (not backend and headless()):
        from mujoco.egl import GLContext
    elif backend == 'osmesa':
        from mujoco.osmesa import GLContext
    else:
        from mujoco.glfw import GLContext
    return GLContext


class CameraRenderer:
    """Renders named model cameras into HxWx3 uint8 arrays; GL resources made on first use."""

    def __init__(self, model, width, height):
        if width <= 0 or height <= 0:
            raise ValueError(f'image size must be positive, got {width}x{height}')
        self._model = model
        self.width, self.height = int(width), int(height)
        self._gl = None
        self._state = None  # (data, update count) the scene geometry was built for

    @property
    def active(self):
        """Return True once an OpenGL context exists."""
        return self._gl is not None

    def _open(self):
        model = self._model
        model.vis.global_.offwidth = max(model.vis.global_.offwidth, self.width)
        model.vis.global_.offheight = max(model.vis.global_.offheight, self.height)
        try:
            gl = _gl_context_class()(self.width, self.height)
        except Exception as error:  # the backends raise a variety of types
            raise RuntimeError(
                f'cannot create an OpenGL context (MUJOCO_GL={os.environ.get("MUJOCO_GL")!r}): '
                f'{error}. Headless machines need EGL or OSMesa (Mesa) installed.'
            ) from error
        gl.make_current()
        self._context = mujoco.MjrContext(model, mujoco.mjtFontScale.mjFONTSCALE_100)
        mujoco.mjr_setBuffer(mujoco.mjtFramebuffer.mjFB_OFFSCREEN, self._context)
        self._scene = mujoco.MjvScene(model, maxgeom=max(100, 2 * model.ngeom))
        for flag in (
            mujoco.mjtRndFlag.mjRND_SHADOW,
            mujoco.mjtRndFlag.mjRND_REFLECTION,
            mujoco.mjtRndFlag.mjRND_SKYBOX,
            mujoco.mjtRndFlag.mjRND_FOG,
        ):
            self._scene.flags[flag] = 0
        self._option = mujoco.MjvOption()
        self._camera = mujoco.MjvCamera()
        self._camera.type = mujoco.mjtCamera.mjCAMERA_FIXED
        self._viewport = mujoco.MjrRect(0, 0, self.width, self.height)
        self._gl = gl

    def render(self, data, camera, stamp=None):
        """
        Return the image of `camera` (name or id); `stamp` identifies the physics state.

        Frames of several cameras for one state share the geometry update when the caller passes
        the same stamp (e.g. the step count); without a stamp the scene is always rebuilt.
        """
        if self._gl is None:
            self._open()
        camera_id = (
            camera
            if isinstance(camera, int)
            else mujoco.mj_name2id(self._model, mujoco.mjtObj.mjOBJ_CAMERA, camera)
        )
        if not 0 <= camera_id < self._model.ncam:
            raise ValueError(f'unknown camera {camera!r}')
        self._gl.make_current()
        self._camera.fixedcamid = camera_id
        state = (id(data), stamp)
        if stamp is None or state != self._state:
            mujoco.mjv_updateScene(
                self._model,
                data,
                self._option,
                None,
                self._camera,
                mujoco.mjtCatBit.mjCAT_ALL,
                self._scene,
            )
            self._state = state
        else:
            mujoco.mjv_updateCamera(self._model, data, self._camera, self._scene)
        mujoco.mjr_render(self._viewport, self._scene, self._context)
        image = np.empty((self.height, self.width, 3), dtype=np.uint8)
        mujoco.mjr_readPixels(image, None, self._viewport, self._context)
        return np.flipud(image).copy()

    def close(self):
        """Release the OpenGL context and its buffers (safe to call twice)."""
        if self._gl is None:
            return
        self._context.free()
        self._gl.free()
        self._gl = None
        self._state = None
