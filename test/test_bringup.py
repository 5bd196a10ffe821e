# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The pip-only `bringup` supervisor: prefixed logs, signal forwarding, clean stop, node death."""

import signal
import sys
import textwrap

import pytest
import yaml

# A stand-in node: greets, then waits for a signal (or, once every waiting node is ready to be
# stopped, exits with a code of its own).
NODE = textwrap.dedent("""
    import glob, os, signal, sys, time
    name, code, ready, waiting = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    print('hello from', name, flush=True)
    if code:
        deadline = time.monotonic() + 30
        while len(glob.glob(os.path.join(ready, '*'))) < waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        sys.exit(code)
    try:
        open(os.path.join(ready, name), 'w').close()
        signal.pause()
    except KeyboardInterrupt:
        print('clean stop of', name, flush=True)
""")


def description(tmp_path, exit_codes):
    ready = tmp_path / 'ready'
    ready.mkdir()
    waiting = str(sum(code == 0 for code in exit_codes.values()))
    nodes = [{'name': name, 'package': 'no_such_package', 'executable': sys.executable,
              'arguments': ['-c', NODE, name, str(code), str(ready), waiting]}
             for name, code in exit_codes.items()]
    arguments = {name: {'default': 0} for name in ('namespace', 'num_sims')}
    arguments.update(namespace={'default': ''}, num_sims={'default': 1})
    path = tmp_path / 'graph.yaml'
    path.write_text(yaml.safe_dump({'arguments': arguments, 'nodes': nodes}))
    return path


@pytest.fixture
def bringup(start_process):
    def start(path, *arguments):
        return start_process([sys.executable, '-m', 'franka_hil_sim.bringup.supervisor',
                              '--description', str(path), *arguments], name='bringup')
    return start


def test_logs_are_prefixed_and_ctrl_c_stops_every_node(tmp_path, bringup):
    proc = bringup(description(tmp_path, {'alpha': 0, 'beta': 0}))
    proc.wait_for_output('[alpha] hello from alpha')
    proc.wait_for_output('[beta] hello from beta')
    assert proc.stop(signal.SIGINT) == 0
    output = proc.output()
    assert '[alpha] clean stop of alpha' in output and '[beta] clean stop of beta' in output
    assert '[bringup] all nodes stopped' in output


def test_sigterm_stops_the_graph_too(tmp_path, bringup):
    proc = bringup(description(tmp_path, {'alpha': 0}))
    proc.wait_for_output('[alpha] hello from alpha')
    assert proc.stop(signal.SIGTERM) == 0
    assert '[alpha] clean stop of alpha' in proc.output()


def test_a_dying_node_is_reported_and_stops_the_graph(tmp_path, bringup):
    proc = bringup(description(tmp_path, {'alpha': 0, 'crasher': 3}))
    proc.wait_for_output('node crasher died (exit code 3)')
    assert proc.proc.wait(timeout=30) == 1
    assert '[alpha] clean stop of alpha' in proc.output()


@pytest.mark.parametrize('arguments, message', [
    (['colour:=red'], "unknown argument(s) ['colour']"),
    (['num_sims:=0'], 'num_sims must be >= 1'),
])
def test_bad_arguments_exit_with_a_clear_error(tmp_path, bringup, arguments, message):
    proc = bringup(description(tmp_path, {'alpha': 0}), *arguments)
    assert proc.proc.wait(timeout=30) == 2
    assert message in proc.output() and 'Traceback' not in proc.output()


def test_missing_description_is_a_clear_error(tmp_path, bringup):
    proc = bringup(tmp_path / 'missing.yaml')
    assert proc.proc.wait(timeout=30) == 2
    assert 'missing.yaml' in proc.output() and 'Traceback' not in proc.output()
