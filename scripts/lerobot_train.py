# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A HIL-SERL training run on the graph: demos, LeRobot's learner + actor, a learning curve.

Runs in the LeRobot venv (scripts/train_hil.sh). Steps, each with LeRobot's own processes:

1. demos: `hil_demo` (the synthetic human holding the override, random cube) records --demos
   episodes into a bag; `bag_to_lerobot --cameras= --environment-state` makes the offline
   dataset (state and cube position, no images), or --demos-from reuses one.
2. train: `python -m lerobot.rl.learner` (that dataset as its offline buffer) and
   `python -m lerobot.rl.actor` stepping gym_hil/FrankaHilPickCubeStateRandom-v0 (random cube,
   state observations: agent_pos and the cube position), whose env launches
   its own graph with the corrective synthetic human (FRANKA_HIL_TELEOP=script,
   FRANKA_HIL_HUMAN=corrective, a sparing one: training_run.SPARING_HUMAN, changed by --intervener,
   through FRANKA_HIL_PARAMETERS) or, with --no-human, nobody (FRANKA_HIL_TELEOP=none), for
   --minutes of wall time from the actor's start.
3. curve: every --eval-every seconds the latest learner checkpoint is run alone
   (scripts/eval_policy.py, teleop none, --eval-seeds held-out seeds); at the end the last
   checkpoint on --final-seeds seeds, with sampled actions (as the actor runs it) and with its
   mean action.

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
import signal
import subprocess
import sys
import threading
import time

import lerobot_hilserl as hilserl
import numpy as np
import training_run as run
import yaml

ROOT = run.ROOT
TASK = 'FrankaHilPickCubeStateRandom-v0'
ACTOR_NAMESPACE = '/lerobot_train'
ENV_STATE = 'observation.environment_state'
GRIPPER_PENALTY = -0.02
# The settings this run changes from LeRobot's SAC defaults / the check's config, and why.
SETTINGS = {
    'batch_size': 64,           # 32 (calibration): noisy critics; 128 (with 256 wide): 13/s
    'discount': 0.97,           # 0.99 (calibration): 30-60 step episodes, sparse reward
    'utd_ratio': 2,             # critic updates per learner step (1: calibration)
    'temperature_init': 0.01,   # 1.0 default: entropy bonus swamps a 0/1 reward
    'hidden_dims': 128,         # actor, critics, discrete critic (64: calibration; 256 wide
                                # with batch 128: 13 learner updates/s, this: ~70/s)
    'online_step_before_learning': 100,
    'online_buffer_capacity': 100000,
    'offline_buffer_capacity': 20000,
    'policy_parameters_push_frequency': 4,   # seconds
    'actor_fps': 100,           # the actor's pacing (10 = the sim's control rate, wall time)
    'save_freq': 3000,          # learner steps between checkpoints (the curve's points; each
                                # writes the whole replay buffer)
}


def parse_args(argv=None):
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--demos', type=int, default=20, help='demonstration episodes to record')
    parser.add_argument('--demos-from', type=Path, default=None,
                        help='reuse this bag_to_lerobot dataset instead of recording')
    run.add_options(parser, SETTINGS)
    return parser.parse_args(argv)


def record_demos(out, episodes):
    """hil_demo + bag_to_lerobot (state, cube position); return (dataset dir, seconds)."""
    demo = out / 'demos'
    started = time.monotonic()
    result = hilserl.workspace(['hil_demo', '--episodes', str(episodes), '--out', str(demo),
                                f'gripper_penalty:={GRIPPER_PENALTY}',
                                'random_block_position:=true'], timeout=900)
    (out / 'hil_demo.log').write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f'hil_demo failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}')
    print('[train] ' + ' '.join(line for line in result.stdout.splitlines()
                                if 'success rate' in line), flush=True)
    dataset = out / 'demos_state'
    result = hilserl.workspace(['bag_to_lerobot', str(demo / 'bag'), str(dataset), '--task',
                                'pick_cube', '--cameras=', '--environment-state'], timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f'bag_to_lerobot failed:\n{result.stderr[-2000:]}')
    print(f'[train] demos: {result.stdout.strip()} ({time.monotonic() - started:.0f} s)',
          flush=True)
    return dataset, time.monotonic() - started


def dataset_info(dataset):
    """Return the dataset's state / cube position min and max, episode and frame counts."""
    from lerobot.datasets.lerobot_dataset import LeRobotDataset
    data = LeRobotDataset('local/franka_hil_demos', root=dataset)
    stats = data.meta.stats
    return {'state_min': stats['observation.state']['min'].tolist(),
            'state_max': stats['observation.state']['max'].tolist(),
            'env_min': stats[ENV_STATE]['min'].tolist(),
            'env_max': stats[ENV_STATE]['max'].tolist(),
            'episodes': data.num_episodes, 'frames': len(data)}


def make_config(out, dataset, stats, port, options):
    """Return the run's train config: the check's, with this run's task and settings."""
    config = hilserl.train_config(out, dataset, stats, port)
    hidden = {'hidden_dims': [options.hidden_dims] * 2}
    config.update(batch_size=options.batch_size, save_freq=options.save_freq, log_freq=50)
    config['env'].update(task=TASK, fps=options.actor_fps)
    # the cube position too (a random cube); LeRobot 0.4.4's actor and learner apply no
    # normalisation (dataset_stats is carried, never used), so the policy sees raw values
    env_feature = {'type': 'ENV', 'shape': [len(stats['env_min'])]}
    config['env']['features'][ENV_STATE] = dict(env_feature)
    config['env']['features_map'][ENV_STATE] = ENV_STATE
    config['policy']['input_features'][ENV_STATE] = dict(env_feature)
    low, high = np.array(stats['env_min']), np.array(stats['env_max'])
    margin = 0.05 * (high - low) + 0.01
    config['policy']['dataset_stats'][ENV_STATE] = {'min': (low - margin).tolist(),
                                                    'max': (high + margin).tolist()}
    config['policy'].update(
        discount=options.discount, utd_ratio=options.utd_ratio,
        temperature_init=options.temperature_init,
        online_step_before_learning=options.online_step_before_learning,
        online_buffer_capacity=options.online_buffer_capacity,
        offline_buffer_capacity=options.offline_buffer_capacity,
        online_steps=10_000_000, actor_network_kwargs=dict(hidden),
        critic_network_kwargs=dict(hidden), discrete_critic_network_kwargs=dict(hidden),
        latent_dim=options.hidden_dims, state_encoder_hidden_dim=options.hidden_dims)
    config['policy']['actor_learner_config']['policy_parameters_push_frequency'] = \
        options.policy_parameters_push_frequency
    return config


class EpisodeWatch(hilserl.StepInfoWatch):
    """The actor's step_info: per episode its steps, interventions, success and end time."""

    def __init__(self, namespace):
        self.episodes = []
        self.current = None
        self.total_steps = 0
        super().__init__(namespace)

    def _on_step_info(self, msg):
        now = time.monotonic()
        with self.lock:
            self.total_steps += 1
            if self.current is None or self.current['episode'] != msg.episode:
                self.current = {'episode': msg.episode, 'steps': 0, 'interventions': 0,
                                'success': False}
            self.current['steps'] += 1
            self.current['interventions'] += bool(msg.is_intervention)
            self.current['success'] |= bool(msg.success)
            if msg.terminated or msg.truncated:
                self.episodes.append(dict(self.current, end=now, env_steps=self.total_steps))
                self.current = None

    def snapshot(self):
        """Return (finished episodes, env steps so far)."""
        with self.lock:
            return list(self.episodes), self.total_steps


class Evaluator(threading.Thread):
    """Every `every` seconds, runs eval_policy.py on the learner's latest checkpoint."""

    def __init__(self, out, config_path, seeds, every, started, watch):
        super().__init__(daemon=True)
        self.out, self.config_path, self.seeds, self.every = out, config_path, seeds, every
        self.started, self.watch = started, watch
        self.rows, self.done = [], set()
        self.stop_event = threading.Event()
        self.process = None

    def latest(self):
        """Return the newest checkpoint folder whose learner step is past evaluated ones."""
        folders = [p for p in (self.out / 'train' / 'checkpoints').glob('[0-9]*')
                   if (p / 'training_state').is_dir() and p.name not in self.done]
        return max(folders, key=lambda p: int(p.name), default=None)

    def evaluate(self, checkpoint, seeds, tag, deterministic=False):
        """Run one evaluation (sampled actions, or the mean); return its result (None: failed)."""
        result_path = self.out / 'evals' / f'{tag}.json'
        result_path.parent.mkdir(exist_ok=True)
        log = self.out / 'evals' / f'{tag}.log'
        with open(log, 'wb') as handle:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / 'scripts' / 'eval_policy.py'), str(checkpoint),
                 '--config', str(self.config_path), '--seeds', str(seeds), '--out',
                 str(result_path)] + (['--deterministic'] if deterministic else []),
                stdout=handle, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=dict(os.environ, OMP_NUM_THREADS='1'),
                start_new_session=True)
        code = self.process.wait()
        if code != 0 or not result_path.exists():
            what = 'interrupted (the run ends)' if self.stop_event.is_set() else 'failed'
            print(f'[train] evaluation of {checkpoint} {what} (code {code}): see {log}',
                  flush=True)
            return None
        return json.loads(result_path.read_text())

    def run(self):
        """Evaluate until stopped."""
        while not self.stop_event.wait(self.every):
            checkpoint = self.latest()
            if checkpoint is None:
                continue
            self.done.add(checkpoint.name)
            # wall time and env steps at the moment the checkpoint was written
            saved = time.monotonic() - (time.time() - checkpoint.stat().st_mtime)
            episodes, steps = self.watch.snapshot()
            steps_then = max([e['env_steps'] for e in episodes if e['end'] <= saved],
                             default=0)
            result = self.evaluate(checkpoint, self.seeds, f'step{int(checkpoint.name)}')
            if result is None:
                continue
            row = {'wall_s': round(saved - self.started, 1), 'env_steps': steps_then,
                   'learner_step': int(checkpoint.name), 'success_rate': result['success_rate'],
                   'mean_episode_length': result['mean_episode_length'],
                   'seeds': result['episodes']}
            self.rows.append(row)
            print(f'[train] eval at {row["wall_s"]:.0f} s, {steps_then} env steps, learner '
                  f'step {row["learner_step"]}: success {row["success_rate"]:.0%}, mean length '
                  f'{row["mean_episode_length"]:.1f}', flush=True)

    def stop(self):
        """Stop evaluating (an evaluation in progress is interrupted)."""
        self.stop_event.set()
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        self.join(60.0)


def train(options, out):
    """Run steps 1-3; return the summary dict."""
    summary = {'human': 'none' if options.no_human else 'corrective',
               'settings': {k: getattr(options, k) for k in SETTINGS},
               'minutes': options.minutes}
    if options.demos_from is None:
        dataset, summary['demo_seconds'] = record_demos(out, options.demos)
    else:
        dataset = options.demos_from.resolve()
    info = dataset_info(dataset)
    summary.update(demo_dataset=str(dataset), demo_episodes=info['episodes'],
                   demo_frames=info['frames'])
    port = hilserl.free_port()
    config = make_config(out, dataset, info, port, options)
    config_path = out / 'config.json'
    config_path.write_text(json.dumps(config, indent=2))
    env = dict(os.environ, OMP_NUM_THREADS='1')
    actor_env = dict(env, FRANKA_HIL_LAUNCH='1', FRANKA_HIL_NAMESPACE=ACTOR_NAMESPACE
                     + ('_nohuman' if options.no_human else ''),
                     FRANKA_HIL_TELEOP='none' if options.no_human else 'script',
                     FRANKA_HIL_HUMAN='corrective')
    if not options.no_human:
        intervener = run.intervener_parameters(run.SPARING_HUMAN + tuple(options.intervener))
        parameters = out / 'graph_parameters.yaml'
        parameters.write_text(yaml.safe_dump({'synthetic_human': intervener}))
        actor_env['FRANKA_HIL_PARAMETERS'] = str(parameters)
        summary['intervener'] = intervener
    watch = EpisodeWatch(actor_env['FRANKA_HIL_NAMESPACE'])
    learner = hilserl.LeRobotProcess('learner', config_path, out / 'learner.log', env)
    actor = evaluator = None
    interrupted = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, frame: interrupted.append(number))
    try:
        waited = time.monotonic()
        while 'gRPC server started' not in learner.text():
            if learner.process.poll() is not None or time.monotonic() - waited > 300:
                raise RuntimeError(f'the learner did not start:\n{hilserl.tail(learner.log_path)}')
            if interrupted:
                raise KeyboardInterrupt
            time.sleep(0.5)
        actor = hilserl.LeRobotProcess('actor', config_path, out / 'actor.log', actor_env,
                                       f'--output_dir={out / "actor"}')
        started = time.monotonic()
        evaluator = Evaluator(out, config_path, options.eval_seeds, options.eval_every, started,
                              watch)
        evaluator.start()
        print(f"[train] learner and actor started ({summary['human']} human), "
              f'{options.minutes:g} min', flush=True)
        last_report = started
        while time.monotonic() - started < options.minutes * 60.0:
            if interrupted:
                print('[train] interrupted: stopping', flush=True)
                summary['interrupted'] = True
                break
            for process in (learner, actor):
                if process.process.poll() is not None or \
                        'Traceback (most recent call last)' in process.text():
                    raise RuntimeError(f'the {process.name} failed:\n'
                                       f'{hilserl.tail(process.log_path)}')
            if time.monotonic() - last_report > 60.0:
                last_report = time.monotonic()
                episodes, steps = watch.snapshot()
                recent = episodes[-20:]
                print(f'[train] {last_report - started:.0f} s: {steps} env steps, '
                      f'{len(episodes)} episodes, learner step '
                      f'{hilserl.learner_steps(learner.text())}, last 20 episodes: success '
                      f'{np.mean([e["success"] for e in recent] or [0]):.0%}, intervention '
                      f'{np.mean([e["interventions"] / e["steps"] for e in recent] or [0]):.0%}',
                      flush=True)
            time.sleep(1.0)
        summary['train_seconds'] = round(time.monotonic() - started, 1)
    finally:
        if evaluator is not None:
            evaluator.stop()
        codes, graph_left = hilserl.stop_training(actor, learner, watch)
        summary.update(exit_codes=codes, graph_left=graph_left)
        watch.close()
        episodes, steps = watch.snapshot()
        learner_text = learner.text()
        rates = hilserl.learner_rates(learner_text)
        summary.update(env_steps=steps, episodes=len(episodes),
                       learner_steps=hilserl.learner_steps(learner_text),
                       learner_hz_median=float(np.median(rates)) if rates else None)
        if actor is not None:
            t0 = started
            run.write_csv(out / 'episodes.csv', [
                {'episode': i + 1, 'wall_s': round(e['end'] - t0, 2), 'env_steps': e['env_steps'],
                 'steps': e['steps'], 'intervention_rate': round(e['interventions'] / e['steps'],
                                                                 4),
                 'success': int(e['success'])} for i, e in enumerate(episodes)])
        if evaluator is not None:
            run.write_csv(out / 'evals.csv', evaluator.rows)
            summary['evals'] = evaluator.rows
    if episodes:
        last = episodes[-max(1, len(episodes) // 10):]
        summary.update(
            env_steps_per_s=round(steps / summary['train_seconds'], 1),
            intervention_rate_last_10pct=round(float(np.mean(
                [e['interventions'] / e['steps'] for e in last])), 4),
            actor_success_last_10pct=round(float(np.mean([e['success'] for e in last])), 4))
    checkpoints = sorted((out / 'train' / 'checkpoints').glob('[0-9]*'), key=lambda p: int(p.name))
    checkpoints = [p for p in checkpoints if (p / 'training_state').is_dir()]
    for tag, deterministic in (('final', False), ('final_deterministic', True)):
        if not checkpoints or interrupted:
            break
        evaluator.stop_event.clear()  # (stopped above) the final ones are not cut short
        final = evaluator.evaluate(checkpoints[-1], options.final_seeds, tag, deterministic)
        if final is None:
            continue
        run.keep_final(out, summary, tag, final, f'learner step {checkpoints[-1].name}, '
                       f"{'mean' if deterministic else 'sampled'} actions")
    return summary


def main(argv=None):
    """Run; write summary.json."""
    return run.main(parse_args(argv), train, 'train')


if __name__ == '__main__':
    sys.exit(main())
