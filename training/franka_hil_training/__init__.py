# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
HIL-SERL training on the franka-hil graph, as a package (in the style of rl-baselines3-zoo).

- ``run``, ``settings``, ``workspace``: what the routes share (run options and outputs, the
  settings files in ``configs/``, the corrective human checked against IntervenerConfig).
- ``sb3``: Stable-Baselines3's SAC with HIL-SERL's replay buffer (``franka-hil-train-sb3``,
  ``franka-hil-eval-sb3``); runs in the SB3 venv (scripts/sb3_venv.sh).
- ``lerobot``: LeRobot 0.4.4's learner + actor (``franka-hil-train-lerobot``), its policy alone
  (``franka-hil-eval-lerobot``) and the LeRobot check (``franka-hil-check-lerobot``); runs in the
  LeRobot venv (scripts/check_lerobot.sh).

Importing this package or ``run`` / ``settings`` / ``workspace`` imports neither ROS nor a
learning library: each route imports its own in its own venv.
"""
