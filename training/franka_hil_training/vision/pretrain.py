# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pixel encoder of a run, in one call: from the cache if this scene has one, else pretrained.

`encoder_for_run` keys the encoder by the scene's hash (franka_hil_sim.core.scene_id), the
cameras, the image size and configs/pixel_encoder.yaml; under `cache_root`/<key> it finds one,
or renders labelled frames (frames.py, in the workspace's venv where the simulator is), fits
one (encoder.py), measures its error on held-out frames of other episodes and its cost per env
step, and keeps it there with its manifest. numpy only.
"""

import json
from pathlib import Path
import tempfile
import time
from typing import Any

from franka_hil_common.observation import AGENT_POS_SIZE, CAMERAS, IMAGE_SIZE
from franka_hil_sim.core.scene_id import scene_hash
from franka_hil_training import settings as settings_files
from franka_hil_training.vision import encoder as enc
from franka_hil_training.vision import manifest as mf
from franka_hil_training.workspace import run_in_workspace
import numpy as np

SETTINGS = settings_files.load('pixel_encoder')
LEARNED_FROM = (
    'frames the simulator rendered of scripted, noisy pick attempts, labelled with what it knew: '
    "the cube's mask in each camera and the cube's position"
)


def expected_manifest(settings: dict[str, Any] = SETTINGS) -> dict[str, Any]:
    """Return the identity an encoder of this scene, these cameras and settings must have."""
    return mf.new_manifest(scene_hash(), CAMERAS, IMAGE_SIZE, settings)


def render(count: int, seed: int, input_size: int, folder: Path) -> dict[str, Any]:
    """Render labelled frames in the workspace's venv (frames.py); return its arrays."""
    path = folder / f'frames-{seed}.npz'
    done = run_in_workspace(
        [
            'python',
            '-m',
            'franka_hil_training.vision.frames',
            str(path),
            f'--frames={count}',
            f'--seed={seed}',
            f'--input-size={input_size}',
        ]
    )
    if done.returncode != 0:
        raise RuntimeError(f'rendering frames failed: {done.stderr.strip()[-2000:]}')
    print(done.stdout.strip(), flush=True)
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def heldout_error(encoder: enc.Encoder, frames: dict[str, Any]) -> dict[str, float]:
    """Return the encoder's cube position error (mm) on frames it never saw."""
    error = encoder.predict(frames['images'], frames['agent_pos']) - frames['labels'][:, :3]
    cube = np.linalg.norm(error, axis=1) * 1000.0
    return {
        'cube_mm_mean': round(float(cube.mean()), 2),
        'cube_mm_median': round(float(np.median(cube)), 2),
        'cube_mm_p95': round(float(np.percentile(cube, 95)), 2),
        'cube_xy_mm_mean': round(float(np.linalg.norm(error[:, :2], axis=1).mean() * 1e3), 2),
        'frames': int(len(error)),
    }


def inference_ms(encoder: enc.Encoder, repeats: int = 300) -> float:
    """Return the encoder's wall time (ms) per env step: both 128x128 cameras to cube xyz."""
    rng = np.random.default_rng(0)
    pixels = {
        camera: rng.integers(0, 256, (IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8) for camera in CAMERAS
    }
    agent_pos = np.zeros(AGENT_POS_SIZE, np.float32)
    encoder(pixels, agent_pos)
    started = time.perf_counter()
    for _ in range(repeats):
        encoder(pixels, agent_pos)
    return round((time.perf_counter() - started) / repeats * 1000.0, 3)


def pretrain(directory: Path, manifest: dict[str, Any]) -> enc.Encoder:
    """Render frames, fit and measure an encoder; keep it in `directory`; return it."""
    settings = manifest['settings']
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        size = settings['input_size']
        train = render(settings['train_frames'], settings['seed'], size, Path(folder))
        heldout = render(settings['heldout_frames'], settings['seed'] + 1, size, Path(folder))
    render_seconds = time.monotonic() - started
    encoder, fitted = enc.fit(train, manifest)
    manifest = dict(
        manifest,
        learned_from=LEARNED_FROM,
        heldout=heldout_error(encoder, heldout),
        train=heldout_error(encoder, train),
        inference_ms_per_step=inference_ms(encoder),
        render_seconds=round(render_seconds, 1),
        pretrain_seconds=round(time.monotonic() - started, 1),
        **fitted,
    )
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = encoder.arrays()  # (savez's keywords: names of arrays)
    np.savez(directory / mf.WEIGHTS, **arrays)
    (directory / mf.MANIFEST).write_text(json.dumps(manifest, indent=2))
    encoder.manifest = manifest
    return encoder


def load(directory: Path, expected: dict[str, Any]) -> enc.Encoder:
    """Return the encoder kept in `directory`, refused (one line) if made for another scene."""
    manifest = mf.read_manifest(directory)
    if manifest is None:
        raise mf.EncoderRefused(f'encoder refused: no encoder in {directory}')
    mf.check_manifest(manifest, expected)
    with np.load(directory / mf.WEIGHTS) as arrays:
        return enc.Encoder.from_arrays(dict(arrays), manifest)


def encoder_for_run(cache_root: Path) -> tuple[enc.Encoder, dict[str, Any]]:
    """Return this scene's encoder (cached, else pretrained now) and its summary entry."""
    expected = expected_manifest()
    directory = mf.cache_dir(cache_root, expected['key'])
    started = time.monotonic()
    if mf.read_manifest(directory) is not None:
        encoder, cached = load(directory, expected), True
    else:
        print(f'[train] pretraining the pixel encoder into {directory}', flush=True)
        encoder, cached = pretrain(directory, expected), False
    report = dict(encoder.manifest, cached=cached, directory=str(directory))
    report['seconds_in_this_run'] = round(time.monotonic() - started, 1)
    shown = ('cached', 'heldout', 'inference_ms_per_step', 'pretrain_seconds')
    print('[train] pixel encoder: ' + json.dumps({k: report.get(k) for k in shown}), flush=True)
    return encoder, report
