# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
MuJoCo pick-cube simulation of a Franka Panda: ROS-free core, Gymnasium envs and ROS 2 node.

Importing the package chooses a headless OpenGL backend (before MuJoCo is imported anywhere
through it) and registers the franka_hil/ Gymnasium ids.
"""

from franka_hil_sim.gl_backend import select_gl_backend

select_gl_backend()

from franka_hil_sim.registration import register_envs  # noqa: E402  (GL choice first)

register_envs()
