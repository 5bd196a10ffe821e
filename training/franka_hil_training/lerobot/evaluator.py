# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What a LeRobot training run watches: the actor's episodes, and the learner's checkpoints alone.

EpisodeWatch reads the actor's step_info on the graph (StepInfoWatch, shared with the check);
Evaluator runs `franka-hil-eval-lerobot`'s module (evaluate.py, a process of its own, the
policy alone on held-out seeds) on each new learner checkpoint.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time

from franka_hil_training.lerobot.step_info_watch import StepInfoWatch

EVALUATE_MODULE = 'franka_hil_training.lerobot.evaluate'


class EpisodeWatch(StepInfoWatch):
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
                self.current = {
                    'episode': msg.episode,
                    'steps': 0,
                    'interventions': 0,
                    'success': False,
                }
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
    """Every `every` seconds, runs evaluate.py on the learner's latest checkpoint."""

    def __init__(self, out, config_path, seeds, every, started, watch):
        super().__init__(daemon=True)
        self.out, self.config_path, self.seeds, self.every = out, config_path, seeds, every
        self.started, self.watch = started, watch
        self.rows, self.done = [], set()
        self.stop_event = threading.Event()
        self.process = None

    def latest(self):
        """Return the newest checkpoint folder whose learner step is past evaluated ones."""
        folders = [
            p
            for p in (self.out / 'train' / 'checkpoints').glob('[0-9]*')
            if (p / 'training_state').is_dir() and p.name not in self.done
        ]
        return max(folders, key=lambda p: int(p.name), default=None)

    def evaluate(self, checkpoint, seeds, tag, deterministic=False):
        """Run one evaluation (sampled actions, or the mean); return its result (None: failed)."""
        result_path = self.out / 'evals' / f'{tag}.json'
        result_path.parent.mkdir(exist_ok=True)
        log = self.out / 'evals' / f'{tag}.log'
        with open(log, 'wb') as handle:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    '-m',
                    EVALUATE_MODULE,
                    str(checkpoint),
                    '--config',
                    str(self.config_path),
                    '--seeds',
                    str(seeds),
                    '--out',
                    str(result_path),
                ]
                + (['--deterministic'] if deterministic else []),
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=dict(os.environ, OMP_NUM_THREADS='1'),
                start_new_session=True,
            )
        code = self.process.wait()
        if code != 0 or not result_path.exists():
            what = 'interrupted (the run ends)' if self.stop_event.is_set() else 'failed'
            print(
                f'[train] evaluation of {checkpoint} {what} (code {code}): see {log}', flush=True
            )
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
            steps_then = max([e['env_steps'] for e in episodes if e['end'] <= saved], default=0)
            result = self.evaluate(checkpoint, self.seeds, f'step{int(checkpoint.name)}')
            if result is None:
                continue
            row = {
                'wall_s': round(saved - self.started, 1),
                'env_steps': steps_then,
                'learner_step': int(checkpoint.name),
                'success_rate': result['success_rate'],
                'mean_episode_length': result['mean_episode_length'],
                'seeds': result['episodes'],
            }
            self.rows.append(row)
            print(
                f'[train] eval at {row["wall_s"]:.0f} s, {steps_then} env steps, learner '
                f'step {row["learner_step"]}: success {row["success_rate"]:.0%}, mean length '
                f'{row["mean_episode_length"]:.1f}',
                flush=True,
            )

    def stop(self):
        """Stop evaluating (an evaluation in progress is interrupted)."""
        self.stop_event.set()
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        self.join(60.0)
