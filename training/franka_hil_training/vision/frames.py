# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Labelled frames for the pixel encoder: what the cameras see, and what the simulator knows.

Runs where the simulator is (the workspace's venv: MuJoCo, franka_hil_sim), as
`python -m franka_hil_training.vision.frames OUT.npz --frames N --seed S --input-size 64`; the
training venv calls it through workspace.run_in_workspace. Episodes of
franka_hil/PandaPickCubePixelsRandom-v0 (a random cube each) are driven by the scripted expert
with a per-episode amount of random action noise, so frames show the arm far from, above, at and
holding the cube. Each frame: both cameras averaged down to --input-size (encoder_input), the
labels the simulator knows, LABELS (m): the cube's position, the TCP's, the fingers' opening,
and each camera's cube mask (the share of each pixel that is cube: the frame rendered again
with the cube invisible, the pixels that changed). The labels are for pretraining only; no
policy ever sees them.
"""

import argparse
import sys
import time
from typing import Any, cast

from franka_hil_common.observation import AGENT_POS_SIZE, CAMERAS, GRIPPER, GRIPPER_SCALE
from franka_hil_common.observation import IMAGE_SIZE, TCP
from franka_hil_sim.core import robot
from franka_hil_sim.core.scene_id import scene_hash
from franka_hil_training.vision.manifest import encoder_input
import gymnasium as gym
import numpy as np
import numpy.typing as npt

ENV_ID = 'franka_hil/PandaPickCubePixelsRandom-v0'
LABELS = ('cube_x', 'cube_y', 'cube_z', 'tcp_x', 'tcp_y', 'tcp_z', 'finger_opening')
EPISODE_STEPS = 60  # long enough to lift the cube and hold it up


def labels(sim: Any) -> npt.NDArray[np.float32]:
    """Return LABELS of the simulator's current state."""
    fingers = float(np.sum(sim.joint_positions()[7:]))
    return np.concatenate((sim.block_pos, sim.tcp_pos, (fingers,))).astype(np.float32)


def cube_masks(sim: Any, images: dict[str, Any], input_size: int) -> npt.NDArray[np.float32]:
    """Return each camera's share of cube per pixel, (cameras, s, s): `images` less the cube."""
    with robot.cube_hidden(sim.model):
        # no stamp: the scene is rebuilt with the cube invisible
        hidden = {camera: sim._renderer.render(sim.data, camera) for camera in CAMERAS}
    factor = IMAGE_SIZE // input_size
    masks = np.empty((len(CAMERAS), input_size, input_size), np.float32)
    for k, camera in enumerate(CAMERAS):
        changed = np.any(images[camera] != hidden[camera], axis=-1)
        masks[k] = changed.reshape(input_size, factor, input_size, factor).mean(axis=(1, 3))
    return masks


def _noisy(action: npt.NDArray[np.float32], noise: float, rng: np.random.Generator) -> Any:
    if rng.random() < noise:
        action = rng.uniform((-1, -1, -1, 0), (1, 1, 1, 2)).astype(np.float32)
        action[3] = np.round(action[3])
    return action


def render_frames(count: int, seed: int, input_size: int) -> dict[str, Any]:
    """Return {'images': (count, cameras, s, s, 3) uint8, 'labels': (count, 7), 'masks'...}."""
    import franka_hil_sim  # noqa: F401  (registers the ids)
    from franka_hil_teleop.expert import PickCubeExpert

    env = gym.make(ENV_ID)
    sim = cast(Any, env.unwrapped).sim  # the PickCubeSim: its labels are what it knows
    rng = np.random.default_rng(seed)
    expert = PickCubeExpert()
    images = np.empty((count, len(CAMERAS), input_size, input_size, 3), np.uint8)
    targets = np.empty((count, len(LABELS)), np.float32)
    masks = np.empty((count, len(CAMERAS), input_size, input_size), np.float32)
    agent_pos = np.empty((count, AGENT_POS_SIZE), np.float32)
    n, episode = 0, 0
    while n < count:
        obs, _ = env.reset(seed=seed * 100_000 + episode)
        expert.reset()
        noise = rng.choice((0.0, 0.1, 0.3, 0.6))
        for _ in range(EPISODE_STEPS):
            images[n] = encoder_input(obs['pixels'], CAMERAS, IMAGE_SIZE, input_size)
            targets[n] = labels(sim)
            masks[n] = cube_masks(sim, obs['pixels'], input_size)
            agent_pos[n] = obs['agent_pos']
            n += 1
            if n == count:
                break
            agent = obs['agent_pos']
            action = expert.act(agent[TCP], sim.block_pos, agent[GRIPPER] / GRIPPER_SCALE)
            obs, _, terminated, truncated, _ = env.step(_noisy(action, noise, rng))
            if terminated or truncated:
                break
        episode += 1
    env.close()
    return {
        'images': images,
        'labels': targets,
        'masks': masks,
        'agent_pos': agent_pos,
        'episodes': episode,
    }


def main(argv: list[str] | None = None) -> int:
    """Render --frames labelled frames into OUT.npz (with the scene hash they were made of)."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('out', help='the .npz file to write')
    parser.add_argument('--frames', type=int, required=True)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--input-size', type=int, default=64)
    options = parser.parse_args(argv)
    started = time.monotonic()
    frames = render_frames(options.frames, options.seed, options.input_size)
    np.savez(
        options.out,
        scene_hash=scene_hash(),
        cameras=np.array(CAMERAS),
        label_names=np.array(LABELS),
        render_seconds=time.monotonic() - started,
        **frames,
    )
    print(
        f'[frames] {options.frames} frames of {frames["episodes"]} episodes in '
        f'{time.monotonic() - started:.1f} s -> {options.out}',
        flush=True,
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
