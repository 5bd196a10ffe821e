# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Where a step of the SB3 pixel training loop goes: SB3's serial loop against the overlapped one.

The loop of `scripts/train_hil_sb3.sh --pixels`: the pixel encoder (out/encoders, pretrained now
if none), --demos demonstrations through the graph (always-on synthetic human: the bounds and
the demo buffer), then SB3's SAC with HilReplayBuffer on the graph-backed
franka_hil_ros/PandaPickCubePixelsRandom-v0 with the sparing corrective human, the run's
settings (configs/sb3_sac.yaml). Each variant (plain SAC: step then update; OverlappedSAC: the
update in a worker thread during the next step) learns from a fresh model on the same env for
--warmup steps past the first update, then --steps measured steps; --rounds alternates them,
so a loaded machine slows both alike. Printed per variant (median over rounds): env steps/s,
updates/s and the milliseconds per loop step in: act (predict), env.step (of which the graph
round trip and the encoder), the loop's train() call (serial: the update; overlapped: waiting
for it), the update itself (in the worker) and the rest (SB3, buffer, callback); then the ratio
overlapped / serial, and the CPU milliseconds per env step of this process and of each process
the env launched (the graph: sim node, synthetic human, teleop). Compare the variants by their
ratio: absolute times depend on the machine's load (printed with them).
Run in the SB3 venv: `source scripts/venv_env.sh .venv-sb3; OMP_NUM_THREADS=1 python
bench/bench_pixel_loop.py [--steps 600] [--rounds 2] [--json bench/results/pixel_loop.json]`.
"""

import argparse
import json
import os
from pathlib import Path
import statistics
import tempfile
import time

from franka_hil_training import run
from franka_hil_training.sb3 import train
from franka_hil_training.sb3.envs import make_env, observation_bounds, record_demos
from franka_hil_training.sb3.overlapped import OverlappedSAC
from franka_hil_training.vision.pretrain import encoder_for_run
from franka_hil_training.workspace import ROOT
from stable_baselines3 import SAC
from stable_baselines3.common.callbacks import BaseCallback
import torch

VARIANTS = {'serial': SAC, 'overlapped': OverlappedSAC}
PARTS = ('act', 'env', 'graph', 'encoder', 'train_call', 'update', 'other')


class Clock:
    """Seconds spent in wrapped callables, by name, since the last reset."""

    def __init__(self):
        self.seconds = {}

    def wrap(self, name, function):
        """Return `function` timed under `name`."""

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

        return timed


def cpu_seconds():
    """Return CPU seconds (user + system) so far of this process and each of its descendants."""
    tick = os.sysconf('SC_CLK_TCK')
    stats = {}
    for entry in Path('/proc').iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / 'stat').read_text()
            except OSError:
                continue
            name, fields = (
                text[text.index('(') + 1 : text.rindex(')')],
                text.split(')')[-1].split(),
            )
            stats[int(entry.name)] = (
                name,
                int(fields[1]),
                (int(fields[11]) + int(fields[12])) / tick,
            )
    seconds, family = {}, {os.getpid()}
    for pid in sorted(stats):  # children have higher pids than their parents here
        name, parent, used = stats[pid]
        if pid in family or parent in family:
            family.add(pid)
            key = 'this process' if pid == os.getpid() else name
            seconds[key] = seconds.get(key, 0.0) + used
    return seconds


class Window(BaseCallback):
    """Stop after warm-up + measured steps; note the clock and counters at the window's ends."""

    def __init__(self, start, steps, clock):
        super().__init__()
        self.start, self.end, self.clock = start, start + steps, clock
        self.marks = {}

    def _on_step(self):
        if self.num_timesteps in (self.start, self.end):
            self.marks[self.num_timesteps] = (
                time.perf_counter(),
                self.model._n_updates,
                dict(self.clock.seconds),
                getattr(self.model, 'update_seconds', None),
                cpu_seconds(),
            )
        return self.num_timesteps < self.end


def instrument(env, clock):
    """Time the env's step, its graph round trip and its encoder (the run's wrappers)."""
    layer = env
    while not hasattr(layer, 'encoder'):  # Normalized -> EncodedPixels
        layer = layer.env
    layer.observation = clock.wrap('encoder', layer.observation)
    paced = layer.env
    paced.env.step = clock.wrap('graph', paced.env.step)
    env.step = clock.wrap('env', env.step)


def measure(variant, options, env, demos, bounds, clock):
    """Learn with one variant for warm-up + measured steps; return its figures."""
    model = train.make_model(options, env, demos, bounds, VARIANTS[variant])
    model.predict = clock.wrap('act', model.predict)
    model.train = clock.wrap('train_call', model.train)
    start = options.learning_starts + options.warmup
    window = Window(start, options.steps, clock)
    model.learn(total_timesteps=10**9, callback=window, log_interval=None)
    (t0, u0, c0, w0, p0), (t1, u1, c1, w1, p1) = window.marks[start], window.marks[window.end]
    elapsed, steps = t1 - t0, options.steps
    ms = {k: 1000.0 * (c1.get(k, 0.0) - c0.get(k, 0.0)) / steps for k in PARTS}
    ms['update'] = 1000.0 * (w1 - w0) / steps if w0 is not None else ms['train_call']
    ms['other'] = 1000.0 * elapsed / steps - ms['act'] - ms['env'] - ms['train_call']
    return {
        'env_steps_per_s': steps / elapsed,
        'updates_per_s': (u1 - u0) / elapsed,
        'ms_per_step': ms,
        'cpu_ms_per_step': {
            k: round(1000.0 * (v - p0.get(k, 0.0)) / steps, 2) for k, v in p1.items()
        },
        'load_average': os.getloadavg()[0],
    }


def setup(options):
    """Return the env the run trains on, the demonstrations and the bounds."""
    encoder, _ = encoder_for_run(options.encoder_cache)
    summary = {}
    demos, successes, _ = record_demos(options.demos, 0, options.fps, 0, encoder)
    bounds = observation_bounds([d[0] for d in demos] + [demos[-1][1]])
    out = Path(tempfile.mkdtemp(prefix='bench_pixel_loop_'))
    parameters = run.graph_parameters(options, out, summary)
    env = make_env(
        '/bench_pixel_loop', 'script', options.fps, 'corrective', parameters, 0, bounds, encoder
    )
    print(f'[bench] {len(demos)} demonstration frames ({successes} succeeded)', flush=True)
    return env, demos, bounds


def report(results):
    """Print the medians per variant, and overlapped / serial."""
    medians = {}
    for variant, rounds in results.items():
        medians[variant] = {
            key: statistics.median(r[key] for r in rounds)
            for key in ('env_steps_per_s', 'updates_per_s', 'load_average')
        }
        medians[variant]['ms_per_step'] = {
            k: statistics.median(r['ms_per_step'][k] for r in rounds) for k in PARTS
        }
    print('variant     steps/s updates/s ' + ' '.join(f'{k:>10}' for k in PARTS) + '  load')
    for variant, m in medians.items():
        print(
            f'{variant:<11} {m["env_steps_per_s"]:7.1f} {m["updates_per_s"]:9.1f} '
            + ' '.join(f'{m["ms_per_step"][k]:10.1f}' for k in PARTS)
            + f'  {m["load_average"]:.1f}'
        )
    for variant, rounds in results.items():
        print(
            f'{variant} CPU ms per env step by process (last round):',
            rounds[-1]['cpu_ms_per_step'],
        )
    ratio = medians['overlapped']['env_steps_per_s'] / medians['serial']['env_steps_per_s']
    print(f'overlapped / serial env steps/s: {ratio:.2f}x')
    return {'medians': medians, 'overlapped_over_serial': ratio, 'rounds': results}


def main(argv=None):
    """Measure the variants alternately (--rounds); print, and write --out."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--steps', type=int, default=600, help='measured steps per round')
    parser.add_argument('--warmup', type=int, default=50, help='steps after the first update')
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--demos', type=int, default=2)
    parser.add_argument('--seed', type=int, default=0, help="SAC's seed")
    parser.add_argument('--encoder-cache', type=Path, default=ROOT / 'out' / 'encoders')
    parser.add_argument('--json', type=Path, help='write the figures here')
    run.add_options(parser, train.SETTINGS)
    options = parser.parse_args(argv)
    torch.set_num_threads(1)
    env, demos, bounds = setup(options)
    clock = Clock()
    instrument(env, clock)
    results = {variant: [] for variant in VARIANTS}
    try:
        for _ in range(options.rounds):
            for variant in VARIANTS:
                results[variant].append(measure(variant, options, env, demos, bounds, clock))
                print(f'[bench] {variant}: {json.dumps(results[variant][-1])}', flush=True)
    finally:
        env.close()
    figures = report(results)
    if options.json:
        figures['options'] = vars(options)
        options.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == '__main__':
    main()
