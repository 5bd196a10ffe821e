# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A pick-cube graph started for one env (launch=True) and stopped by its close().

LeRobot makes its env with gym.make and nothing running, so an env may start its own graph.
It runs the installed `bringup` command (found through the ament index, so it runs with the
workspace's own Python and simulator whatever environment the env lives in) with the simulator's
parameters overridden to the env's: the nodes, teleop choice and shutdown behaviour are
bringup's, so a launched graph is the same graph a user starts by hand. bringup's log goes to a
file whose path every error names.
"""

import ctypes
import os
from pathlib import Path
import shutil
import signal
import subprocess
import tempfile

from ament_index_python.packages import get_package_prefix, PackageNotFoundError
from franka_hil_common.names import SIM_NODE
import yaml

# The package whose `bringup` executable starts the graph.
BRINGUP_PACKAGE = 'franka_hil_sim'
# bringup gives the nodes 10 s per signal (SIGINT, SIGTERM) before it kills them.
CLOSE_TIMEOUT_S = 30.0
_PR_SET_PDEATHSIG = 1
LOG_TAIL_CHARS = 3000


class GraphFailed(RuntimeError):
    """The launched graph exited (a node failed to start or died)."""


class LaunchedGraph:
    """
    `bringup` running the graph with `sim_parameters` for the sim, in `namespace`.

    `human` (None: bringup's default) is its `human:=` argument, the synthetic human's mode;
    `node_parameters` ({node name: {parameter: value}}) sets other nodes' parameters (and the
    sim's, under sim_parameters).
    """

    def __init__(self, namespace, teleop, sim_parameters, human=None, node_parameters=None):
        self.namespace = namespace
        self.directory = Path(tempfile.mkdtemp(prefix='franka_hil_env_'))
        self.log_path = self.directory / 'bringup.log'
        overrides = {node: dict(values) for node, values in (node_parameters or {}).items()}
        overrides[SIM_NODE] = dict(overrides.get(SIM_NODE, {}), **sim_parameters)
        overrides_path = self.directory / 'overrides.yaml'
        overrides_path.write_text(yaml.safe_dump(overrides))
        command = [
            bringup_executable(),
            '--overrides',
            str(overrides_path),
            f'namespace:={namespace}',
            f'teleop:={teleop}',
            'num_sims:=1',
        ]
        if human is not None:
            command.append(f'human:={human}')
        # The graph dies with this process (SIGTERM). setpriv sets that in the child without a
        # preexec_fn: with one, Python forks and runs the fork handlers of every library here
        # in the child, and in LeRobot's actor (its gRPC threads running) the child then
        # aborted now and then (exit code -6, "epoll_wait error: Bad file descriptor").
        setpriv = shutil.which('setpriv')
        if setpriv is not None:
            command = [setpriv, '--pdeathsig', 'TERM', '--', *command]
        with open(self.log_path, 'wb') as log:
            # The keyboard teleop reads this terminal; nothing else may take its input.
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=None if teleop == 'keyboard' else subprocess.DEVNULL,
                preexec_fn=None if setpriv is not None else _dies_with(os.getpid()),
            )

    def check(self):
        """Raise GraphFailed if bringup has exited."""
        code = self.process.poll()
        if code is not None:
            raise GraphFailed(
                f'the graph launched for the env exited with code {code}:\n'
                f'{self.log_tail()}\n(full log: {self.log_path})'
            )

    def log_tail(self):
        """Return the end of bringup's log."""
        try:
            return self.log_path.read_text(errors='replace')[-LOG_TAIL_CHARS:]
        except OSError:
            return ''

    def close(self):
        """Stop bringup as Ctrl-C would (it stops every node); kill it if it does not exit."""
        process = self.process
        for sig, grace in ((signal.SIGINT, CLOSE_TIMEOUT_S), (signal.SIGKILL, None)):
            if process.poll() is not None:
                break
            process.send_signal(sig)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                continue
        if process.returncode == 0:
            for path in (self.log_path, self.directory / 'overrides.yaml'):
                path.unlink(missing_ok=True)
            self.directory.rmdir()


def bringup_executable():
    """Return the installed `franka-hil-bringup` command (as `ros2 run` finds it)."""
    try:
        prefix = Path(get_package_prefix(BRINGUP_PACKAGE))
        path = prefix / 'lib' / BRINGUP_PACKAGE / 'franka-hil-bringup'
    except PackageNotFoundError:
        path = None
    if path is None or not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f'launch=True needs the {BRINGUP_PACKAGE} package installed '
            f'and sourced (its franka-hil-bringup command was not found)'
        )
    return str(path)


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
