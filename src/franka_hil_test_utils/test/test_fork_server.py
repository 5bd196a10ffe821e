# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""A command forked by the fork server behaves as the same command started by subprocess."""

import os
import signal
import subprocess
import sys

from franka_hil_test_utils.fork_server import ForkedProcess, target_of
import pytest

SCRIPT = """
import os, sys, time
print('argv', sys.argv, 'path0', sys.path[0], flush=True)
print('cwd', os.getcwd(), 'session', os.getsid(0) == os.getpid(), flush=True)
print('name', __name__, 'stdin', sys.stdin.read(), flush=True)
mode = sys.argv[1]
if mode == 'raise':
    raise RuntimeError('boom')
if mode == 'exit':
    sys.exit(3)
if mode == 'wait':
    print('waiting', flush=True)
    time.sleep(60)
"""


def both(start_process, args):
    """Run `args` forked (start_process) and exec'd (subprocess): (code, output) of each."""
    forked = start_process(args, name='forked')
    assert isinstance(forked.proc, ForkedProcess)
    forked.proc.wait(30)
    run = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    return (forked.proc.returncode, forked.output()), (run.returncode, run.stdout + run.stderr)


@pytest.mark.parametrize('mode, code', [('ok', 0), ('exit', 3), ('raise', 1)])
def test_a_forked_script_runs_as_python_would_run_it(
    start_process, tmp_path, monkeypatch, mode, code
):
    script = tmp_path / 'probe.py'
    script.write_text(SCRIPT)
    monkeypatch.chdir(tmp_path)
    (forked_code, forked), (real_code, real) = both(
        start_process, [sys.executable, str(script), mode]
    )
    assert forked_code == real_code == code
    assert forked.splitlines()[:3] == real.splitlines()[:3], (forked, real)
    assert f'cwd {tmp_path} session True' in forked
    assert forked.splitlines()[-1] == real.splitlines()[-1]  # the error, after the traceback


def test_a_forked_module_gets_its_arguments(start_process, tmp_path):
    data = tmp_path / 'data.json'
    data.write_text('{"b": 1, "a": [2]}')
    (forked_code, forked), (real_code, real) = both(
        start_process, [sys.executable, '-m', 'json.tool', '--sort-keys', str(data)]
    )
    assert forked_code == real_code == 0 and forked == real


def test_a_forked_process_is_signalled_and_waited_for_as_a_started_one(start_process, tmp_path):
    script = tmp_path / 'probe.py'
    script.write_text(SCRIPT)
    args = [sys.executable, str(script), 'wait']
    forked = start_process(args, name='forked')
    started = start_process(args, name='started', env=dict(os.environ, OTHER='1'))
    assert isinstance(forked.proc, ForkedProcess)
    assert isinstance(started.proc, subprocess.Popen)  # another environment: not forked
    for proc in (forked, started):
        proc.wait_for_output('waiting')
        assert proc.proc.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            proc.proc.wait(0.1)
        assert open(f'/proc/{proc.proc.pid}/comm').read().strip() in ('probe', 'python')
        proc.proc.send_signal(signal.SIGINT)  # KeyboardInterrupt, uncaught: killed by SIGINT
        assert proc.proc.wait(10) == -signal.SIGINT


def test_only_commands_this_python_runs_are_forked(tmp_path):
    script = tmp_path / 'tool'
    script.write_text('#!/bin/sh\necho hi\n')
    assert target_of([sys.executable, '-m', 'json.tool', 'x']) == (
        'module',
        'json.tool',
        ['-m', 'x'],
    )
    assert target_of([sys.executable, '-c', 'pass']) is None
    assert target_of([str(script)]) is None
    assert target_of(['no_such_command_here']) is None


@pytest.mark.parametrize('mode', ['ok', 'raise'])
def test_a_forked_run_gives_what_subprocess_run_gives(run_process, tmp_path, monkeypatch, mode):
    script = tmp_path / 'probe.py'
    script.write_text(SCRIPT)
    monkeypatch.chdir(tmp_path)
    args = [sys.executable, str(script), mode]
    forked = run_process(args, capture_output=True, text=True, timeout=30)
    real = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=30,
        start_new_session=True,
        stdin=subprocess.DEVNULL,
    )
    assert forked.returncode == real.returncode and forked.stdout == real.stdout
    assert forked.stderr.splitlines()[-1:] == real.stderr.splitlines()[-1:]
    assert 'session True' in forked.stdout  # forked: subprocess.run would not say so
    if mode == 'raise':
        with pytest.raises(subprocess.CalledProcessError):
            run_process(args, capture_output=True, check=True)
    with pytest.raises(subprocess.TimeoutExpired):
        run_process([sys.executable, str(script), 'wait'], capture_output=True, timeout=1)
