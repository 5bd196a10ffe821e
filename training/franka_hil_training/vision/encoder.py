# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pixel encoder: where the cube is, read from the two cameras (numpy only, well under 1 ms).

Two learned stages, both fitted to what the simulator knew when it rendered the frames
(frames.py):
1. a pixel classifier per camera: logistic regression on each pixel's colour (quadratic in
   r, g, b) that says whether the pixel shows the cube, fitted to the cube masks, then
   tabulated over colours (64 levels a channel) so that a frame costs one lookup a pixel;
2. a geometry head: a small MLP (tanh, Adam) from both cameras' cube blobs (share of the image,
   centre, spread) and the TCP position of agent_pos (the wrist camera moves with it) to the
   cube's position (m), fitted to the simulator's cube positions.
The policy gets that estimate beside agent_pos; the encoder stays frozen during RL. It needs
neither torch nor a GPU: the workspace's venv trains and tests it like the SB3 venv uses it.
"""

import time
from typing import Any, Mapping

from franka_hil_common.observation import TCP
from franka_hil_training.vision.manifest import encoder_input
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
BLOB = 5  # features per camera: share of cube pixels, seen (0/1), centre u, v, spread
SIZE = 3  # the encoder's output: the cube's position (m)
LEVELS = 64  # the pixel classifier is looked up per colour, 64 levels a channel


def colour_features(images: npt.NDArray[np.uint8]) -> FloatArray:
    """(..., 3) uint8 -> (..., 10): 1, r, g, b, and their squares and products (0..1)."""
    x = images.astype(np.float32) / 255.0
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    one = np.ones_like(r)
    return np.stack((one, r, g, b, r * r, g * g, b * b, r * g, r * b, g * b), axis=-1)


def fit_classifier(
    images: npt.NDArray[np.uint8], masks: FloatArray, samples: int, rng: np.random.Generator
) -> FloatArray:
    """Fit logistic regression (Newton steps) of 'pixel shows the cube' on its colour."""
    pixels, labels = images.reshape(-1, 3), (masks.reshape(-1) >= 0.5).astype(np.float32)
    cube, rest = np.flatnonzero(labels), np.flatnonzero(labels == 0)
    rows = np.concatenate(
        (rng.choice(cube, min(samples, cube.size), replace=False), rng.choice(rest, samples))
    )
    x, y = colour_features(pixels[rows]), labels[rows]
    w = np.zeros(x.shape[1], np.float64)
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-3 * np.eye(x.shape[1])
        w -= np.linalg.solve(hessian, x.T @ (p - y) + 1e-3 * w)
    return w.astype(np.float32)


def colour_table(weights: FloatArray) -> FloatArray:
    """Return P(cube) of every colour at LEVELS levels a channel: the classifier as a table."""
    step = 256 // LEVELS
    centres = np.arange(LEVELS, dtype=np.float32) * step + (step - 1) / 2.0
    grid = np.stack(np.meshgrid(centres, centres, centres, indexing='ij'), -1).reshape(-1, 3)
    x = grid / 255.0
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    features = np.stack((np.ones_like(r), r, g, b, r * r, g * g, b * b, r * g, r * b, g * b), 1)
    p = 1.0 / (1.0 + np.exp(-np.clip(features @ weights, -30, 30)))
    return np.where(p > 0.5, p, 0.0).astype(np.float32)


def blobs(images: npt.NDArray[np.uint8], tables: FloatArray) -> FloatArray:
    """(B, cameras, s, s, 3) -> (B, cameras * BLOB): each camera's cube blob features."""
    b, k, s = images.shape[:3]
    q = (images // (256 // LEVELS)).astype(np.int32)
    index = (q[..., 0] * LEVELS + q[..., 1]) * LEVELS + q[..., 2]  # (B, k, s, s)
    p = np.stack([tables[c][index[:, c]] for c in range(k)], 1).reshape(b, k, s * s)
    mass = p.sum(-1)
    coords = np.linspace(-1.0, 1.0, s, dtype=np.float32)
    v, u = (a.reshape(-1) for a in np.meshgrid(coords, coords, indexing='ij'))
    safe = np.maximum(mass, 1e-6)
    mu, mv = (p @ u) / safe, (p @ v) / safe
    spread = np.sqrt(
        np.maximum((p @ (u * u)) / safe - mu * mu + (p @ (v * v)) / safe - mv * mv, 0)
    )
    seen = (mass > 0.5).astype(np.float32)
    features = np.stack((mass / (s * s) * 100.0, seen, mu * seen, mv * seen, spread * seen), -1)
    return features.reshape(b, k * BLOB).astype(np.float32)


def head_inputs(blob: FloatArray, agent_pos: FloatArray) -> FloatArray:
    """Return the geometry head's inputs: both cameras' blobs and the TCP position (m)."""
    return np.concatenate((blob, agent_pos[:, TCP]), axis=1).astype(np.float32)


class Head:
    """A 2-hidden-layer tanh MLP, standardised inputs and outputs."""

    def __init__(self, params: Mapping[str, FloatArray]) -> None:
        self.p = {k: np.asarray(v, np.float32) for k, v in params.items()}

    def __call__(self, x: FloatArray) -> FloatArray:
        """Return the outputs (in their units) of inputs x (B, n)."""
        p = self.p
        h = np.tanh(((x - p['x_mean']) / p['x_std']) @ p['w1'] + p['b1'])
        h = np.tanh(h @ p['w2'] + p['b2'])
        return (h @ p['w3'] + p['b3']) * p['y_std'] + p['y_mean']


def _forward(p: dict[str, Any], x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    h1 = np.tanh(x @ p['w1'] + p['b1'])
    h2 = np.tanh(h1 @ p['w2'] + p['b2'])
    return h1, h2, h2 @ p['w3'] + p['b3']


def _gradients(p: dict[str, Any], x: FloatArray, y: FloatArray) -> dict[str, FloatArray]:
    h1, h2, out = _forward(p, x)
    d3 = 2.0 * (out - y) / len(x)
    d2 = (d3 @ p['w3'].T) * (1 - h2 * h2)
    d1 = (d2 @ p['w2'].T) * (1 - h1 * h1)
    return {
        'w3': h2.T @ d3,
        'b3': d3.sum(0),
        'w2': h1.T @ d2,
        'b2': d2.sum(0),
        'w1': x.T @ d1,
        'b1': d1.sum(0),
    }


def fit_head(x: FloatArray, y: FloatArray, settings: Mapping[str, Any], rng: Any) -> Head:
    """Fit the MLP head with Adam on minibatches; return it."""
    x_mean, x_std = x.mean(0), x.std(0) + 1e-6
    y_mean, y_std = y.mean(0), y.std(0) + 1e-6
    xs, ys = (x - x_mean) / x_std, (y - y_mean) / y_std
    width, (n, d) = settings['hidden'], x.shape
    p = {
        'w1': rng.normal(0, 1 / np.sqrt(d), (d, width)),
        'b1': np.zeros(width),
        'w2': rng.normal(0, 1 / np.sqrt(width), (width, width)),
        'b2': np.zeros(width),
        'w3': rng.normal(0, 1 / np.sqrt(width), (width, y.shape[1])),
        'b3': np.zeros(y.shape[1]),
    }
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    steps = settings['head_steps']
    for t in range(1, steps + 1):
        rows = rng.integers(0, n, settings['batch_size'])
        rate = settings['learning_rate'] * 0.5 * (1 + np.cos(np.pi * t / steps))
        for k, g in _gradients(p, xs[rows], ys[rows]).items():
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            p[k] -= rate * (m[k] / (1 - 0.9**t)) / (np.sqrt(v[k] / (1 - 0.999**t)) + 1e-8)
    return Head(dict(p, x_mean=x_mean, x_std=x_std, y_mean=y_mean, y_std=y_std))


class Encoder:
    """A fitted encoder: (pixels, agent_pos) -> the cube position (m) the cameras show."""

    size = SIZE

    def __init__(self, classifier: FloatArray, head: Head, manifest: Mapping[str, Any]) -> None:
        self.classifier, self.head, self.manifest = classifier, head, dict(manifest)
        self.tables = np.stack([colour_table(w) for w in classifier])
        self.cameras = list(manifest['cameras'])
        self.image_size = int(manifest['image_size'])
        self.input_size = int(manifest['settings']['input_size'])

    def predict(self, images: npt.NDArray[np.uint8], agent_pos: FloatArray) -> FloatArray:
        """Return the cube positions of frames (B, cameras, s, s, 3) with their agent_pos."""
        return self.head(head_inputs(blobs(images, self.tables), agent_pos))

    def __call__(self, pixels: Mapping[str, Any], agent_pos: FloatArray) -> FloatArray:
        """Return the cube position (m) one observation's pixels show (refused if not ours)."""
        frame = encoder_input(pixels, self.cameras, self.image_size, self.input_size)
        return self.predict(frame[None], np.asarray(agent_pos, np.float32)[None])[0]

    def arrays(self) -> dict[str, FloatArray]:
        """Return the encoder's parameters (to keep as .npz)."""
        return dict(classifier=self.classifier, **self.head.p)

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Any], manifest: Mapping[str, Any]) -> 'Encoder':
        """Return the encoder of arrays() and its manifest."""
        head = Head({k: v for k, v in arrays.items() if k != 'classifier'})
        return cls(np.asarray(arrays['classifier'], np.float32), head, manifest)


def fit(frames: Mapping[str, Any], manifest: Mapping[str, Any]) -> tuple[Encoder, dict]:
    """Fit both stages on labelled frames; return the encoder and what fitting took."""
    settings = manifest['settings']
    rng = np.random.default_rng(settings['seed'])
    started = time.monotonic()
    images, masks = frames['images'], frames['masks']
    classifier = np.stack(
        [
            fit_classifier(images[:, k], masks[:, k], settings['pixel_samples'], rng)
            for k in range(images.shape[1])
        ]
    )
    tables = np.stack([colour_table(w) for w in classifier])
    x = head_inputs(blobs(images, tables), frames['agent_pos'])
    head = fit_head(x, frames['labels'][:, :SIZE], settings, rng)
    return Encoder(classifier, head, manifest), {
        'fit_seconds': round(time.monotonic() - started, 1)
    }
