# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A pick-cube graph started for one env (launch=True) and stopped by its close().

LeRobot makes its env with gym.make and nothing running, so an env may start its own graph.
It runs the `bringup` supervisor on the installed graph description with the simulator's
parameters set to the env's: the nodes, teleop choice and shutdown behaviour are bringup's, so a
launched graph is the same graph a user starts by hand. bringup's log goes to a file whose path
every error names.
"""

import ctypes
import os
from pathlib import Path
import signal
import subprocess
import sys
import tempfile

from franka_hil_sim.bringup import default_description, SHUTDOWN_GRACE_S
from franka_hil_sim.graph import load_description
import yaml

SIM_NODE = 'sim'
_PR_SET_PDEATHSIG = 1
LOG_TAIL_CHARS = 3000


class GraphFailed(RuntimeError):
    """The launched graph exited (a node failed to start or died)."""


class LaunchedGraph:
    """`bringup` running the graph with `sim_parameters` for the sim, in `namespace`."""

    def __init__(self, namespace, teleop, sim_parameters):
        self.namespace = namespace
        self.directory = Path(tempfile.mkdtemp(prefix='franka_hil_env_'))
        self.log_path = self.directory / 'bringup.log'
        description_path = self.directory / 'graph.yaml'
        description_path.write_text(yaml.safe_dump(graph_description(sim_parameters)))
        command = [sys.executable, '-m', 'franka_hil_sim.bringup', '--description',
                   str(description_path), f'namespace:={namespace}', f'teleop:={teleop}',
                   'num_sims:=1']
        with open(self.log_path, 'wb') as log:
            # The keyboard teleop reads this terminal; nothing else may take its input.
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT,
                stdin=None if teleop == 'keyboard' else subprocess.DEVNULL,
                preexec_fn=_dies_with(os.getpid()))

    def check(self):
        """Raise GraphFailed if bringup has exited."""
        code = self.process.poll()
        if code is not None:
            raise GraphFailed(f'the graph launched for the env exited with code {code}:\n'
                              f'{self.log_tail()}\n(full log: {self.log_path})')

    def log_tail(self):
        """Return the end of bringup's log."""
        try:
            return self.log_path.read_text(errors='replace')[-LOG_TAIL_CHARS:]
        except OSError:
            return ''

    def close(self):
        """Stop bringup as Ctrl-C would (it stops every node); kill it if it does not exit."""
        process = self.process
        for sig, grace in ((signal.SIGINT, 3 * SHUTDOWN_GRACE_S), (signal.SIGKILL, None)):
            if process.poll() is not None:
                break
            process.send_signal(sig)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                continue
        if process.returncode == 0:
            for path in (self.log_path, self.directory / 'graph.yaml'):
                path.unlink(missing_ok=True)
            self.directory.rmdir()


def graph_description(sim_parameters):
    """Return the installed graph description with the simulator's parameters replaced."""
    path = default_description()
    description = load_description(path)
    for node in description['nodes']:
        if node['name'] == SIM_NODE:
            node['parameters'] = dict(node.get('parameters', {}), **sim_parameters)
        # The description is written elsewhere: {config_dir} must still name the installed one.
        node['arguments'] = [str(a).replace('{config_dir}', str(path.parent))
                             for a in node.get('arguments', ())]
    return description


def _dies_with(parent):
    """
    Return a preexec_fn: the child gets SIGTERM when the env's process dies (no orphan graph).

    Linux delivers it when the creating thread exits, so make launched envs on a thread that
    lives as long as the env (the main thread, or a vector env's worker).
    """
    def preexec():
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)
    return preexec
