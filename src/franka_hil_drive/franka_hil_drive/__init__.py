# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The driving page: the cameras and the status in a browser, and keys or a pad that drive."""
