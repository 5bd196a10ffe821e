# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Gamepad and keyboard human override for HIL RL."""
