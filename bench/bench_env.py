# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Env step rates: our franka_hil/ envs against gym-hil, and against our own physics ceiling.

Run `bash bench/run_env_bench.sh` (it installs gym-hil 0.1.14 into .venv-bench once). gym-hil
runs in a worker process of that venv; ours runs here. The two are measured alternately, round
after round, with the same seeded action stream (gym-hil's 7-D base action as the EE wrapper
makes it: xyz x 0.025 m, grasp in {-1, 0, 1}), resetting at episode ends, so a loaded machine
slows both alike. Printed are medians over the rounds and their ratios:
  state steps/s ours / gym-hil (goal >= 5x), image steps/s (goal >= 15x and >= 60 steps/s),
  ours / physics ceiling, the ceiling being raw mj_step x substeps from the very states our env
  steps from, timed alternately with each env step (goal >= 0.7).
Each measurement runs for --seconds of wall time (at least --min-steps steps).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

BASE_IDS = {'ours': 'franka_hil/PandaPickCubeBase-v0', 'gym-hil': 'gym_hil/PandaPickCubeBase-v0'}


def action_stream(seed):
    """Yield the benchmark's 7-D base actions."""
    rng = np.random.default_rng(seed)
    while True:
        action = np.zeros(7, dtype=np.float32)
        action[:3] = rng.uniform(-1.0, 1.0, 3) * 0.025
        action[6] = rng.integers(-1, 2)
        yield action


def measure(env, seconds, min_steps, seed, record=None):
    """Step `env` for about `seconds`; return steps per second."""
    env.reset(seed=seed)
    actions = action_stream(seed)
    env.step(next(actions))  # warm-up (the first frame creates a GL context)
    steps, start = 0, time.perf_counter()
    while steps < min_steps or time.perf_counter() - start < seconds:
        if record is not None:
            record(env)
        _, _, terminated, truncated, _ = env.step(next(actions))
        steps += 1
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def make_envs(name):
    """Make the state and image envs of one implementation."""
    import gymnasium as gym

    if name == 'ours':
        import franka_hil_sim  # noqa: F401  (registers the ids)
    else:
        import gym_hil  # noqa: F401
    return {
        mode: gym.make(BASE_IDS[name], image_obs=(mode == 'image')) for mode in ('state', 'image')
    }


def worker():
    """Serve measurement requests (JSON lines) for gym-hil in the bench venv."""
    envs = make_envs('gym-hil')
    print(json.dumps({'ready': True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        rate = measure(
            envs[request['mode']], request['seconds'], request['min_steps'], request['seed']
        )
        print(json.dumps({'rate': rate}), flush=True)


class Baseline:
    """gym-hil in its worker process."""

    def __init__(self, python):
        env = dict(os.environ)
        for key in ('PYTHONPATH', 'AMENT_PREFIX_PATH', 'VIRTUAL_ENV'):
            env.pop(key, None)
        self._proc = subprocess.Popen(
            [python, os.path.abspath(__file__), '--worker'],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._reply()

    def _reply(self):
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError('gym-hil worker died (see its error above)')
        return json.loads(line)

    def measure(self, mode, seconds, min_steps, seed):
        request = {'mode': mode, 'seconds': seconds, 'min_steps': min_steps, 'seed': seed}
        self._proc.stdin.write(json.dumps(request) + '\n')
        self._proc.stdin.flush()
        return self._reply()['rate']

    def close(self):
        self._proc.stdin.close()
        self._proc.wait(timeout=30)


def physics_ceiling(env, seconds, min_steps, seed):
    """
    Return (ceiling steps/s, ours / ceiling) for the state env, timed step by step.

    Before each env step the state is copied to a scratch MjData and raw mj_step x substeps is
    timed from it, so the physics and the env see the same states and the same machine load.
    """
    import mujoco

    sim = env.unwrapped.sim
    model, scratch = sim.model, mujoco.MjData(sim.model)
    spec = int(mujoco.mjtState.mjSTATE_INTEGRATION)
    state = np.empty(mujoco.mj_stateSize(model, spec))
    step, substeps = mujoco.mj_step, sim.substeps
    env.reset(seed=seed)
    actions = action_stream(seed)
    raw = ours = 0.0
    steps, start = 0, time.perf_counter()
    while steps < min_steps or time.perf_counter() - start < seconds:
        mujoco.mj_getState(model, sim.data, state, spec)
        mujoco.mj_setState(model, scratch, state, spec)
        tick = time.perf_counter()
        for _ in range(substeps):
            step(model, scratch)
        tock = time.perf_counter()
        _, _, terminated, truncated, _ = env.step(next(actions))
        ours += time.perf_counter() - tock
        raw += tock - tick
        steps += 1
        if terminated or truncated:
            env.reset()
    return steps / raw, raw / ours


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--baseline-python', help='python of a venv with gym-hil installed')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--seconds', type=float, default=3.0, help='per measurement')
    parser.add_argument('--min-steps', type=int, default=20)
    parser.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker()
    ours = make_envs('ours')
    baseline = None
    if args.baseline_python:
        try:
            baseline = Baseline(args.baseline_python)
        except (OSError, RuntimeError) as error:
            print(f'gym-hil baseline unavailable: {error}')
    else:
        print('gym-hil baseline unavailable (no --baseline-python): our numbers only')
    rates = {
        key: []
        for key in ('state', 'image', 'gym-hil state', 'gym-hil image', 'ceiling', 'ours/ceiling')
    }
    for round_ in range(args.rounds):
        seed = 1000 + round_
        for mode in ('state', 'image'):
            rates[mode].append(measure(ours[mode], args.seconds, args.min_steps, seed))
            if baseline is not None:
                rates[f'gym-hil {mode}'].append(
                    baseline.measure(mode, args.seconds, args.min_steps, seed)
                )
        ceiling, fraction = physics_ceiling(ours['state'], args.seconds, args.min_steps, seed)
        rates['ceiling'].append(ceiling)
        rates['ours/ceiling'].append(fraction)
        print(
            f'round {round_ + 1}/{args.rounds}: '
            + ', '.join(f'{key} {values[-1]:.2f}' for key, values in rates.items() if values),
            flush=True,
        )
    med = {key: statistics.median(values) for key, values in rates.items() if values}
    print(
        f'\nmedians over {args.rounds} alternating rounds (env steps/s, one control period '
        f'= {ours["state"].unwrapped.sim.substeps} physics steps):'
    )
    for mode, goal in (('state', 5.0), ('image', 15.0)):
        line = f'  {mode:5s}  ours {med[mode]:8.1f}'
        if f'gym-hil {mode}' in med:
            ratio = med[mode] / med[f'gym-hil {mode}']
            line += (
                f'   gym-hil {med[f"gym-hil {mode}"]:8.2f}   ratio {ratio:6.1f}x '
                f'(goal >= {goal:g}x)'
            )
        print(line)
    print(f'  image  ours {med["image"]:.1f} steps/s (goal >= 60)')
    print(
        f'  physics ceiling (raw mj_step x substeps from the same states, timed alongside) '
        f'{med["ceiling"]:.1f} steps/s; ours / ceiling {med["ours/ceiling"]:.2f} (goal >= 0.7)'
    )
    if baseline is not None:
        baseline.close()


if __name__ == '__main__':
    sys.exit(main())
