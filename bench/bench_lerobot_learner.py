# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
CPU cost of one LeRobot (>= 0.5) HIL-SERL learner step, without the actor, the graph or gRPC.

`python bench/bench_lerobot_learner.py out/train-.../config.json [--steps 300]` in the LeRobot
venv (on Debian 12: inside the Debian 13 root, scripts/lerobot_route.sh). Builds the learner's
pieces as `lerobot.rl.learner` does (policy, SAC algorithm, pre-processor, the run's
demonstrations as offline buffer, LeRobot's data mixer and RLTrainer), the demonstrations also
standing in for the online buffer, then times on one thread:
- `trainer.training_step()`, the learner's loop body (sampling in LeRobot's prefetch thread,
  normalisation, utd_ratio critic updates, actor, temperature);
- `algorithm.update()` on batches sampled and normalised before (the networks alone);
- sampling + normalising one batch (LeRobot's mixer and pre-processor).
Prints one JSON line: CPU ms and wall ms per step of each, and the settings.
"""

import argparse
import json
from pathlib import Path
import sys
import tempfile
import time


def load_config(path, output_dir):
    """Return the run's TrainRLServerPipelineConfig, parsed as the learner parses it."""
    from lerobot.configs import parser
    from lerobot.rl.train_rl import TrainRLServerPipelineConfig

    holder = {}

    @parser.wrap()
    def grab(cfg: TrainRLServerPipelineConfig):
        holder['cfg'] = cfg

    sys.argv = [
        sys.argv[0],
        '--config_path',
        str(path),
        '--env.discover_packages_path=franka_hil_gym_bridge',
        f'--output_dir={output_dir}',
    ]
    grab()
    cfg = holder['cfg']
    cfg.validate()
    return cfg


def build(cfg):
    """Return (trainer, algorithm, iterator): the learner's pieces, demonstrations as data."""
    from lerobot.policies.factory import make_policy, make_pre_post_processors
    from lerobot.rl.algorithms.factory import make_algorithm
    from lerobot.rl.data_sources import OnlineOfflineMixer
    from lerobot.rl.learner import initialize_offline_replay_buffer
    from lerobot.rl.trainer import RLTrainer

    policy = make_policy(cfg=cfg.policy, env_cfg=cfg.env)
    policy.train()
    algorithm = make_algorithm(cfg=cfg.algorithm, policy=policy)
    preprocessor, _ = make_pre_post_processors(
        policy_cfg=cfg.policy, dataset_stats=cfg.policy.dataset_stats
    )
    demos = initialize_offline_replay_buffer(cfg=cfg, device='cpu', storage_device='cpu')
    mixer = OnlineOfflineMixer(
        online_buffer=demos, offline_buffer=demos, online_ratio=cfg.online_ratio
    )
    trainer = RLTrainer(
        algorithm=algorithm, data_mixer=mixer, batch_size=cfg.batch_size, preprocessor=preprocessor
    )
    return trainer, algorithm


def timed(function, steps):
    """Return (CPU ms, wall ms) per call of function() over `steps` calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(steps):
        function()
    return (
        round(1000 * (time.process_time() - cpu) / steps, 2),
        round(1000 * (time.perf_counter() - wall) / steps, 2),
    )


def main(argv=None):
    """Time the three parts; print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('config', type=Path, help="a training run's config.json")
    parser.add_argument('--steps', type=int, default=300)
    options = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as output_dir:
        cfg = load_config(options.config.resolve(), Path(output_dir) / 'train')
        trainer, algorithm = build(cfg)
        timed(trainer.training_step, 20)  # warm up (and start the prefetch thread)
        step = timed(trainer.training_step, options.steps)
        batches = [next(trainer._iterator) for _ in range(algorithm.config.utd_ratio * 50)]
        sample = timed(lambda: next(trainer._iterator), 50)
        update = timed(lambda: algorithm.update(iter(batches)), 50)
    print(
        json.dumps(
            {
                'training_step_ms_cpu_wall': step,
                'update_only_ms_cpu_wall': update,
                'sample_and_normalise_batch_ms_cpu_wall': sample,
                'batch_size': cfg.batch_size,
                'utd_ratio': algorithm.config.utd_ratio,
                'hidden_dims': cfg.policy.actor_network_kwargs.hidden_dims,
                'torch_threads': torch.get_num_threads(),
            }
        )
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
