# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The Stable-Baselines3 route: SB3's SAC, unchanged, with HIL-SERL's replay buffer.

``envs`` (the graph-backed env as SAC sees it, demonstrations, evaluation: no SB3 import),
``buffer`` (HilReplayBuffer, through SB3's replay_buffer_class hook) and ``train``
(``franka-hil-train-sb3``, ``franka-hil-eval-sb3``). Runs in the SB3 venv (scripts/sb3_venv.sh).
"""
