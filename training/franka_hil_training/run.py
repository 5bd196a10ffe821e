# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the training runs share (sb3.train, lerobot.train): options, outputs, main().

Imports neither ROS nor a learning library (numpy only): each run imports it in its own venv.
"""

import csv
import json
from pathlib import Path
import signal
import time

from franka_hil_training.settings import intervener_parameters, SPARING_HUMAN
from franka_hil_training.workspace import ROOT
import numpy as np
import yaml

# Seeds of the resets whose first observations widen the normalisation bounds (--start-states):
# apart from the demonstrations' (0..) and the evaluations' (10000..).
FIRST_START_STATE_SEED = 20000


def add_options(parser, settings):
    """Add the options every run has, and one per setting (--batch-size for batch_size...)."""
    parser.add_argument('--minutes', type=float, default=20.0, help='training wall time')
    parser.add_argument(
        '--eval-every',
        type=float,
        default=180.0,
        help='seconds of training between evaluations of the policy alone',
    )
    parser.add_argument('--eval-seeds', type=int, default=20, help='seeds per evaluation')
    parser.add_argument('--final-seeds', type=int, default=50, help='seeds of the final one')
    parser.add_argument('--out', type=Path, default=None, help='output folder')
    parser.add_argument(
        '--start-states',
        type=int,
        default=0,
        help=f'resets (seeds {FIRST_START_STATE_SEED}..) whose first observations widen the '
        'normalisation bounds: the cube start range that one or two demonstrations do not span '
        '(0: the demonstrations alone)',
    )
    parser.add_argument(
        '--no-human',
        action='store_true',
        help='nobody in the loop (teleop none): demonstrations only',
    )
    parser.add_argument(
        '--intervener',
        action='append',
        default=[],
        metavar='NAME=VALUE',
        help="a parameter of the synthetic human's intervener (its "
        f"intervener.NAME), over this run's {' '.join(SPARING_HUMAN)}; "
        'repeatable',
    )
    for key, value in settings.items():
        parser.add_argument('--' + key.replace('_', '-'), type=type(value), default=value)


def write_csv(path, rows):
    """Write dict rows as CSV."""
    if not rows:
        path.write_text('')
        return
    with open(path, 'w', newline='') as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def keep_final(out, summary, tag, final, what):
    """Write the final evaluation `final` as <tag>_eval.json, into the summary and the log."""
    (out / f'{tag}_eval.json').write_text(json.dumps(final, indent=2))
    summary[f'{tag}_eval'] = {
        k: final[k]
        for k in ('checkpoint', 'success_rate', 'mean_episode_length', 'episodes', 'seeds')
    }
    print(
        f'[train] {tag}: the policy alone ({what}) on {final["episodes"]} held-out seeds: '
        f'success {final["success_rate"]:.0%}, mean episode length '
        f'{final["mean_episode_length"]:.1f}',
        flush=True,
    )


def last_tenth(summary, episodes, intervention_rate):
    """Add the intervention rate and actor success of the last tenth of the episodes."""
    if not episodes:
        return
    last = episodes[-max(1, len(episodes) // 10) :]
    summary.update(
        intervention_rate_last_10pct=round(
            float(np.mean([intervention_rate(e) for e in last])), 4
        ),
        actor_success_last_10pct=round(float(np.mean([e['success'] for e in last])), 4),
    )


def main(options, train, prefix):
    """Make the output folder (--out, or out/<prefix>-<time>[-nohuman]), run, write summary."""
    out = options.out or ROOT / 'out' / (
        time.strftime(f'{prefix}-%Y%m%d-%H%M%S') + ('-nohuman' if options.no_human else '')
    )
    out.mkdir(parents=True, exist_ok=False)
    (out / 'settings.json').write_text(json.dumps(vars(options), indent=2, default=str))
    print(f'[train] output: {out}', flush=True)
    summary = train(options, out)
    (out / 'summary.json').write_text(json.dumps(summary, indent=2))
    print('[train] ' + json.dumps({k: v for k, v in summary.items() if k != 'evals'}), flush=True)
    return 0


def graph_parameters(options, out, summary):
    """
    Write the corrective human's intervener settings for the graph; return the file (None).

    SPARING_HUMAN with the run's --intervener on top, as graph_parameters.yaml in `out` (the
    summary gets them too); None with --no-human.
    """
    if options.no_human:
        return None
    intervener = intervener_parameters(SPARING_HUMAN + tuple(options.intervener))
    parameters = out / 'graph_parameters.yaml'
    parameters.write_text(yaml.safe_dump({'synthetic_human': intervener}))
    summary['intervener'] = intervener
    return parameters


def catch_signals():
    """Return a list that Ctrl-C and SIGTERM append to from now on (the run then stops)."""
    interrupted = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, frame: interrupted.append(number))
    return interrupted
