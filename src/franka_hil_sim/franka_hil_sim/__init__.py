# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
MuJoCo pick-cube simulation of a Franka Panda, and the bring-up of the whole graph.

core/: the ROS-free task (model, physics, controller, rendering, Gymnasium envs, HIL session);
node/: the simulator node around it; bringup/: the graph description, `bringup` and the demo.
Importing the package chooses a headless OpenGL backend (before MuJoCo is imported anywhere
through it) and registers the franka_hil/ Gymnasium ids, without importing MuJoCo.
"""

from franka_hil_sim.core.gl_backend import select_gl_backend

select_gl_backend()

from franka_hil_sim.core.registration import register_envs  # noqa: E402  (GL choice first)

register_envs()
