# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A fingerprint of the scene the cameras see, without importing MuJoCo.

The MJCF files (models/*.xml: robot, cube, floor, lights, both cameras' poses and fields of
view), the camera names and the image size. Anything trained on rendered frames (the pixel
encoder of franka_hil_training.vision) is keyed by it: a changed scene or camera changes it.
"""

import hashlib
from pathlib import Path

from franka_hil_common.observation import CAMERAS, IMAGE_SIZE

MODEL_DIR = Path(__file__).resolve().parent / 'models'


def scene_hash() -> str:
    """Return the sha256 (hex) of the MJCF files, the camera names and the image size."""
    digest = hashlib.sha256()
    for path in sorted(MODEL_DIR.glob('*.xml')):
        digest.update(path.name.encode() + b'\0' + path.read_bytes() + b'\0')
    digest.update(f'cameras={",".join(CAMERAS)};image_size={IMAGE_SIZE}'.encode())
    return digest.hexdigest()
