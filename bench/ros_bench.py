# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the benchmarks that start ROS nodes share.

Importing it keeps DDS discovery on this machine and gives the run its own domain, so a bench
never sends traffic off loopback nor sees another run's nodes.
"""

import os
from pathlib import Path
import subprocess
import sys
import tempfile

import numpy as np

os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
os.environ.setdefault('ROS_DOMAIN_ID', str(1 + os.getpid() % 100))
if not os.environ.get('DISPLAY'):
    os.environ.setdefault('MUJOCO_GL', 'egl')

TICKS = os.sysconf('SC_CLK_TCK')


def ee_action_stream(seed, batch=None):
    """Yield seeded 4-D EE actions (a batch of them when `batch` is given)."""
    rng = np.random.default_rng(seed)
    shape = (4,) if batch is None else (batch, 4)
    while True:
        action = rng.uniform(-1.0, 1.0, shape).astype(np.float32)
        action[..., 3] = rng.integers(0, 3, shape[:-1])
        yield action


class SimProcess:
    """A sim_node process (echo: bench/echo_sim.py) in namespace `ns`, its log in a temp file."""

    def __init__(self, ns, echo=False, **parameters):
        self.ns = ns
        program = (
            [str(Path(__file__).with_name('echo_sim.py'))]
            if echo
            else ['-m', 'franka_hil_sim.node.sim_node']
        )
        argv = [sys.executable, *program, '--ros-args', '-r', f'__ns:={ns}']
        for name, value in parameters.items():
            argv += ['-p', f'{name}:={str(value).lower()}']
        self.log = tempfile.NamedTemporaryFile(prefix='bench_sim_', suffix='.log')
        self.proc = subprocess.Popen(
            argv, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )

    def cpu_seconds(self):
        """User + system CPU time of the process so far (from /proc)."""
        fields = Path(f'/proc/{self.proc.pid}/stat').read_text().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def failure(self, what):
        """Return an error about `what` that carries the node's log."""
        self.log.flush()
        return RuntimeError(f'{what}; sim_node said:\n{Path(self.log.name).read_text()}')

    def stop(self):
        self.proc.send_signal(2)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
