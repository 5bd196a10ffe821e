# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pixel encoder of the --pixels runs: what the two cameras say about where the cube is.

manifest.py: its identity (scene hash, cameras, image size, settings) and refusals; frames.py:
labelled frames the simulator renders; encoder.py: the encoder (numpy); pretrain.py: one
encoder per scene, cached, pretrained in the run that first needs it. ROS-free, torch-free.
"""
