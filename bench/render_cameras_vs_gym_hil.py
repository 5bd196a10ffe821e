# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Our two cameras and gym-hil's, side by side at the same moment, into one PNG.

    bash scripts/with_env.sh python bench/render_cameras_vs_gym_hil.py [--seed 0] [--steps 0]

Both PandaPickCubeBase-v0 envs (image_obs) are reset with the same seed (cube at the same place,
robot at home) and given the same base actions for --steps steps (the TCP target moves down
towards the cube by 2.5 cm a step). Ours renders here; gym-hil runs in .venv-bench's python (it
needs MuJoCo < 3.9; bench/run_env_bench.sh creates that venv) as a worker process of this very
file. The picture (rows: ours, gym-hil; columns: front, wrist; pixels enlarged --scale times,
unfiltered) goes to docs/cameras_vs_gym_hil.png; the cube pixel counts are printed.
"""

import argparse
import os
from pathlib import Path
import subprocess
import sys
import tempfile

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
IDS = {'ours': 'franka_hil/PandaPickCubeBase-v0', 'gym-hil': 'gym_hil/PandaPickCubeBase-v0'}


def actions(steps):
    """Return the base actions both envs get: TCP target 2.5 cm down a step, gripper open."""
    action = np.zeros(7, dtype=np.float32)
    action[2] = -0.025
    return [action.copy() for _ in range(steps)]


def frames(which, seed, steps):
    """Return (front, wrist) images of env `which` after reset(seed) and `steps` actions."""
    import gymnasium as gym

    if which == 'ours':
        import franka_hil_sim  # noqa: F401  (registers the ids)
    else:
        import gym_hil  # noqa: F401
    env = gym.make(IDS[which], image_obs=True)
    obs, _ = env.reset(seed=seed)
    for action in actions(steps):
        obs, *_ = env.step(action)
    env.close()
    return obs['pixels']['front'], obs['pixels']['wrist']


def gym_hil_frames(python, seed, steps):
    """Run frames('gym-hil', ...) in `python` (a venv with gym-hil) and return its images."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ('PYTHONPATH', 'AMENT_PREFIX_PATH', 'VIRTUAL_ENV')
    }
    env.setdefault('MUJOCO_GL', 'egl')
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / 'frames.npz'
        done = subprocess.run(
            [python, __file__, '--worker', str(out), '--seed', str(seed), '--steps', str(steps)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f'gym-hil worker failed:\n{done.stderr[-2000:]}')
        with np.load(out) as saved:
            return saved['front'], saved['wrist']


def cube_pixels(image):
    """Pixels of the cube (red here, pink in gym-hil): red well above green."""
    image = image.astype(int)
    return int(((image[..., 0] > 100) & (image[..., 0] - image[..., 1] > 60)).sum())


def compose(rows, scale):
    """Return a PIL image: one labelled row of (front, wrist) per (label, images) entry."""
    from PIL import Image, ImageDraw

    label_h, gap = 22, 6
    tile = rows[0][1][0].shape[0] * scale
    width = 2 * tile + gap
    canvas = Image.new(
        'RGB', (width, len(rows) * (label_h + tile) + (len(rows) - 1) * gap), (255, 255, 255)
    )
    draw = ImageDraw.Draw(canvas)
    y = 0
    for label, images in rows:
        draw.text((4, y + 5), label, fill=(0, 0, 0))
        for col, image in enumerate(images):
            big = np.ascontiguousarray(image).repeat(scale, axis=0).repeat(scale, axis=1)
            canvas.paste(Image.fromarray(big), (col * (tile + gap), y + label_h))
        y += label_h + tile + gap
    return canvas


def main():
    """Render both, compose, write the PNG (or, with --worker, save gym-hil's frames)."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--steps', type=int, default=0, help='actions after the reset')
    parser.add_argument('--scale', type=int, default=3, help='pixel enlargement')
    parser.add_argument('--gym-hil-python', default=str(ROOT / '.venv-bench' / 'bin' / 'python'))
    parser.add_argument('--out', default=str(ROOT / 'docs' / 'cameras_vs_gym_hil.png'))
    parser.add_argument('--worker', metavar='NPZ', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        front, wrist = frames('gym-hil', args.seed, args.steps)
        np.savez(args.worker, front=front, wrist=wrist)
        return 0
    if not Path(args.gym_hil_python).is_file():
        raise SystemExit(
            f'no gym-hil python at {args.gym_hil_python}: create .venv-bench with '
            '`python3 -m venv .venv-bench && .venv-bench/bin/pip install -r '
            'bench/requirements.txt` (bench/run_env_bench.sh does the same)'
        )
    ours = frames('ours', args.seed, args.steps)
    theirs = gym_hil_frames(args.gym_hil_python, args.seed, args.steps)
    moment = f'seed {args.seed}, {args.steps} steps'
    rows = [
        (f'franka-hil: front | wrist  ({moment})', ours),
        (f'gym-hil 0.1.14: front | handcam_rgb  ({moment})', theirs),
    ]
    for label, (front, wrist) in rows:
        print(
            f'{label.split(":")[0]}: cube covers {cube_pixels(front)} px of the front view, '
            f'{cube_pixels(wrist)} px of the wrist view'
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    compose(rows, args.scale).save(out, optimize=True)
    print(f'wrote {out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
