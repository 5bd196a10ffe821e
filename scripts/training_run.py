# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the training runs share (lerobot_train.py, sb3_train.py): the human, outputs, main().

Imports neither ROS nor a learning library: each run imports it in its own venv.
"""

import csv
import json
from pathlib import Path
import time

ROOT = Path(__file__).resolve().parents[1]
# The corrective human of a training run: the intervener's rules, but sparing (measured, 20-min
# LeRobot runs: with its defaults the policy alone reached 20% on 50 held-out seeds, with these
# 92% and 62%; README): no rescue near the time limit, 6 steps moving away and 3 s without
# progress before taking over, at most 3 s of driving per episode; the policy meets its own
# mistakes.
SPARING_HUMAN = ('time_out_s=0', 'away_steps=6', 'no_progress_s=3', 'budget_s=3')


def add_options(parser, settings):
    """Add the options every run has, and one per setting (--batch-size for batch_size...)."""
    parser.add_argument('--minutes', type=float, default=20.0, help='training wall time')
    parser.add_argument('--eval-every', type=float, default=180.0,
                        help='seconds of training between evaluations of the policy alone')
    parser.add_argument('--eval-seeds', type=int, default=20, help='seeds per evaluation')
    parser.add_argument('--final-seeds', type=int, default=50, help='seeds of the final one')
    parser.add_argument('--out', type=Path, default=None, help='output folder')
    parser.add_argument('--no-human', action='store_true',
                        help='nobody in the loop (teleop none): demonstrations only')
    parser.add_argument('--intervener', action='append', default=[], metavar='NAME=VALUE',
                        help="a parameter of the synthetic human's intervener (its "
                        f'intervener.NAME), over this run\'s {" ".join(SPARING_HUMAN)}; '
                        'repeatable')
    for key, value in settings.items():
        parser.add_argument('--' + key.replace('_', '-'), type=type(value), default=value)


def intervener_parameters(assignments):
    """Return {'intervener.NAME': value} of NAME=VALUE texts, typed as IntervenerConfig's."""
    from franka_hil_teleop.intervener import IntervenerConfig
    defaults = vars(IntervenerConfig())
    parameters = {}
    for text in assignments:
        name, sep, value = (part.strip() for part in text.partition('='))
        if not sep or name not in defaults:
            raise SystemExit(f'--intervener {text!r}: expected NAME=VALUE with NAME one of '
                             f'{sorted(defaults)}')
        try:
            parameters[f'intervener.{name}'] = type(defaults[name])(value)
        except ValueError:
            raise SystemExit(f'--intervener {text!r}: {value!r} is not a '
                             f'{type(defaults[name]).__name__}') from None
    return parameters


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
    summary[f'{tag}_eval'] = {k: final[k] for k in ('checkpoint', 'success_rate',
                                                    'mean_episode_length', 'episodes', 'seeds')}
    print(f"[train] {tag}: the policy alone ({what}) on {final['episodes']} held-out seeds: "
          f"success {final['success_rate']:.0%}, mean episode length "
          f"{final['mean_episode_length']:.1f}", flush=True)


def main(options, train, prefix):
    """Make the output folder (--out, or out/<prefix>-<time>[-nohuman]), run, write summary."""
    out = options.out or ROOT / 'out' / (time.strftime(f'{prefix}-%Y%m%d-%H%M%S')
                                         + ('-nohuman' if options.no_human else ''))
    out.mkdir(parents=True, exist_ok=False)
    (out / 'settings.json').write_text(json.dumps(vars(options), indent=2, default=str))
    print(f'[train] output: {out}', flush=True)
    summary = train(options, out)
    (out / 'summary.json').write_text(json.dumps(summary, indent=2))
    print('[train] ' + json.dumps({k: v for k, v in summary.items() if k != 'evals'}),
          flush=True)
    return 0
