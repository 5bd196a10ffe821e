# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Test support shared by the franka-hil packages: a pytest plugin (`plugin`)."""
