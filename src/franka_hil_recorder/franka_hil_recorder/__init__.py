# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Record the graph into rosbag2 (MCAP) directories, recover killed ones, and convert them."""
