# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Pick an off-screen OpenGL backend before MuJoCo or PyOpenGL are imported.

Both read MUJOCO_GL / PYOPENGL_PLATFORM once, at import time, and MuJoCo's default (GLFW) needs a
display. Over SSH or in CI there is none, so we choose EGL, or OSMesa where libEGL is missing.
An explicit MUJOCO_GL is always respected.
"""

import ctypes.util
import os
import sys


def headless():
    """Return True when no X11 or Wayland display is available to this process."""
    if sys.platform != 'linux':
        return False
    return not (os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY'))


def select_gl_backend(environ=os.environ, find_library=ctypes.util.find_library):
    """Set MUJOCO_GL (and PYOPENGL_PLATFORM) for headless use if unset; return the choice."""
    chosen = environ.get('MUJOCO_GL', '').strip().lower()
    if chosen or not headless():
        return chosen or 'glfw'
    for backend, library in (('egl', 'EGL'), ('osmesa', 'OSMesa')):
        if find_library(library):
            environ['MUJOCO_GL'] = backend
            environ.setdefault('PYOPENGL_PLATFORM', backend)
            return backend
    return ''
