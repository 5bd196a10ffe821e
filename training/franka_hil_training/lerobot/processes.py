# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
LeRobot's learner and actor as processes of ours: start, read their logs, stop them.

Shared by the check's part 4 (training_check) and the training runs (train). Runs in the LeRobot
venv; imports no LeRobot module itself (the processes do).
"""

import os
from pathlib import Path
import re
import signal
import socket
import subprocess
import sys
import time

PACKAGE = 'franka_hil_gym_bridge'


def tail(path, chars=3000):
    """Return the end of a log file."""
    try:
        return Path(path).read_text(errors='replace')[-chars:]
    except OSError:
        return ''


def free_port():
    """Return a TCP port nobody listens on now (for the learner's gRPC server)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class LeRobotProcess:
    """`python -m lerobot.rl.<module> --config_path ...`, its output in a log file."""

    def __init__(self, module, config_path, log_path, env, *args):
        self.name, self.log_path = module, log_path
        self.command = [
            sys.executable,
            '-m',
            f'lerobot.rl.{module}',
            '--config_path',
            str(config_path),
            f'--env.discover_packages_path={PACKAGE}',
            *args,
        ]
        with open(log_path, 'wb') as log:
            self.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )

    def text(self):
        """Return the log so far."""
        return Path(self.log_path).read_text(errors='replace')

    def stop(self, grace=30.0):
        """
        Ctrl-C it (LeRobot's signal handler shuts down); kill what is left; return its code.

        Ctrl-C goes to the LeRobot process alone: a graph its env launched stops when it exits
        (stopping the graph first would fail the env's call in flight). What is left after
        `grace` s, the whole process group, gets SIGTERM, then SIGKILL.
        """
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            if self.process.poll() is not None:
                break
            try:
                if sig == signal.SIGINT:
                    self.process.send_signal(sig)
                else:
                    os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        return self.process.poll()


def wait_for_learner(learner, timeout, interrupted=()):
    """Wait until the learner's gRPC server is up (the actor gives up when nobody answers)."""
    waited = time.monotonic()
    while 'gRPC server started' not in learner.text():
        if learner.process.poll() is not None or time.monotonic() - waited > timeout:
            raise RuntimeError(f'the learner did not start:\n{tail(learner.log_path)}')
        if interrupted:
            raise KeyboardInterrupt
        time.sleep(0.5)


def stop_training(actor, learner, watch, graph_timeout=40.0):
    """
    Stop the actor (None: never started) and the learner; return (exit codes, graph left).

    The graph the actor's env launched stops with it (close() or its parent's death): graph
    left is how many step_info publishers `watch` still sees after up to graph_timeout s.
    """
    codes = {}
    if actor is not None:
        codes['actor'] = actor.stop()
    codes['learner'] = learner.stop()
    deadline = time.monotonic() + graph_timeout
    while watch.publishers() and time.monotonic() < deadline:
        time.sleep(0.5)
    return codes, watch.publishers()


# LeRobot >= 0.6 installs torchcodec; where FFmpeg's shared libraries are missing, importing
# LeRobot logs a warning with a traceback per FFmpeg version tried, between these markers, and
# falls back to the pyav decoder: not a failure.
TORCHCODEC_PROBE = re.compile(
    r'\[start of libtorchcodec loading traceback\].*?'
    r'\[end of libtorchcodec loading traceback\]',
    re.DOTALL,
)


def failed(text):
    """Whether a LeRobot process's log shows an exception (LeRobot's torchcodec probe aside)."""
    return 'Traceback (most recent call last)' in TORCHCODEC_PROBE.sub('', text)


def learner_steps(text):
    """Return the learner's latest logged optimisation step count (0 before the first)."""
    found = re.findall(r'\[LEARNER\] Number of optimization step: (\d+)', text)
    return int(found[-1]) if found else 0


def learner_rates(text):
    """Return the learner's logged optimisation loop frequencies (Hz)."""
    return [
        float(x)
        for x in re.findall(r'\[LEARNER\] Optimization frequency loop \[Hz\]: ([0-9.e+-]+)', text)
    ]


LOG_TIME = re.compile(r'^\w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ')


def log_times(text, marker):
    """Return the times (s since the epoch, 1 s resolution) of LeRobot log lines with `marker`."""
    found = []
    for line in text.splitlines():
        match = LOG_TIME.match(line)
        if match and marker in line:
            found.append(time.mktime(time.strptime(match.group(1), '%Y-%m-%d %H:%M:%S')))
    return found


def policy_lag(actor_text, learner_text):
    """
    Return how stale the actor's policy is: the learner's pushes and the actor's loads.

    The learner pushes its weights every policy_parameters_push_frequency s; the actor loads the
    newest at the end of an episode only. Returns the median seconds between the actor's loads,
    and from each load back to the learner's push before it (both to 1 s), and the counts.
    """
    pushes = log_times(learner_text, '[LEARNER] Push parameters to the Actor')
    loads = log_times(actor_text, '[ACTOR] Load new parameters from Learner')
    waits = [
        load - max(p for p in pushes if p <= load)
        for load in loads
        if pushes and pushes[0] <= load
    ]
    gaps = [b - a for a, b in zip(loads, loads[1:])]
    return {
        'learner_pushes': len(pushes),
        'actor_loads': len(loads),
        'actor_load_interval_s_median': _median(gaps),
        'actor_load_after_push_s_median': _median(waits),
    }


def _median(values):
    return round(float(sorted(values)[len(values) // 2]), 1) if values else None
