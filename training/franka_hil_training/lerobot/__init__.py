# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The LeRobot route: LeRobot 0.4.4's HIL-SERL learner and actor on the graph, and its check.

``check`` (``franka-hil-check-lerobot``: does LeRobot's HIL-SERL run on the graph, parts 1-4;
``pad`` plays the person, ``demos_check`` and ``training_check`` are parts 3 and 4),
``train`` (``franka-hil-train-lerobot``: a training run and its learning curve), ``evaluate``
(``franka-hil-eval-lerobot``: a checkpoint alone on held-out seeds); what they share:
``processes`` (LeRobot's learner / actor processes), ``step_info_watch`` and ``train_config``.
Runs in the LeRobot venv (scripts/check_lerobot.sh makes it). The modules import LeRobot as the
top-level ``lerobot`` package (absolute imports).
"""
