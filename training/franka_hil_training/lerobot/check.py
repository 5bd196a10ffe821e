# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Does LeRobot's HIL-SERL run on the graph? `franka-hil-check-lerobot` (scripts/check_lerobot.sh).

It starts `bringup image_obs:=true teleop:=gamepad gripper_penalty:=-0.02
namespace:=/lerobot_check` (the workspace environment; LeRobot finds it through
FRANKA_HIL_NAMESPACE) and plays the person on the pad (pad.py). Then:

1. steps: the env and processors that LeRobot's gym_manipulator makes for env.name 'gym_hil'
   (make_robot_env, make_processors, step_env_and_process_transition with the neutral action
   its record loop sends), from the README's config, over four episodes: an override with a
   gripper flip then success, failure, re-record, and nobody (truncation). It asserts what
   LeRobot sees at every step.
2. record: `python -m lerobot.rl.gym_manipulator` itself in record mode (2 episodes, dataset in
   a temp dir, no hub) and the dataset it wrote.
3. demos and 4. train: see demos_check and training_check (our bag -> v3.0 datasets loaded by
   LeRobotDataset; LeRobot's learner and actor on a graph that the actor's env launches; with
   LeRobot >= 0.6, the human's steps in the learner's online and offline buffers against the
   graph's step_info).
"""

import argparse
import importlib.metadata
import json
import os
from pathlib import Path
import signal
import sys
import tempfile
import time

from franka_hil_training.lerobot import demos_check, training_check
from franka_hil_training.lerobot.env_check import config_dict, run_record, run_steps
from franka_hil_training.lerobot.pad import Graph, NAMESPACE, Pad
from franka_hil_training.lerobot.train_config import lerobot_version

EPISODE_NAMES = ('success', 'failure', 'rerecord', 'nobody')


class Failures(list):
    """Collects failed checks: every check runs, the summary lists what failed."""

    def check(self, ok, what):
        """Record `what` as failed unless `ok`."""
        if not ok:
            self.append(what)
            print(f'  FAIL: {what}')


def parse_args(argv=None):
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument(
        '--workdir',
        type=Path,
        default=None,
        help='where configs, logs and datasets go (default: a new temp dir)',
    )
    parser.add_argument(
        '--parts',
        default='1234',
        help='parts to run: 1 env steps, 2 record, 3 demos + datasets, 4 actor '
        '+ learner (needs 3); default %(default)s',
    )
    parser.add_argument(
        '--timeout', type=float, default=300.0, help='seconds the record run may take'
    )
    parser.add_argument(
        '--domain',
        type=int,
        default=1 + os.getpid() % 100,
        help='ROS_DOMAIN_ID of the graph and LeRobot (default: one of its own, '
        'not the domain of a graph already running in this shell)',
    )
    args = parser.parse_args(argv)
    parts = set(args.parts)
    if not parts <= set('1234') or ('4' in parts and '3' not in parts):
        parser.error('--parts: digits 1 to 4; part 4 needs part 3')
    return args, parts


def prepare(args):
    """Set the environment (own domain, no hub, no launch) and the workdir; return its paths."""
    os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
    os.environ['ROS_DOMAIN_ID'] = str(args.domain)
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    os.environ.setdefault('WANDB_MODE', 'disabled')
    for name in (
        'FRANKA_HIL_LAUNCH',
        'FRANKA_HIL_NAMESPACE',
        'FRANKA_HIL_TELEOP',
        'FRANKA_HIL_MODE',
    ):
        os.environ.pop(name, None)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix='franka_hil_lerobot_check_'))
    workdir.mkdir(parents=True, exist_ok=True)
    dataset_root = workdir / 'dataset'
    for path in (dataset_root, workdir / 'demo', workdir / 'train'):
        if path.exists():
            raise SystemExit(f'{path} exists: give a new --workdir')
    config_path = workdir / 'env_config_franka_hil.json'
    config_path.write_text(json.dumps(config_dict(dataset_root, 2), indent=2))
    print(f'[lerobot_check] workdir {workdir}, ROS_DOMAIN_ID {os.environ["ROS_DOMAIN_ID"]}')
    return workdir, config_path, dataset_root


def demos_and_training(workdir, parts, failures):
    """Parts 3 and 4: demonstrations -> datasets; LeRobot's learner + actor."""
    print('[lerobot_check] part 3: demonstrations (hil_demo) -> bag_to_lerobot -> LeRobotDataset')
    part = time.monotonic()
    demos = demos_check.record_demos(workdir, failures)
    print(f'  in {time.monotonic() - part:.1f} s')
    if '4' in parts and demos:
        print(
            '[lerobot_check] part 4: python -m lerobot.rl.learner + lerobot.rl.actor '
            '(FRANKA_HIL_LAUNCH=1 FRANKA_HIL_TELEOP=script FRANKA_HIL_HUMAN=corrective)'
        )
        part = time.monotonic()
        training_check.run_training(workdir, demos, failures)
        print(f'  in {time.monotonic() - part:.1f} s')


def main(argv=None):
    """Run the parts (graph-attached env, record, demos, train); exit 1 if any check failed."""
    args, parts = parse_args(argv)
    workdir, config_path, dataset_root = prepare(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    failures = Failures()
    started = time.monotonic()
    if parts & set('12'):
        attached_parts(args, parts, config_path, dataset_root, failures)
    if '3' in parts:
        demos_and_training(workdir, parts, failures)
    version = lerobot_version()
    if version is not None and version >= (0, 6):
        print(
            f'[lerobot_check] LeRobot {importlib.metadata.version("lerobot")}: a known gap in '
            'the gym_hil path (not checked): info rerecord_episode never reaches '
            'TeleopEvents.RERECORD_EPISODE'
        )
    else:
        print(
            '[lerobot_check] known LeRobot 0.4.4 gaps in the gym_hil path (not checked): '
            'info rerecord_episode never reaches TeleopEvents.RERECORD_EPISODE; '
            'discrete_penalty never reaches complementary_data (recorded and sent to the '
            'learner as 0); the actor sends no is_intervention, so the learner never adds '
            'interventions to its offline buffer'
        )
    if failures:
        print(f'[lerobot_check] FAILED {len(failures)} checks:')
        for failure in failures:
            print(f'  - {failure}')
        return 1
    print(f'[lerobot_check] all checks passed in {time.monotonic() - started:.1f} s')
    return 0


def print_steps(episodes):
    """Print one line per episode of part 1."""
    for event, rows in zip(EPISODE_NAMES, episodes):
        last = rows[-1]
        print(
            f'  {event or "nobody":8s} {len(rows):3d} steps, '
            f'{sum(r["intervention"] for r in rows):2d} overridden, '
            f'end {"terminated" if last["done"] else "truncated"}, '
            f'reward {last["reward"]:g}, next.success {last["next.success"]}, '
            f'rerecord env/LeRobot {last["rerecord"]}/{last["lerobot_rerecord"]}, '
            f'penalties {sorted({r["penalty"] for r in rows})}'
        )


def attached_parts(args, parts, config_path, dataset_root, failures):
    """Parts 1 and 2, on a graph started here that LeRobot's env attaches to by namespace."""
    os.environ['FRANKA_HIL_NAMESPACE'] = NAMESPACE
    started = time.monotonic()
    graph = Graph(config_path.parent / 'bringup.log')
    pad = None
    try:
        pad = Pad()
        pad.wait_for_graph(graph, 60.0)
        print(f'[lerobot_check] graph up in {time.monotonic() - started:.1f} s')
        if '1' in parts:
            print('[lerobot_check] part 1: steps')
            part1 = time.monotonic()
            episodes = run_steps(config_path, pad, failures)
            print(f'  {sum(map(len, episodes))} steps in {time.monotonic() - part1:.1f} s')
            print_steps(episodes)
        if '2' in parts:
            print('[lerobot_check] part 2: python -m lerobot.rl.gym_manipulator (record)')
            part2 = time.monotonic()
            record = run_record(
                config_path, dataset_root, dict(os.environ), pad, failures, args.timeout
            )
            if record:
                print(
                    f'  {record["info"]["total_episodes"]} episodes, lengths '
                    f'{record["episode_lengths"]}, {record["rows"]} frames, video frames '
                    f'{record["video_frames"]} in {time.monotonic() - part2:.1f} s '
                    f'({dataset_root})'
                )
    finally:
        if pad is not None:
            pad.close()
        graph.close()
        os.environ.pop('FRANKA_HIL_NAMESPACE', None)


if __name__ == '__main__':
    sys.exit(main())
