# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A HIL-SERL training run on the graph: demos, LeRobot's learner + actor, a learning curve.

Runs in the LeRobot venv (`franka-hil-train-lerobot`, scripts/train_hil.sh). Steps, each with
LeRobot's own processes:

1. demos: `hil_demo` (the synthetic human holding the override, random cube) records --demos
   episodes into a bag; `bag_to_lerobot --cameras= --environment-state` makes the offline
   dataset (state and cube position, no images), or --demos-from reuses one; its state and
   cube-position ranges (LeRobot's normalisation) widened by the first observations of
   --start-states resets, as the SB3 route's.
2. train: `python -m lerobot.rl.learner` (that dataset as its offline buffer) and
   `python -m lerobot.rl.actor` stepping gym_hil/FrankaHilPickCubeStateRandom-v0 (random cube,
   state observations: agent_pos and the cube position), whose env launches
   its own graph with the corrective synthetic human (FRANKA_HIL_TELEOP=script,
   FRANKA_HIL_HUMAN=corrective, a sparing one: configs/sparing_human.yaml, changed by
   --intervener, through FRANKA_HIL_PARAMETERS) or, with --no-human, nobody
   (FRANKA_HIL_TELEOP=none), for --minutes of wall time from the actor's start; the settings
   changed from the check's config are configs/lerobot_sac.yaml's (each an option too).
3. curve: every --eval-every seconds the latest learner checkpoint is run alone
   (franka_hil_training.lerobot.evaluate, teleop none, --eval-seeds held-out seeds); at the end
   the last checkpoint on --final-seeds seeds, with sampled actions (as the actor runs it) and
   with its mean action.

Everything stops on the budget's end, on Ctrl-C / SIGTERM, or when a process fails (SIGINT,
then SIGTERM, then SIGKILL, bounded). Outputs in --out (default out/train-<time>[-nohuman]/):
config.json, settings.json, learner.log, actor.log, demos/, train/checkpoints/,
episodes.csv (one row per actor episode: wall time, env steps, intervention rate, success),
evals.csv (wall time, env steps, learner step, success rate, mean length), final_eval.json
and final_deterministic_eval.json (the last checkpoint with sampled / mean actions), summary.json.
"""

import argparse
import json
import os
from pathlib import Path
import sys
import time

from franka_hil_training import run, settings
from franka_hil_training.lerobot import processes
from franka_hil_training.lerobot.evaluator import EpisodeWatch, Evaluator
from franka_hil_training.lerobot.train_config import train_config
from franka_hil_training.workspace import run_in_workspace
import numpy as np

TASK = 'FrankaHilPickCubeStateRandom-v0'
ACTOR_NAMESPACE = '/lerobot_train'
ENV_STATE = 'observation.environment_state'
GRIPPER_PENALTY = -0.02
# The settings this run changes from LeRobot's SAC defaults / the check's config, and why:
# configs/lerobot_sac.yaml.
SETTINGS = settings.load('lerobot_sac')


def parse_args(argv=None):
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--demos', type=int, default=20, help='demonstration episodes to record')
    parser.add_argument(
        '--demos-from',
        type=Path,
        default=None,
        help='reuse this bag_to_lerobot dataset instead of recording',
    )
    run.add_options(parser, SETTINGS)
    return parser.parse_args(argv)


def record_demos(out, episodes):
    """hil_demo + bag_to_lerobot (state, cube position); return (dataset dir, seconds)."""
    demo = out / 'demos'
    started = time.monotonic()
    result = run_in_workspace(
        [
            'hil_demo',
            '--episodes',
            str(episodes),
            '--out',
            str(demo),
            f'gripper_penalty:={GRIPPER_PENALTY}',
            'random_block_position:=true',
        ],
        timeout=900,
    )
    (out / 'hil_demo.log').write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f'hil_demo failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}')
    print(
        '[train] '
        + ' '.join(line for line in result.stdout.splitlines() if 'success rate' in line),
        flush=True,
    )
    dataset = out / 'demos_state'
    result = run_in_workspace(
        [
            'bag_to_lerobot',
            str(demo / 'bag'),
            str(dataset),
            '--task',
            'pick_cube',
            '--cameras=',
            '--environment-state',
        ],
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f'bag_to_lerobot failed:\n{result.stderr[-2000:]}')
    print(
        f'[train] demos: {result.stdout.strip()} ({time.monotonic() - started:.0f} s)', flush=True
    )
    return dataset, time.monotonic() - started


def dataset_info(dataset):
    """Return the dataset's state / cube position min and max, episode and frame counts."""
    from lerobot.datasets.lerobot_dataset import LeRobotDataset

    data = LeRobotDataset('local/franka_hil_demos', root=dataset)
    stats = data.meta.stats
    return {
        'state_min': stats['observation.state']['min'].tolist(),
        'state_max': stats['observation.state']['max'].tolist(),
        'env_min': stats[ENV_STATE]['min'].tolist(),
        'env_max': stats[ENV_STATE]['max'].tolist(),
        'episodes': data.num_episodes,
        'frames': len(data),
    }


def start_observations(count, make=None):
    """
    Return the first observations of `count` resets of the run's task (seeds 20000..).

    Nobody overrides and no step is taken; `make` is gym.make unless given (a test's).
    """
    import franka_hil_gym_bridge  # noqa: F401 (registers the gym_hil/FrankaHil ids)
    import gymnasium as gym

    make = make or gym.make
    env = make(f'gym_hil/{TASK}', launch=True, namespace='/lerobot_starts', teleop='none')
    try:
        return [env.reset(seed=run.FIRST_START_STATE_SEED + k)[0] for k in range(count)]
    finally:
        env.close()


def widen(info, starts):
    """
    Widen the demos' state and cube-position ranges (dataset_info's) to span `starts`.

    As the SB3 route's --start-states: two demonstrations span little of the cube's start range,
    and LeRobot normalises by these ranges (MIN_MAX).
    """
    for key, name in (('state', 'agent_pos'), ('env', 'environment_state')):
        values = np.array([start[name] for start in starts])
        info[key + '_min'] = np.minimum(info[key + '_min'], values.min(axis=0)).tolist()
        info[key + '_max'] = np.maximum(info[key + '_max'], values.max(axis=0)).tolist()


def add_cube_position(config, stats):
    """Add the cube position to the env's and the policy's features, with its range."""
    # LeRobot 0.4.4's actor and learner apply no normalisation (dataset_stats is carried, never
    # used), so the policy sees raw values; LeRobot >= 0.5 normalises by this range (MIN_MAX)
    env_feature = {'type': 'ENV', 'shape': [len(stats['env_min'])]}
    config['env']['features'][ENV_STATE] = dict(env_feature)
    config['env']['features_map'][ENV_STATE] = ENV_STATE
    config['policy']['input_features'][ENV_STATE] = dict(env_feature)
    low, high = np.array(stats['env_min']), np.array(stats['env_max'])
    margin = 0.05 * (high - low) + 0.01
    config['policy']['dataset_stats'][ENV_STATE] = {
        'min': (low - margin).tolist(),
        'max': (high + margin).tolist(),
    }


def make_config(out, dataset, stats, port, options):
    """Return the run's train config: the check's, with this run's task and settings."""
    config = train_config(out, dataset, stats, port)
    hidden = {'hidden_dims': [options.hidden_dims] * 2}
    config.update(batch_size=options.batch_size, save_freq=options.save_freq, log_freq=50)
    config['env'].update(task=TASK, fps=options.actor_fps)
    # the cube position too (a random cube)
    add_cube_position(config, stats)
    sac = {
        'discount': options.discount,
        'utd_ratio': options.utd_ratio,
        'temperature_init': options.temperature_init,
        'critic_network_kwargs': dict(hidden),
        'discrete_critic_network_kwargs': dict(hidden),
    }
    config['policy'].update(
        online_step_before_learning=options.online_step_before_learning,
        online_buffer_capacity=options.online_buffer_capacity,
        offline_buffer_capacity=options.offline_buffer_capacity,
        online_steps=10_000_000,
        actor_network_kwargs=dict(hidden),
        discrete_critic_network_kwargs=dict(hidden),
        latent_dim=options.hidden_dims,
        state_encoder_hidden_dim=options.hidden_dims,
    )
    # LeRobot >= 0.5: SAC's own settings are the algorithm's, no longer the policy's
    config['algorithm' if 'algorithm' in config else 'policy'].update(sac)
    config['policy']['actor_learner_config']['policy_parameters_push_frequency'] = (
        options.policy_parameters_push_frequency
    )
    return config


def prepare(options, out, summary):
    """Step 1 and the config; return (config path, env of the learner, env of the actor)."""
    if options.demos_from is None:
        dataset, summary['demo_seconds'] = record_demos(out, options.demos)
    else:
        dataset = options.demos_from.resolve()
    info = dataset_info(dataset)
    summary.update(
        demo_dataset=str(dataset),
        demo_episodes=info['episodes'],
        demo_frames=info['frames'],
        start_states=options.start_states,
    )
    if options.start_states:
        widen(info, start_observations(options.start_states))
    config = make_config(out, dataset, info, processes.free_port(), options)
    config_path = out / 'config.json'
    config_path.write_text(json.dumps(config, indent=2))
    env = dict(os.environ, OMP_NUM_THREADS='1')
    actor_env = dict(
        env,
        FRANKA_HIL_LAUNCH='1',
        FRANKA_HIL_NAMESPACE=ACTOR_NAMESPACE + ('_nohuman' if options.no_human else ''),
        FRANKA_HIL_TELEOP='none' if options.no_human else 'script',
        FRANKA_HIL_HUMAN='corrective',
    )
    parameters = run.graph_parameters(options, out, summary)
    if parameters is not None:
        actor_env['FRANKA_HIL_PARAMETERS'] = str(parameters)
    return config_path, env, actor_env


def print_progress(elapsed, learner, watch):
    """Print the run's figures so far (once a minute)."""
    episodes, steps = watch.snapshot()
    recent = episodes[-20:]
    print(
        f'[train] {elapsed:.0f} s: {steps} env steps, '
        f'{len(episodes)} episodes, learner step '
        f'{processes.learner_steps(learner.text())}, last 20 episodes: success '
        f'{np.mean([e["success"] for e in recent] or [0]):.0%}, intervention '
        f'{np.mean([e["interventions"] / e["steps"] for e in recent] or [0]):.0%}',
        flush=True,
    )


def run_for(minutes, learner, actor, watch, started, interrupted, summary):
    """Step 2: let the learner and the actor run for `minutes` (or until interrupted)."""
    last_report = started
    while time.monotonic() - started < minutes * 60.0:
        if interrupted:
            print('[train] interrupted: stopping', flush=True)
            summary['interrupted'] = True
            break
        for process in (learner, actor):
            if process.process.poll() is not None or processes.failed(process.text()):
                raise RuntimeError(
                    f'the {process.name} failed:\n{processes.tail(process.log_path)}'
                )
        if time.monotonic() - last_report > 60.0:
            last_report = time.monotonic()
            print_progress(last_report - started, learner, watch)
        time.sleep(1.0)
    summary['train_seconds'] = round(time.monotonic() - started, 1)


def wind_up(out, summary, learner, actor, watch, evaluator, started):
    """Stop everything; write episodes.csv, evals.csv; return the episodes and env steps."""
    if evaluator is not None:
        evaluator.stop()
    codes, graph_left = processes.stop_training(actor, learner, watch)
    summary.update(exit_codes=codes, graph_left=graph_left)
    watch.close()
    episodes, steps = watch.snapshot()
    learner_text = learner.text()
    rates = processes.learner_rates(learner_text)
    summary.update(
        env_steps=steps,
        episodes=len(episodes),
        learner_steps=processes.learner_steps(learner_text),
        learner_hz_median=float(np.median(rates)) if rates else None,
    )
    if actor is not None:
        summary.update(processes.policy_lag(actor.text(), learner_text))
        run.write_csv(
            out / 'episodes.csv',
            [
                {
                    'episode': i + 1,
                    'wall_s': round(e['end'] - started, 2),
                    'env_steps': e['env_steps'],
                    'steps': e['steps'],
                    'intervention_rate': round(e['interventions'] / e['steps'], 4),
                    'success': int(e['success']),
                }
                for i, e in enumerate(episodes)
            ],
        )
    if evaluator is not None:
        run.write_csv(out / 'evals.csv', evaluator.rows)
        summary['evals'] = evaluator.rows
    return episodes, steps


def final_evaluations(out, summary, evaluator, final_seeds, interrupted):
    """Step 3's end: the last checkpoint alone, with sampled and with mean actions."""
    checkpoints = sorted((out / 'train' / 'checkpoints').glob('[0-9]*'), key=lambda p: int(p.name))
    checkpoints = [p for p in checkpoints if (p / 'training_state').is_dir()]
    for tag, deterministic in (('final', False), ('final_deterministic', True)):
        if not checkpoints or interrupted:
            break
        evaluator.stop_event.clear()  # (stopped above) the final ones are not cut short
        final = evaluator.evaluate(checkpoints[-1], final_seeds, tag, deterministic)
        if final is None:
            continue
        run.keep_final(
            out,
            summary,
            tag,
            final,
            f'learner step {checkpoints[-1].name}, '
            f'{"mean" if deterministic else "sampled"} actions',
        )


def train(options, out):
    """Run steps 1-3; return the summary dict."""
    summary = {
        'human': 'none' if options.no_human else 'corrective',
        'settings': {k: getattr(options, k) for k in SETTINGS},
        'minutes': options.minutes,
    }
    config_path, env, actor_env = prepare(options, out, summary)
    watch = EpisodeWatch(actor_env['FRANKA_HIL_NAMESPACE'])
    learner = processes.LeRobotProcess('learner', config_path, out / 'learner.log', env)
    actor = evaluator = started = None
    interrupted = run.catch_signals()
    try:
        processes.wait_for_learner(learner, 300, interrupted)
        actor = processes.LeRobotProcess(
            'actor', config_path, out / 'actor.log', actor_env, f'--output_dir={out / "actor"}'
        )
        started = time.monotonic()
        evaluator = Evaluator(
            out, config_path, options.eval_seeds, options.eval_every, started, watch
        )
        evaluator.start()
        print(
            f'[train] learner and actor started ({summary["human"]} human), '
            f'{options.minutes:g} min',
            flush=True,
        )
        run_for(options.minutes, learner, actor, watch, started, interrupted, summary)
    finally:
        episodes, steps = wind_up(out, summary, learner, actor, watch, evaluator, started)
    if episodes:
        summary['env_steps_per_s'] = round(steps / summary['train_seconds'], 1)
        summary['learner_steps_per_s'] = round(
            summary['learner_steps'] / summary['train_seconds'], 1
        )
        run.last_tenth(summary, episodes, lambda e: e['interventions'] / e['steps'])
    final_evaluations(out, summary, evaluator, options.final_seeds, interrupted)
    return summary


def main(argv=None):
    """Run; write summary.json."""
    return run.main(parse_args(argv), train, 'train')


if __name__ == '__main__':
    sys.exit(main())
