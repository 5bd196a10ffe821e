# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What end-to-end CNN SAC from both cameras costs on this machine: the route the pixel runs drop.

Stable-Baselines3's SAC with its own `MultiInputPolicy` (NatureCNN per camera, shared by actor
and critics as SB3 builds it, the MLP as the state route's: 256 wide) on an env with the pixel
task's spaces (two 128x128x3 uint8 cameras + agent_pos; random images, so only the learner is
measured), batch 256, one update per env step as the state route. Prints and writes (--out)
updates/s, the buffer's bytes per transition and the process's peak memory; env steps/s of the
pixel task itself are bench_env-style figures measured by the runs. Run in the SB3 venv:
`source scripts/venv_env.sh .venv-sb3; python bench/bench_pixel_sac_cost.py --updates 20
--buffer 1000 --out bench/results/pixel_sac_cost.json`.
"""

import argparse
import json
from pathlib import Path
import resource
import time

import gymnasium as gym
import numpy as np
from stable_baselines3 import SAC
import torch

IMAGE = gym.spaces.Box(0, 255, (128, 128, 3), np.uint8)


class PixelSpaces(gym.Env):
    """The pixel task's spaces, random observations: the learner's cost alone."""

    def __init__(self):
        self.observation_space = gym.spaces.Dict(
            {
                'agent_pos': gym.spaces.Box(-np.inf, np.inf, (18,), np.float32),
                'front': IMAGE,
                'wrist': IMAGE,
            }
        )
        self.action_space = gym.spaces.Box(-1.0, 1.0, (4,), np.float32)

    def reset(self, *, seed=None, options=None):
        """Return a random observation."""
        super().reset(seed=seed)
        return self.observation_space.sample(), {}

    def step(self, action):
        """Return a random observation, reward 0, never ending."""
        return self.observation_space.sample(), 0.0, False, False, {}


def main(argv=None):
    """Time `--updates` SAC updates of batch 256 after filling the buffer; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--updates', type=int, default=30)
    parser.add_argument('--buffer', type=int, default=2000)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--out', type=Path)
    options = parser.parse_args(argv)
    torch.set_num_threads(options.threads)
    model = SAC(
        'MultiInputPolicy',
        PixelSpaces(),
        batch_size=256,
        buffer_size=options.buffer,
        learning_starts=options.buffer,
        policy_kwargs={'net_arch': [256, 256]},
        device='cpu',
        seed=0,
    )
    model.learn(total_timesteps=options.buffer, log_interval=None)  # fill, no updates yet
    started = time.monotonic()
    model.train(gradient_steps=options.updates, batch_size=256)
    seconds = time.monotonic() - started
    per_transition = sum(
        a.nbytes // options.buffer
        for buffers in (model.replay_buffer.observations, model.replay_buffer.next_observations)
        for a in buffers.values()
    )
    result = {
        'updates_per_s': round(options.updates / seconds, 3),
        'seconds_per_update': round(seconds / options.updates, 3),
        'torch_threads': options.threads,
        'parameters': int(sum(p.numel() for p in model.policy.parameters())),
        'buffer_bytes_per_transition': int(per_transition),
        'buffer_gib_for_300k_transitions': round(per_transition * 300_000 / 2**30, 1),
        'peak_rss_mib': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        'buffer_transitions': options.buffer,
    }
    print(json.dumps(result, indent=2))
    if options.out:
        options.out.write_text(json.dumps(result, indent=2) + '\n')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
