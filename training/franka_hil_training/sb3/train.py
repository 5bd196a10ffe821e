# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A HIL-SERL training run on the graph with Stable-Baselines3's SAC (the second route).

LeRobot 0.4.4's actor drops `is_intervention` before its learner, so a person's corrections
never reach LeRobot's offline buffer (README). This run keeps HIL-SERL's data flow on a
well-kept library: SB3's SAC, unchanged, with a replay buffer (SB3's own, through its
`replay_buffer_class` hook, sb3/buffer.py) that keeps demonstrations and the human's
takeovers (with the action the graph executed) in a second buffer and samples every batch half
from each, as HIL-SERL (RLPD) does. Runs in the SB3 venv (`franka-hil-train-sb3`, or
scripts/train_hil_sb3.sh which makes the venv). Steps:

1. demos: --demos episodes of gym_hil's state task with random cube through a graph whose
   synthetic human holds the override (FRANKA_HIL_HUMAN=always), into the demo buffer; their
   per-feature range normalises every observation (observation_bounds.json), widened by the
   first observations of --start-states resets (seeds 20000..: the cube's start range, which
   one or two demonstrations do not span).
2. train: SB3 SAC steps franka_hil_ros/PandaPickCubeStateRandom-v0 (lockstep), whose env
   launches its graph with the corrective synthetic human (configs/sparing_human.yaml,
   --intervener changes it) or nobody (--no-human), for --minutes of wall time; the SAC
   settings are configs/sb3_sac.yaml's (each an option too). Each update runs in a worker
   thread while the env takes the next step (sb3/overlapped.py: the same updates per step, the
   policy acting with weights at most one update old); --serial-update keeps SB3's own loop.
3. curve: every --eval-every seconds the policy alone (teleop none, a graph of its own) on
   --eval-seeds held-out seeds (10000..); at the end on --final-seeds, sampled and mean actions.

--pixels: the same from the cameras. Step 0 gets the pixel encoder (vision/pretrain.py: from
--encoder-cache if this scene, these cameras and configs/pixel_encoder.yaml made one, else
pretrained now on labelled frames the simulator renders); every env of the run is then
franka_hil_ros/PandaPickCubePixelsRandom-v0 (the two cameras and agent_pos) with its images
through the frozen encoder (sb3/envs.py EncodedPixels): the policy never gets the simulator's
cube position, in training or evaluation; the synthetic human still steers by it. --minutes
then counts the wall time from the start, encoder and demonstrations included.

Outputs in --out, as the LeRobot route's (bench/plot_hil_training.py reads both):
settings.json, episodes.csv, evals.csv, final_eval.json, final_deterministic_eval.json,
summary.json and checkpoints/<updates>/model.zip.
"""

import argparse
import contextlib
import json
from pathlib import Path
import sys
import time

from franka_hil_training import run, settings
from franka_hil_training.sb3.buffer import HilReplayBuffer
from franka_hil_training.sb3.envs import (
    evaluate,
    human_step,
    make_env,
    normalize,
    observation_bounds,
    record_demos,
)
from franka_hil_training.sb3.overlapped import OverlappedSAC
from franka_hil_training.vision.manifest import EncoderRefused
from franka_hil_training.workspace import ROOT
import numpy as np
from stable_baselines3 import SAC
from stable_baselines3.common.callbacks import BaseCallback
import torch

BOUNDS = 'observation_bounds.json'
ENCODER = 'encoder.json'  # beside a pixel checkpoint: where its encoder is kept
# SAC settings changed from SB3's defaults, and why: configs/sb3_sac.yaml.
SETTINGS = settings.load('sb3_sac')


def parse_args(argv=None):
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--demos', type=int, default=10, help='demonstration episodes')
    parser.add_argument('--demo-seed', type=int, default=0, help='seed of the first demo')
    parser.add_argument('--seed', type=int, default=0, help="SAC's and the env's seed")
    parser.add_argument(
        '--evaluate',
        type=Path,
        metavar='MODEL_ZIP',
        help='only run this checkpoint alone on --final-seeds held-out seeds '
        '(sampled and mean actions; prints, and writes MODEL_ZIP.eval.json)',
    )
    parser.add_argument(
        '--pixels',
        action='store_true',
        help='learn from the two cameras and agent_pos through the pretrained pixel encoder',
    )
    parser.add_argument(
        '--encoder-cache',
        type=Path,
        default=ROOT / 'out' / 'encoders',
        help='where pixel encoders are kept, one folder per scene/camera/settings hash',
    )
    parser.add_argument(
        '--serial-update',
        action='store_true',
        help="SB3's own loop: step the env, then update (default: the update runs during the "
        'next env step, sb3/overlapped.py)',
    )
    run.add_options(parser, SETTINGS)
    return parser.parse_args(argv)


class Watch(BaseCallback):
    """SB3's callback: the episode log, the in-run evaluations, the time budget."""

    def __init__(self, options, eval_env, interrupted, budget_s):
        super().__init__()
        self.options, self.eval_env, self.interrupted = options, eval_env, interrupted
        self.budget_s = budget_s  # seconds of training (--minutes less what came before)
        self.episodes, self.evals = [], []
        self.steps = self.human = 0
        self.train_seconds = 0.0  # wall time of training, without the evaluations
        self.clock = time.monotonic()
        self.next_eval = options.eval_every
        self.next_report = 60.0

    def _on_step(self):
        now = time.monotonic()
        self.train_seconds += now - self.clock
        self.clock = now
        info, done = self.locals['infos'][0], bool(self.locals['dones'][0])
        self.steps += 1
        self.human += human_step(info)
        if done:
            self.episodes.append(
                {
                    'episode': len(self.episodes) + 1,
                    'wall_s': round(self.train_seconds, 2),
                    'env_steps': self.num_timesteps,
                    'steps': self.steps,
                    'intervention_rate': round(self.human / self.steps, 4),
                    'success': int(bool(info.get('succeed', False))),
                }
            )
            self.steps = self.human = 0
        if self.train_seconds >= self.next_report:
            self.next_report += 60.0
            self._print_progress()
        if self.train_seconds >= self.next_eval:
            self.next_eval += self.options.eval_every
            self._evaluate_alone()
            self.clock = time.monotonic()
        return not self.interrupted and self.train_seconds < self.budget_s

    def _print_progress(self):
        recent = self.episodes[-20:]
        print(
            f'[train] {self.train_seconds:.0f} s: {self.num_timesteps} env steps, '
            f'{len(self.episodes)} episodes, {self.model._n_updates} updates, last '
            f'20 episodes: success {np.mean([e["success"] for e in recent] or [0]):.0%}'
            ', intervention '
            f'{np.mean([e["intervention_rate"] for e in recent] or [0]):.0%}',
            flush=True,
        )

    def _evaluate_alone(self):
        result = evaluate(self.model, self.eval_env, self.options.eval_seeds, False)
        self.evals.append(
            {
                'wall_s': round(self.train_seconds, 1),
                'env_steps': self.num_timesteps,
                'learner_step': self.model._n_updates,
                'success_rate': result['success_rate'],
                'mean_episode_length': result['mean_episode_length'],
                'seeds': self.options.eval_seeds,
            }
        )
        print(
            f'[train] eval at {self.train_seconds:.0f} s, {self.num_timesteps} env '
            f'steps: success {result["success_rate"]:.0%}, mean length '
            f'{result["mean_episode_length"]:.1f}',
            flush=True,
        )


def demonstrations(options, out, summary, encoder=None):
    """Step 1: record the demos; write and return the bounds they (and start states) span."""
    started = time.monotonic()
    demos, successes, starts = record_demos(
        options.demos, options.demo_seed, options.fps, options.start_states, encoder
    )
    summary.update(
        demo_episodes=options.demos,
        demo_frames=len(demos),
        demo_successes=successes,
        demo_seconds=round(time.monotonic() - started, 1),
        start_states=len(starts),
    )
    bounds = observation_bounds([d[0] for d in demos] + [demos[-1][1]] + starts)
    bounds_text = json.dumps({'low': bounds[0].tolist(), 'high': bounds[1].tolist()})
    (out / BOUNDS).write_text(bounds_text)
    return demos, bounds, bounds_text


def make_model(options, env, demos, bounds, algorithm=None):
    """
    Return SB3's SAC with HilReplayBuffer, the demonstrations in its demo buffer.

    `algorithm`: SAC or OverlappedSAC (None: OverlappedSAC unless --serial-update).
    """
    if algorithm is None:
        algorithm = SAC if getattr(options, 'serial_update', False) else OverlappedSAC
    width = options.net_width
    model = algorithm(
        'MlpPolicy',
        env,
        batch_size=options.batch_size,
        gamma=options.gamma,
        ent_coef=options.ent_coef,
        learning_starts=options.learning_starts,
        gradient_steps=options.gradient_steps,
        train_freq=options.train_freq,
        buffer_size=options.buffer_size,
        # Adam's fused CPU kernel: the same update in less CPU than its per-tensor loop
        policy_kwargs={'net_arch': [width, width], 'optimizer_kwargs': {'fused': True}},
        seed=options.seed,
        replay_buffer_class=HilReplayBuffer,
        device='cpu',
    )
    model.replay_buffer.executed_action = human_step
    model.replay_buffer.scale_action = model.policy.scale_action
    for obs, next_obs, info, reward, terminated in demos:
        model.replay_buffer.add_demo(
            normalize(obs, bounds), normalize(next_obs, bounds), info, reward, terminated
        )
    return model


def keep_training(model, watch, out, summary, bounds_text, interrupted):
    """Save the checkpoint (and the bounds its inputs need); log the run; return its path."""
    checkpoint = out / 'checkpoints' / str(model._n_updates) / 'model.zip'
    model.save(checkpoint)
    (checkpoint.parent / BOUNDS).write_text(bounds_text)  # what its inputs need
    episodes = watch.episodes
    summary.update(
        train_seconds=round(watch.train_seconds, 1),
        env_steps=model.num_timesteps,
        episodes=len(episodes),
        learner_steps=model._n_updates,
        takeover_frames=model.replay_buffer.demo_frames - summary['demo_frames'],
        env_steps_per_s=round(model.num_timesteps / watch.train_seconds, 1),
        interrupted=bool(interrupted),
    )
    if isinstance(model, OverlappedSAC):  # the update's time, and the loop's wait for it
        summary.update(
            update_overlapped=True,
            update_ms=round(1000.0 * model.update_seconds / max(1, model._n_updates), 1),
            update_wait_s=round(model.wait_seconds, 1),
        )
    run.write_csv(out / 'episodes.csv', episodes)
    run.write_csv(out / 'evals.csv', watch.evals)
    summary['evals'] = watch.evals
    run.last_tenth(summary, episodes, lambda e: e['intervention_rate'])
    return checkpoint


def pixel_encoder(options, summary):
    """Step 0 of --pixels: return the encoder (cached, else pretrained now), or None."""
    if not options.pixels:
        return None
    from franka_hil_training.vision.pretrain import encoder_for_run

    encoder, summary['encoder'] = encoder_for_run(options.encoder_cache)
    return encoder


def make_envs(options, summary, parameters, bounds, encoder):
    """Return the training env (with the human or nobody) and the policy-alone eval env."""
    env = make_env(
        '/sb3_train' + ('_nohuman' if options.no_human else ''),
        'none' if options.no_human else 'script',
        options.fps,
        'corrective',
        parameters,
        options.seed,
        bounds,
        encoder,
    )
    # nobody to wait for: unpaced
    return env, make_env('/sb3_eval', 'none', bounds=bounds, encoder=encoder)


def train(options, out):
    """Run steps (0,) 1-3; return the summary dict."""
    started = time.monotonic()
    torch.set_num_threads(1)
    summary = {
        'route': 'stable-baselines3 SAC' + (' from pixels' if options.pixels else ''),
        'human': 'none' if options.no_human else 'corrective',
        'settings': {k: getattr(options, k) for k in SETTINGS},
        'minutes': options.minutes,
    }
    parameters = run.graph_parameters(options, out, summary)
    interrupted = run.catch_signals()
    encoder = pixel_encoder(options, summary)
    demos, bounds, bounds_text = demonstrations(options, out, summary, encoder)
    env, eval_env = make_envs(options, summary, parameters, bounds, encoder)
    try:
        model = make_model(options, env, demos, bounds)
        # a pixel run's budget counts the encoder and the demonstrations (the 20 min)
        budget_s = options.minutes * 60.0 - (time.monotonic() - started if encoder else 0.0)
        summary['setup_seconds'] = round(time.monotonic() - started, 1)
        print(
            f'[train] {summary["demo_episodes"]} demonstrations, {summary["demo_frames"]} '
            f'frames ({summary["demo_successes"]} succeeded); training '
            f'({summary["human"]} human), {budget_s / 60.0:.1f} min',
            flush=True,
        )
        watch = Watch(options, eval_env, interrupted, budget_s)
        model.learn(total_timesteps=10**9, callback=watch, log_interval=None)
        checkpoint = keep_training(model, watch, out, summary, bounds_text, interrupted)
        if encoder is not None:
            (checkpoint.parent / ENCODER).write_text(json.dumps(summary['encoder']['directory']))
        summary['wall_seconds_to_end_of_training'] = round(time.monotonic() - started, 1)
        final_evaluations(options, model, eval_env, checkpoint, out, summary, interrupted)
    finally:
        env.close()
        eval_env.close()
    return summary


def final_evaluations(options, model, eval_env, checkpoint, out, summary, interrupted):
    """Run the policy alone on --final-seeds held-out seeds, sampled then mean actions."""
    for tag, deterministic in (('final', False), ('final_deterministic', True)):
        if interrupted:
            break
        final = evaluate(model, eval_env, options.final_seeds, deterministic)
        final['checkpoint'] = str(checkpoint)
        run.keep_final(
            out, summary, tag, final, f'{"mean" if deterministic else "sampled"} actions'
        )


def evaluate_checkpoint(path, seeds):
    """Run a saved model alone on held-out seeds, with sampled and mean actions."""
    saved = json.loads((path.parent / BOUNDS).read_text())
    bounds = np.array(saved['low'], np.float32), np.array(saved['high'], np.float32)
    model = SAC.load(path, device='cpu')
    encoder = None
    if (path.parent / ENCODER).exists():  # a pixel policy: its encoder, checked against the scene
        from franka_hil_training.vision import pretrain

        directory = Path(json.loads((path.parent / ENCODER).read_text()))
        encoder = pretrain.load(directory, pretrain.expected_manifest())
    env = make_env('/sb3_eval', 'none', bounds=bounds, encoder=encoder)
    results = {}
    try:
        for mode, deterministic in (('sampled', False), ('mean', True)):
            results[mode] = evaluate(model, env, seeds, deterministic)
            print(
                f'[eval] {path} ({mode} actions): success '
                f'{results[mode]["success_rate"]:.0%} over {seeds} held-out seeds, mean '
                f'episode length {results[mode]["mean_episode_length"]:.1f}',
                flush=True,
            )
    finally:
        env.close()
    path.with_suffix('.eval.json').write_text(json.dumps(results, indent=2))
    return 0


def main(argv=None):
    """Run (or only evaluate, --evaluate MODEL_ZIP); write summary.json."""
    options = parse_args(argv)
    with one_line_refusals():
        if options.evaluate:
            return evaluate_checkpoint(options.evaluate, options.final_seeds)
        return run.main(options, train, 'sb3')


def evaluate_main(argv=None):
    """`franka-hil-eval-sb3 MODEL_ZIP [--seeds 50]`: a saved model alone on held-out seeds."""
    parser = argparse.ArgumentParser(description=evaluate_checkpoint.__doc__)
    parser.add_argument('model', type=Path, help='a checkpoint: checkpoints/<updates>/model.zip')
    parser.add_argument('--seeds', type=int, default=50, help='held-out seeds (10000..)')
    options = parser.parse_args(argv)
    with one_line_refusals():
        return evaluate_checkpoint(options.model, options.seeds)


@contextlib.contextmanager
def one_line_refusals():
    """Turn an encoder's refusal (another scene, image size, camera set) into its one line."""
    try:
        yield
    except EncoderRefused as error:
        raise SystemExit(str(error)) from None


if __name__ == '__main__':
    sys.exit(main())
