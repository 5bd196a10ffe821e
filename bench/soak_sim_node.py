# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Soak: many lockstep steps through the graph env against one sim_node; its memory over the run.

Prints the sim node's resident memory after a warm-up and at the end (growth per 10,000 steps)
and the step rate. Usage: bash scripts/with_env.sh python bench/soak_sim_node.py [--steps N]
"""

import argparse
import os
from pathlib import Path
import time

from ros_bench import ee_action_stream, SimProcess  # noqa: I100 (sets the DDS environment)
import franka_hil_gym_bridge  # noqa: F401,I100
import gymnasium as gym

WARM_UP_STEPS = 1000


def rss_mb(pid):
    """Resident set size of a process (MB, from /proc)."""
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f'no VmRSS for process {pid}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--steps', type=int, default=50_000, help='steps after the warm-up')
    options = parser.parse_args()
    ns = f'/soak_{os.getpid()}'
    sim = SimProcess(ns, random_block_position=True)
    try:
        env = gym.make(
            'franka_hil_ros/PandaPickCube-v0',
            namespace=ns,
            random_block_position=True,
            connect_timeout=60.0,
        )
        actions = ee_action_stream(0)
        env.reset(seed=0)
        done, start, first = 0, None, None
        while done < WARM_UP_STEPS + options.steps:
            _, _, terminated, truncated, _ = env.step(next(actions))
            done += 1
            if terminated or truncated:
                env.reset()
            if done == WARM_UP_STEPS:
                first, start = rss_mb(sim.proc.pid), time.monotonic()
        elapsed = time.monotonic() - start
        last = rss_mb(sim.proc.pid)
        env.close()
    finally:
        sim.stop()
    growth = (last - first) * 10_000 / options.steps
    print(
        f'sim_node RSS after {WARM_UP_STEPS} warm-up steps {first:.1f} MB, after '
        f'{options.steps} more {last:.1f} MB: {last - first:+.1f} MB ({growth:+.2f} MB per '
        f'10,000 steps); {options.steps / elapsed:.0f} steps/s'
    )


if __name__ == '__main__':
    main()
