# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What a pixel encoder was made for, and the checks before it sees an image (numpy only).

An encoder is pretrained on frames of one scene through given cameras at one image size, with
given settings; `encoder_key` hashes all four, so a changed scene, camera, size or setting names
another encoder (a cache miss: it is trained again). Before use, `check_manifest` refuses an
encoder made for another scene, and `encoder_input` refuses observations without one of its
cameras or at another size: each a one-line EncoderRefused. No torch here: the workspace's
venv (CI) tests every refusal; the encoder itself is encoder.py's.
"""

import hashlib
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import numpy.typing as npt

MANIFEST = 'manifest.json'
WEIGHTS = 'encoder.npz'
# The manifest's fields that must match the run for its encoder to be used.
IDENTITY = ('key', 'scene_hash', 'cameras', 'image_size', 'settings')


class EncoderRefused(ValueError):
    """An encoder does not fit the scene, cameras or images it is given (a one-line reason)."""


def encoder_key(
    scene_hash: str, cameras: Sequence[str], image_size: int, settings: Mapping[str, Any]
) -> str:
    """Return the sha256 (hex) naming an encoder of this scene, cameras, size and settings."""
    text = json.dumps(
        {
            'scene_hash': scene_hash,
            'cameras': list(cameras),
            'image_size': int(image_size),
            'settings': dict(settings),
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def cache_dir(root: Path, key: str) -> Path:
    """Return where the encoder named `key` is kept under `root`."""
    return Path(root) / key[:16]


def new_manifest(
    scene_hash: str, cameras: Sequence[str], image_size: int, settings: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the identity part of a manifest (metrics are added by whoever trains it)."""
    return {
        'key': encoder_key(scene_hash, cameras, image_size, settings),
        'scene_hash': scene_hash,
        'cameras': list(cameras),
        'image_size': int(image_size),
        'settings': dict(settings),
    }


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """Return the manifest in `directory`, or None when there is no complete encoder there."""
    directory = Path(directory)
    if not (directory / MANIFEST).is_file() or not (directory / WEIGHTS).is_file():
        return None
    return json.loads((directory / MANIFEST).read_text())


def check_manifest(manifest: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    """Refuse (EncoderRefused, one line) an encoder whose identity is not `expected`'s."""
    if manifest.get('scene_hash') != expected['scene_hash']:
        raise EncoderRefused(
            f'encoder refused: made for scene {str(manifest.get("scene_hash"))[:12]}, this '
            f'scene is {expected["scene_hash"][:12]} (the MJCF or a camera changed: retrain)'
        )
    for field in IDENTITY:
        if manifest.get(field) != expected[field]:
            raise EncoderRefused(
                f'encoder refused: its {field} is {manifest.get(field)!r}, '
                f'this run needs {expected[field]!r}'
            )


def encoder_input(
    pixels: Mapping[str, Any], cameras: Sequence[str], image_size: int, input_size: int
) -> npt.NDArray[np.uint8]:
    """
    Return the images of `cameras` as one (len(cameras), input_size, input_size, 3) uint8 array.

    Each image must be image_size x image_size x 3 uint8 (refused in one line otherwise) and is
    averaged down by image_size / input_size per side.
    """
    missing = [camera for camera in cameras if camera not in pixels]
    if missing:
        raise EncoderRefused(
            f'encoder refused: no {missing[0]!r} camera in the observation '
            f'(it has {sorted(pixels)}, the encoder needs {list(cameras)})'
        )
    factor = image_size // input_size
    out = np.empty((len(cameras), input_size, input_size, 3), np.uint8)
    for k, camera in enumerate(cameras):
        image = np.asarray(pixels[camera])
        if image.shape != (image_size, image_size, 3) or image.dtype != np.uint8:
            raise EncoderRefused(
                f'encoder refused: {camera!r} image is {image.dtype}{list(image.shape)}, '
                f'the encoder needs uint8{[image_size, image_size, 3]}'
            )
        total = np.zeros((input_size, input_size, 3), np.uint16)
        for dy in range(factor):
            for dx in range(factor):
                total += image[dy::factor, dx::factor]
        out[k] = (total + factor * factor // 2) // (factor * factor)  # the rounded mean
    return out
