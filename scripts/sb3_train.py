# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A HIL-SERL training run on the graph with Stable-Baselines3's SAC (the second route).

LeRobot 0.4.4's actor drops `is_intervention` before its learner, so a person's corrections
never reach LeRobot's offline buffer (README). This run keeps HIL-SERL's data flow on a
well-kept library: SB3's SAC, unchanged, with a replay buffer (SB3's own, through its
`replay_buffer_class` hook, sb3_hil_buffer.py) that keeps demonstrations and the human's
takeovers (with the action the graph executed) in a second buffer and samples every batch half
from each, as HIL-SERL (RLPD) does. Runs in the SB3 venv (scripts/train_hil_sb3.sh). Steps:

1. demos: --demos episodes of gym_hil's state task with random cube through a graph whose
   synthetic human holds the override (FRANKA_HIL_HUMAN=always), into the demo buffer; their
   per-feature range normalises every observation (observation_bounds.json), widened by the
   first observations of --start-states resets (seeds 20000..: the cube's start range, which
   one or two demonstrations do not span).
2. train: SB3 SAC steps franka_hil_ros/PandaPickCubeStateRandom-v0 (lockstep), whose env
   launches its graph with the corrective synthetic human (training_run's sparing one,
   --intervener changes it) or nobody (--no-human), for --minutes of wall time.
3. curve: every --eval-every seconds the policy alone (teleop none, a graph of its own) on
   --eval-seeds held-out seeds (10000..); at the end on --final-seeds, sampled and mean actions.

Outputs in --out, as lerobot_train.py's (bench/plot_hil_training.py reads both): settings.json,
episodes.csv, evals.csv, final_eval.json, final_deterministic_eval.json, summary.json and
checkpoints/<updates>/model.zip.
"""

import argparse
import json
import os
from pathlib import Path
import signal
import sys
import time

from franka_hil_gym_bridge import env_vars
import gymnasium as gym
import numpy as np
from sb3_hil_buffer import HilReplayBuffer
from stable_baselines3 import SAC
from stable_baselines3.common.callbacks import BaseCallback
import torch
import training_run as run
import yaml

TASK = 'franka_hil_ros/PandaPickCubeStateRandom-v0'
GRIPPER_PENALTY = -0.02
FIRST_EVAL_SEED = 10000
FIRST_START_STATE_SEED = 20000
BOUNDS = 'observation_bounds.json'
# SAC settings changed from SB3's defaults, and why (the LeRobot runs' choices where they apply).
SETTINGS = {
    'batch_size': 256,          # half online, half demonstrations + takeovers
    'gamma': 0.97,              # 30-60 step episodes, sparse reward
    'ent_coef': 'auto_0.01',    # 1.0 default: the entropy bonus swamps a 0/1 reward
    'net_width': 256,           # two layers, actor and critics
    'learning_starts': 200,     # env steps before the first update
    'gradient_steps': 1,        # updates per env step
    'buffer_size': 300_000,
    'fps': 100,                 # env steps per second at most (wall time), as LeRobot's
                                # actor_fps: the synthetic human answers each observation
                                # within it (unpaced, its commands lag the lockstep steps)
}


def parse_args(argv=None):
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--demos', type=int, default=10, help='demonstration episodes')
    parser.add_argument('--demo-seed', type=int, default=0, help='seed of the first demo')
    parser.add_argument('--seed', type=int, default=0, help="SAC's and the env's seed")
    parser.add_argument('--start-states', type=int, default=0,
                        help='resets whose first observations widen the normalisation bounds '
                        '(0: the demonstrations alone)')
    parser.add_argument('--evaluate', type=Path, metavar='MODEL_ZIP',
                        help='only run this checkpoint alone on --final-seeds held-out seeds '
                        '(sampled and mean actions; prints, and writes MODEL_ZIP.eval.json)')
    run.add_options(parser, SETTINGS)
    return parser.parse_args(argv)


def normalize(obs, bounds):
    """
    Map observations to [-1, 1] by per-feature (low, high) bounds.

    As LeRobot's MIN_MAX normalisation from the demonstrations' statistics: agent_pos mixes
    radians, metres and a 0..255 gripper scale.
    """
    low, high = bounds
    return (2.0 * (np.asarray(obs, np.float32) - low) / (high - low) - 1.0).astype(np.float32)


def observation_bounds(observations):
    """Return per-feature (low, high) of observations; a constant feature gets a unit range."""
    low, high = np.min(observations, axis=0), np.max(observations, axis=0)
    flat = high - low < 1e-6
    return low - 0.5 * flat, high + 0.5 * flat


class Paced(gym.Wrapper):
    """At most `fps` steps a second of wall time (0: unpaced)."""

    def __init__(self, env, fps):
        super().__init__(env)
        self.period = 1.0 / fps if fps else 0.0
        self.last_step = 0.0

    def step(self, action):
        wait = self.last_step + self.period - time.monotonic()
        if wait > 0.0:
            time.sleep(wait)
        self.last_step = time.monotonic()
        return self.env.step(action)


class Normalized(gym.ObservationWrapper):
    """Observations mapped to [-1, 1] by `bounds` (normalize)."""

    def __init__(self, env, bounds):
        super().__init__(env)
        self.bounds = bounds
        size = env.observation_space.shape
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, size, np.float32)

    def observation(self, observation):
        return normalize(observation, self.bounds)


def make_env(namespace, teleop, fps=0, human=None, parameters=None, seed=0, bounds=None):
    """Return the graph-backed env (it launches its graph), paced, flat, normalised by bounds."""
    os.environ.pop(env_vars.PARAMETERS, None)
    os.environ.pop(env_vars.HUMAN, None)
    if human:
        os.environ[env_vars.HUMAN] = human
    if parameters:
        os.environ[env_vars.PARAMETERS] = str(parameters)
    env = gym.wrappers.FlattenObservation(Paced(gym.make(
        TASK, launch=True, namespace=namespace, teleop=teleop, seed=seed,
        gripper_penalty=GRIPPER_PENALTY), fps))
    return env if bounds is None else Normalized(env, bounds)


def human_step(info):
    """Return True when the human drove this step (the graph executed their action)."""
    return bool(info.get('is_intervention', False))


def record_demos(episodes, first_seed, fps, start_states=0):
    """
    Run episodes the always-on synthetic human drives; return their steps and successes.

    Steps are (obs, next_obs, info, reward, terminated), observations not normalised. Also
    return the first observations of `start_states` more resets (no steps taken).
    """
    env = make_env('/sb3_demos', 'script', fps, human='always')
    steps, successes = [], 0
    try:
        starts = [env.reset(seed=FIRST_START_STATE_SEED + k)[0] for k in range(start_states)]
        for k in range(episodes):
            obs, _ = env.reset(seed=first_seed + k)
            while True:
                # the policy's action is overridden: the buffer keeps the executed one
                next_obs, reward, terminated, truncated, info = env.step(
                    np.zeros(env.action_space.shape, np.float32))
                steps.append((obs, next_obs, info, reward, terminated))
                obs = next_obs
                if terminated or truncated:
                    successes += bool(info.get('succeed', False))
                    break
    finally:
        env.close()
    return steps, successes, starts


def evaluate(model, env, seeds, deterministic):
    """Run the policy alone on held-out seeds; return success rate and mean length."""
    successes, lengths = [], []
    for k in range(seeds):
        obs, _ = env.reset(seed=FIRST_EVAL_SEED + k)
        steps, success = 0, False
        while True:
            action, _ = model.predict(obs, deterministic=deterministic)
            obs, reward, terminated, truncated, info = env.step(action)
            steps += 1
            success = success or bool(info.get('succeed', False))
            if terminated or truncated:
                break
        successes.append(success)
        lengths.append(steps)
    return {'success_rate': float(np.mean(successes)),
            'mean_episode_length': float(np.mean(lengths)), 'episodes': seeds,
            'seeds': [FIRST_EVAL_SEED, FIRST_EVAL_SEED + seeds - 1], 'successes': successes}


class Watch(BaseCallback):
    """SB3's callback: the episode log, the in-run evaluations, the time budget."""

    def __init__(self, options, eval_env, interrupted):
        super().__init__()
        self.options, self.eval_env, self.interrupted = options, eval_env, interrupted
        self.episodes, self.evals = [], []
        self.steps = self.human = 0
        self.train_seconds = 0.0  # wall time of training, without the evaluations
        self.clock = time.monotonic()
        self.next_eval = options.eval_every
        self.next_report = 60.0

    def _on_step(self):
        options = self.options
        now = time.monotonic()
        self.train_seconds += now - self.clock
        self.clock = now
        info, done = self.locals['infos'][0], bool(self.locals['dones'][0])
        self.steps += 1
        self.human += human_step(info)
        if done:
            self.episodes.append({
                'episode': len(self.episodes) + 1, 'wall_s': round(self.train_seconds, 2),
                'env_steps': self.num_timesteps, 'steps': self.steps,
                'intervention_rate': round(self.human / self.steps, 4),
                'success': int(bool(info.get('succeed', False)))})
            self.steps = self.human = 0
        if self.train_seconds >= self.next_report:
            self.next_report += 60.0
            recent = self.episodes[-20:]
            print(f'[train] {self.train_seconds:.0f} s: {self.num_timesteps} env steps, '
                  f'{len(self.episodes)} episodes, {self.model._n_updates} updates, last '
                  f'20 episodes: success {np.mean([e["success"] for e in recent] or [0]):.0%}'
                  ', intervention '
                  f'{np.mean([e["intervention_rate"] for e in recent] or [0]):.0%}',
                  flush=True)
        if self.train_seconds >= self.next_eval:
            self.next_eval += options.eval_every
            result = evaluate(self.model, self.eval_env, options.eval_seeds, False)
            self.evals.append({
                'wall_s': round(self.train_seconds, 1), 'env_steps': self.num_timesteps,
                'learner_step': self.model._n_updates,
                'success_rate': result['success_rate'],
                'mean_episode_length': result['mean_episode_length'],
                'seeds': options.eval_seeds})
            print(f'[train] eval at {self.train_seconds:.0f} s, {self.num_timesteps} env '
                  f'steps: success {result["success_rate"]:.0%}, mean length '
                  f'{result["mean_episode_length"]:.1f}', flush=True)
            self.clock = time.monotonic()
        return not self.interrupted and self.train_seconds < options.minutes * 60.0


def train(options, out):
    """Run steps 1-3; return the summary dict."""
    torch.set_num_threads(1)
    summary = {'route': 'stable-baselines3 SAC', 'human': 'none' if options.no_human
               else 'corrective', 'settings': {k: getattr(options, k) for k in SETTINGS},
               'minutes': options.minutes}
    parameters = None
    if not options.no_human:
        intervener = run.intervener_parameters(run.SPARING_HUMAN + tuple(options.intervener))
        parameters = out / 'graph_parameters.yaml'
        parameters.write_text(yaml.safe_dump({'synthetic_human': intervener}))
        summary['intervener'] = intervener
    interrupted = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, frame: interrupted.append(number))
    started = time.monotonic()
    demos, successes, starts = record_demos(options.demos, options.demo_seed, options.fps,
                                            options.start_states)
    summary.update(demo_episodes=options.demos, demo_frames=len(demos),
                   demo_successes=successes, demo_seconds=round(time.monotonic() - started, 1),
                   start_states=len(starts))
    bounds = observation_bounds([d[0] for d in demos] + [demos[-1][1]] + starts)
    bounds_text = json.dumps({'low': bounds[0].tolist(), 'high': bounds[1].tolist()})
    (out / BOUNDS).write_text(bounds_text)
    env = make_env('/sb3_train' + ('_nohuman' if options.no_human else ''),
                   'none' if options.no_human else 'script', options.fps, 'corrective',
                   parameters, options.seed, bounds)
    eval_env = make_env('/sb3_eval', 'none', bounds=bounds)  # nobody to wait for: unpaced
    try:
        width = options.net_width
        model = SAC('MlpPolicy', env, batch_size=options.batch_size, gamma=options.gamma,
                    ent_coef=options.ent_coef, learning_starts=options.learning_starts,
                    gradient_steps=options.gradient_steps, buffer_size=options.buffer_size,
                    policy_kwargs={'net_arch': [width, width]}, seed=options.seed,
                    replay_buffer_class=HilReplayBuffer, device='cpu')
        model.replay_buffer.executed_action = human_step
        model.replay_buffer.scale_action = model.policy.scale_action
        for obs, next_obs, info, reward, terminated in demos:
            model.replay_buffer.add_demo(normalize(obs, bounds), normalize(next_obs, bounds),
                                         info, reward, terminated)
        print(f"[train] {summary['demo_episodes']} demonstrations, {summary['demo_frames']} "
              f"frames ({summary['demo_successes']} succeeded); training "
              f"({summary['human']} human), {options.minutes:g} min", flush=True)
        watch = Watch(options, eval_env, interrupted)
        model.learn(total_timesteps=10**9, callback=watch, log_interval=None)
        checkpoint = out / 'checkpoints' / str(model._n_updates) / 'model.zip'
        model.save(checkpoint)
        (checkpoint.parent / BOUNDS).write_text(bounds_text)  # what its inputs need
        episodes = watch.episodes
        summary.update(train_seconds=round(watch.train_seconds, 1),
                       env_steps=model.num_timesteps, episodes=len(episodes),
                       learner_steps=model._n_updates,
                       takeover_frames=model.replay_buffer.demo_frames - summary['demo_frames'],
                       env_steps_per_s=round(model.num_timesteps / watch.train_seconds, 1),
                       interrupted=bool(interrupted))
        run.write_csv(out / 'episodes.csv', episodes)
        run.write_csv(out / 'evals.csv', watch.evals)
        summary['evals'] = watch.evals
        if episodes:
            last = episodes[-max(1, len(episodes) // 10):]
            summary.update(
                intervention_rate_last_10pct=round(float(np.mean(
                    [e['intervention_rate'] for e in last])), 4),
                actor_success_last_10pct=round(float(np.mean([e['success'] for e in last])), 4))
        for tag, deterministic in (('final', False), ('final_deterministic', True)):
            if interrupted:
                break
            final = evaluate(model, eval_env, options.final_seeds, deterministic)
            final['checkpoint'] = str(checkpoint)
            run.keep_final(out, summary, tag, final,
                           f"{'mean' if deterministic else 'sampled'} actions")
    finally:
        env.close()
        eval_env.close()
    return summary


def evaluate_checkpoint(path, seeds):
    """Run a saved model alone on held-out seeds, with sampled and mean actions."""
    saved = json.loads((path.parent / BOUNDS).read_text())
    bounds = np.array(saved['low'], np.float32), np.array(saved['high'], np.float32)
    model = SAC.load(path, device='cpu')
    env = make_env('/sb3_eval', 'none', bounds=bounds)
    results = {}
    try:
        for mode, deterministic in (('sampled', False), ('mean', True)):
            results[mode] = evaluate(model, env, seeds, deterministic)
            print(f'[eval] {path} ({mode} actions): success '
                  f"{results[mode]['success_rate']:.0%} over {seeds} held-out seeds, mean "
                  f"episode length {results[mode]['mean_episode_length']:.1f}", flush=True)
    finally:
        env.close()
    path.with_suffix('.eval.json').write_text(json.dumps(results, indent=2))
    return 0


def main(argv=None):
    """Run (or only evaluate); write summary.json."""
    options = parse_args(argv)
    if options.evaluate:
        return evaluate_checkpoint(options.evaluate, options.final_seeds)
    return run.main(options, train, 'sb3')


if __name__ == '__main__':
    sys.exit(main())
