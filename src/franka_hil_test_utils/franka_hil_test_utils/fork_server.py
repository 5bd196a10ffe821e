# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Node processes for the tests, forked from a process that has imported what the nodes import.

Most of a node's start is imports (rclpy, numpy, MuJoCo, Gymnasium, our packages: 0.6-0.8 s of
CPU) and rclpy's first log line (0.1 s: it maps every loaded module to its file); a run starts
hundreds of nodes on two cores. A server imports all that once, and each start forks it: the
child takes the command's argv, environment, directory, output and a session of its own, runs
the command as `python` would, and exits through the interpreter as that process would (exit
code, traceback, atexit). Only what python runs (`python -m module`, a Python script of this
interpreter) with the environment the server started with is forked (PYTEST_CURRENT_TEST
aside): another command or environment starts with subprocess, as before. The server runs no
thread of its own; rclpy's libraries start LTTng-UST's two listener threads, which a child
lacks: it cannot be traced with LTTng, which no test does.

`python -m franka_hil_test_utils.fork_server SOCKET` runs the server; `ForkServer` is its
client, and `ForkedProcess` the part of subprocess.Popen the tests use.
"""

import ctypes
import importlib
import inspect
import json
import locale
import os
from pathlib import Path
import runpy
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

# What the nodes the tests start import (a missing one is skipped).
PRELOAD = (
    'numpy',
    'rclpy.node',
    'franka_hil_sim.node.sim_node',
    'franka_hil_teleop.teleop_node',
    'franka_hil_teleop.synthetic_human_node',
    'franka_hil_teleop.keyboard_node',
    'franka_hil_recorder.recorder_node',
    'franka_hil_gym_bridge',
)
# Set per test by pytest: read when used, never at import.
LATE_VARIABLES = ('PYTEST_CURRENT_TEST',)
READY = 'fork server ready'
# The subprocess.run arguments ForkServer.run takes (a call with others is subprocess.run's).
RUN_ARGUMENTS = {'capture_output', 'text', 'timeout', 'check', 'stdin'}


def _server_env(env):
    return {k: v for k, v in env.items() if k not in LATE_VARIABLES}


def target_of(args):
    """Return (how, what, argv) for a command python runs, else None: how is 'module' or 'path'."""
    args = [str(a) for a in args]
    if args and args[0] == sys.executable and len(args) > 1:
        if args[1] == '-m' and len(args) > 2:
            return 'module', args[2], ['-m', *args[3:]]
        if not args[1].startswith('-') and Path(args[1]).is_file():
            return 'path', args[1], args[1:]
        return None
    path = shutil.which(args[0]) if args else None
    if path is None:
        return None
    try:
        with open(path, 'rb') as script:
            first = script.readline(200)
    except OSError:
        return None
    if first.rstrip() != b'#!' + os.fsencode(sys.executable):
        return None
    return 'path', path, [path, *args[1:]]  # the script's path, as the kernel gives python


# The server ------------------------------------------------------------------------------------


def serve(path):
    """Accept commands on the socket at `path`; return (request, descriptors) in each child."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    print(READY, flush=True)
    children = {}  # pid -> the connection its status goes to
    while True:
        readable, _, _ = select.select([listener, sys.stdin], [], [], 0.1)
        if sys.stdin in readable and not os.read(sys.stdin.fileno(), 1):
            raise SystemExit(0)  # the worker is gone
        if listener in readable:
            conn, _ = listener.accept()
            message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 2)
            request = json.loads(message)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                listener.close()
                for other in children.values():
                    other.close()
                conn.close()
                return request, fds
            for fd in fds:
                os.close(fd)
            conn.sendall(json.dumps({'pid': pid}).encode() + b'\n')
            children[pid] = conn
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = children.pop(pid, None)
            if conn is not None:
                code = os.waitstatus_to_exitcode(status)
                try:
                    conn.sendall(json.dumps({'returncode': code}).encode() + b'\n')
                except OSError:
                    pass  # its client has gone
                conn.close()


def become(request, outputs):
    """Turn this forked child into the requested process (all but running it)."""
    os.setsid()
    os.dup2(outputs[0], 1)
    os.dup2(outputs[-1], 2)  # stderr to stdout's file, or its own
    for fd in set(outputs):
        os.close(fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.chdir(request['cwd'])
    os.environ.clear()
    os.environ.update(request['env'])
    what = request['what']
    name = Path(what).stem if request['how'] == 'path' else what.rpartition('.')[2]
    ctypes.CDLL(None).prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME: ps, accounting
    if 'numpy' in sys.modules:
        sys.modules['numpy'].random.seed()  # the global generator's seed, a process's own
    sys.argv = list(request['argv'])
    sys.path[0] = (
        os.path.dirname(os.path.abspath(what)) if request['how'] == 'path' else request['cwd']
    )


def main():
    """Preload, then serve; in each child, run its command."""
    for module in PRELOAD:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    inspect.getmodule(main, __file__)  # rclpy's first log line would map every module here
    request, outputs = serve(sys.argv[1])
    become(request, outputs)
    if request['how'] == 'module':
        runpy.run_module(request['what'], run_name='__main__', alter_sys=True)
    else:
        runpy.run_path(request['what'], run_name='__main__')


# The client -------------------------------------------------------------------------------------


class ForkedProcess:
    """A forked child, as the tests use subprocess.Popen: pid, poll, wait, signals."""

    def __init__(self, conn, pid, args, received=b''):
        """Take the connection its exit status comes on (and what came of it already)."""
        self.args, self.pid, self.returncode = args, pid, None
        self._conn, self._buffer = conn, received
        self._parse()

    def _parse(self):
        if self._buffer.endswith(b'\n'):
            self.returncode = json.loads(self._buffer)['returncode']
            self._conn.close()

    def _read(self, timeout):
        if self.returncode is not None:
            return
        if select.select([self._conn], [], [], timeout)[0]:
            data = self._conn.recv(4096)
            if not data:  # the server went away without its status
                self.returncode = -signal.SIGKILL
                return
            self._buffer += data
            self._parse()

    def poll(self):
        """Return the exit code, or None while it runs."""
        self._read(0)
        return self.returncode

    def wait(self, timeout=None):
        """Wait for the exit code (subprocess.TimeoutExpired after `timeout` s)."""
        self._read(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def send_signal(self, sig):
        """Signal it while it runs."""
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self):
        """SIGTERM it."""
        self.send_signal(signal.SIGTERM)

    def kill(self):
        """SIGKILL it."""
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """Starts the server on first use and forks commands from it (start() gives None: not one)."""

    def __init__(self):
        """Nothing starts yet."""
        self._directory = self._path = self._server = self._env = None

    def _ensure(self):
        if self._server is None:
            self._directory = tempfile.mkdtemp(prefix='franka_hil_forks_')
            self._path = os.path.join(self._directory, 'server.sock')
            self._env = _server_env(os.environ)
            self._server = subprocess.Popen(
                [sys.executable, '-m', 'franka_hil_test_utils.fork_server', self._path],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,
            )
            line = self._server.stdout.readline().decode()
            if READY not in line:
                raise RuntimeError(f'the fork server did not start: {line!r}')
        return self._server.poll() is None

    def start(self, args, output, env=None, errors=None):
        """
        Fork `args` writing to the descriptor `output` (and stderr to `errors` if given).

        None when it must be started with subprocess instead.
        """
        env = dict(os.environ if env is None else env)
        target = target_of(args)
        if target is None or not self._ensure() or _server_env(env) != self._env:
            return None
        how, what, argv = target
        request = {'how': how, 'what': what, 'argv': argv, 'env': env, 'cwd': os.getcwd()}
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(self._path)
        outputs = [output] if errors is None else [output, errors]
        socket.send_fds(conn, [json.dumps(request).encode()], outputs)
        reply = b''
        while not reply.endswith(b'\n'):
            data = conn.recv(4096)
            if not data:
                raise RuntimeError('the fork server died while forking')
            reply += data
        first, _, rest = reply.partition(b'\n')
        return ForkedProcess(conn, json.loads(first)['pid'], list(args), rest)

    def run(self, args, **kwargs):
        """
        Fork `args` and wait for it, as subprocess.run does with these arguments.

        None when it must be run with subprocess instead: arguments other than RUN_ARGUMENTS,
        or a stdin other than the default or DEVNULL (a forked child reads /dev/null).
        """
        stdin = kwargs.get('stdin')
        if not set(kwargs) <= RUN_ARGUMENTS or stdin not in (None, subprocess.DEVNULL):
            return None
        capture_output, text = kwargs.get('capture_output'), kwargs.get('text')
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            outputs = (out.fileno(), err.fileno()) if capture_output else (1, 2)
            proc = self.start(args, outputs[0], errors=outputs[1])
            if proc is None:
                return None
            try:
                proc.wait(kwargs.get('timeout'))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise
            captured = [None, None]
            if capture_output:
                for i, file in enumerate((out, err)):
                    file.seek(0)
                    captured[i] = file.read()
                    if text:  # as subprocess decodes: the locale's encoding, newlines as \n
                        captured[i] = (
                            captured[i]
                            .decode(locale.getpreferredencoding(False))
                            .replace('\r\n', '\n')
                            .replace('\r', '\n')
                        )
        done = subprocess.CompletedProcess(args, proc.returncode, *captured)
        if kwargs.get('check'):
            done.check_returncode()
        return done

    def stop(self):
        """Stop the server (its children run on: their tests stop them)."""
        if self._server is not None:
            self._server.stdin.close()
            try:
                self._server.wait(10)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait()
            self._server.stdout.close()
            shutil.rmtree(self._directory, ignore_errors=True)


if __name__ == '__main__':
    main()
