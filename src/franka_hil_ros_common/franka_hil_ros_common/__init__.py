# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""ROS 2 plumbing every franka-hil node shares: the main loop and parameter declaration."""
