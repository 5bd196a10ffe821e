# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Learning curves of training runs (franka-hil-train-lerobot / -sb3): one CSV and one PNG.

`python bench/plot_hil_training.py --run 'HIL (corrective human)=out/train-hil'
--run 'no human (demos only)=out/train-nohuman' --out bench/results/hil_training`
reads each run's evals.csv, episodes.csv and summary.json and writes OUT.csv (every point,
long format) and OUT.png: the policy alone's success rate on held-out seeds and the
intervention rate per actor episode, against wall time and against env steps. Needs
matplotlib (any venv: `pip install matplotlib`).
"""

import argparse
import csv
import json
from pathlib import Path

import matplotlib
import numpy as np

COLUMNS = (
    'run',
    'kind',
    'wall_s',
    'env_steps',
    'learner_step',
    'success_rate',
    'mean_episode_length',
    'seeds',
    'episode',
    'intervention_rate',
    'actor_success',
)
SMOOTH = 10  # episodes in the intervention rate's moving average
TITLE = (
    'LeRobot 0.4.4 HIL-SERL (SAC, state + cube position) on the franka-hil graph, '
    '2 shared CPU cores'
)


def read_csv(path):
    """Return the rows of a CSV file as dicts of floats ([] if missing or empty)."""
    if not path.exists() or not path.read_text().strip():
        return []
    with open(path) as handle:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def load(name, folder):
    """Return the run's rows in COLUMNS."""
    summary = json.loads((folder / 'summary.json').read_text())
    rows = [
        {
            'run': name,
            'kind': 'eval',
            'wall_s': e['wall_s'],
            'env_steps': int(e['env_steps']),
            'learner_step': int(e['learner_step']),
            'success_rate': e['success_rate'],
            'mean_episode_length': e['mean_episode_length'],
            'seeds': int(e['seeds']),
        }
        for e in read_csv(folder / 'evals.csv')
    ]
    final = summary.get('final_eval')
    if final:
        rows.append(
            {
                'run': name,
                'kind': 'final_eval',
                'wall_s': summary['train_seconds'],
                'env_steps': summary['env_steps'],
                'learner_step': int(Path(final['checkpoint']).parent.name),
                'success_rate': final['success_rate'],
                'mean_episode_length': final['mean_episode_length'],
                'seeds': final['episodes'],
            }
        )
    rows += [
        {
            'run': name,
            'kind': 'episode',
            'wall_s': e['wall_s'],
            'env_steps': int(e['env_steps']),
            'episode': int(e['episode']),
            'intervention_rate': e['intervention_rate'],
            'actor_success': int(e['success']),
        }
        for e in read_csv(folder / 'episodes.csv')
    ]
    return rows


def plot(rows, names, path, title):
    """Draw the 2 x 2 figure."""
    matplotlib.use('Agg')  # no display
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 2, figsize=(12, 8), sharey='row')
    colours = {name: f'C{i % 10}' for i, name in enumerate(names)}  # matplotlib's cycle
    for column, (x, label) in enumerate(
        (('wall_s', 'wall time [min]'), ('env_steps', 'env steps'))
    ):
        scale = 60.0 if x == 'wall_s' else 1.0
        for name in names:
            evals = [r for r in rows if r['run'] == name and r['kind'] in ('eval', 'final_eval')]
            evals.sort(key=lambda r: r[x])
            if evals:
                axes[0, column].plot(
                    [r[x] / scale for r in evals],
                    [100 * r['success_rate'] for r in evals],
                    'o-',
                    color=colours[name],
                    label=name,
                )
                last = evals[-1]
                axes[0, column].annotate(
                    f'{100 * last["success_rate"]:.0f}% ({last["seeds"]})',
                    (last[x] / scale, 100 * last['success_rate']),
                    textcoords='offset points',
                    xytext=(4, 6),
                    color=colours[name],
                )
            episodes = [r for r in rows if r['run'] == name and r['kind'] == 'episode']
            if episodes:
                rate = np.array([100 * r['intervention_rate'] for r in episodes])
                smooth = (
                    np.convolve(rate, np.ones(SMOOTH) / SMOOTH, 'valid')
                    if len(rate) >= SMOOTH
                    else rate
                )
                xs = [r[x] / scale for r in episodes][len(rate) - len(smooth) :]
                axes[1, column].plot(
                    [r[x] / scale for r in episodes], rate, '.', color=colours[name], alpha=0.25
                )
                axes[1, column].plot(
                    xs, smooth, '-', color=colours[name], label=f'{name} ({SMOOTH}-episode mean)'
                )
        axes[0, column].set_xlabel(label)
        axes[1, column].set_xlabel(label)
    axes[0, 0].set_ylabel('policy alone: success on held-out\nrandom-cube seeds [%]')
    axes[1, 0].set_ylabel('human-driven steps per\ntraining episode [%]')
    for axis in axes.flat:
        axis.grid(alpha=0.3)
        axis.set_ylim(-5, 105)
    axes[0, 0].legend(loc='upper left')
    axes[1, 0].legend(loc='upper right')
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def main(argv=None):
    """Write OUT.csv and OUT.png."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument(
        '--run',
        action='append',
        required=True,
        help="'NAME=FOLDER' of a training run's output (repeat)",
    )
    parser.add_argument('--out', type=Path, required=True, help='output path without suffix')
    parser.add_argument('--title', default=TITLE, help="the figure's title")
    options = parser.parse_args(argv)
    names, rows = [], []
    for item in options.run:
        name, folder = item.split('=', 1)
        names.append(name)
        rows += load(name, Path(folder))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    with open(options.out.with_suffix('.csv'), 'w', newline='') as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    plot(rows, names, options.out.with_suffix('.png'), options.title)
    print(
        f'{options.out.with_suffix(".csv")}: {len(rows)} rows; {options.out.with_suffix(".png")}'
    )
    return 0


if __name__ == '__main__':
    main()
