# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The live view of the graph in a browser (Rerun's web viewer), and recordings for it."""
