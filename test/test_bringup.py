# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The pip-only `bringup` supervisor: prefixed logs, signal forwarding, clean stop, node death."""

import os
import signal
import sys
import textwrap

import pytest
import yaml

# A stand-in node: greets, then waits for a signal (or, once every waiting node is ready to be
# stopped, exits with a code of its own).
NODE = textwrap.dedent("""
    import glob, os, signal, sys, time
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stops as our nodes do
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
    nodes = [
        {
            'name': name,
            'package': 'no_such_package',
            'executable': sys.executable,
            'arguments': ['-c', NODE, name, str(code), str(ready), waiting],
        }
        for name, code in exit_codes.items()
    ]
    arguments = {name: {'default': 0} for name in ('namespace', 'num_sims')}
    arguments.update(namespace={'default': ''}, num_sims={'default': 1})
    path = tmp_path / 'graph.yaml'
    path.write_text(yaml.safe_dump({'arguments': arguments, 'nodes': nodes}))
    return path


@pytest.fixture
def bringup(start_process):
    def start(path, *arguments):
        return start_process(
            [
                sys.executable,
                '-m',
                'franka_hil_sim.bringup.supervisor',
                '--description',
                str(path),
                *arguments,
            ],
            name='bringup',
        )

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


@pytest.mark.parametrize(
    'arguments, message',
    [
        (['colour:=red'], "unknown argument(s) ['colour']"),
        (['num_sims:=0'], 'num_sims must be >= 1'),
    ],
)
def test_bad_arguments_exit_with_a_clear_error(tmp_path, bringup, arguments, message):
    proc = bringup(description(tmp_path, {'alpha': 0}), *arguments)
    assert proc.proc.wait(timeout=30) == 2
    assert message in proc.output() and 'Traceback' not in proc.output()


def test_missing_description_is_a_clear_error(tmp_path, bringup):
    proc = bringup(tmp_path / 'missing.yaml')
    assert proc.proc.wait(timeout=30) == 2
    assert 'missing.yaml' in proc.output() and 'Traceback' not in proc.output()


def test_a_missing_executable_starts_no_node(tmp_path, bringup):
    path = description(tmp_path, {'alpha': 0})
    graph = yaml.safe_load(path.read_text())
    graph['nodes'].append(
        {'name': 'viewer', 'package': 'no_such_package', 'executable': 'no_such_viewer_executable'}
    )
    path.write_text(yaml.safe_dump(graph))
    proc = bringup(path)
    assert proc.proc.wait(timeout=30) == 2
    output = proc.output()
    assert '[bringup] started' not in output and 'hello from' not in output
    assert 'Traceback' not in output
    errors = [line for line in output.splitlines() if line.startswith('[bringup] error: ')]
    assert len(errors) == 1 and "executable 'no_such_viewer_executable'" in errors[0]
    assert 'no node started' in errors[0]


@pytest.mark.parametrize(
    'arguments, message',
    [
        (
            ['num_sims:=abc'],
            "argument num_sims:='abc' is not valid: it must be an integer in [1, 64]",
        ),
        (['num_sims:=1000000'], "argument num_sims:='1000000' is not valid"),
        (['seed:=abc'], "argument seed:='abc' is not valid: it must be an integer in [0, "),
        (
            ['namespace:=bad name!'],
            "argument namespace:='bad name!' is not valid: it must be a ROS namespace",
        ),
        (
            ['keyboard_backend:=sdl'],
            "argument keyboard_backend:='sdl' is not valid: it must be one "
            "of ['auto', 'x11', 'terminal']",
        ),
    ],
)
def test_bad_arguments_of_the_real_graph_are_one_line(start_process, arguments, message):
    proc = start_process(
        [sys.executable, '-m', 'franka_hil_sim.bringup.supervisor', *arguments], name='bringup'
    )
    assert proc.proc.wait(timeout=30) == 2
    output = proc.output()
    assert output.strip().splitlines() == [
        f'[bringup] error: {output.split("error: ")[1]}'.strip()
    ]
    assert message in output and '[bringup] started' not in output


def test_rviz_missing_starts_nothing(start_process):
    # Where rviz2 is installed, hide it: neither its package prefix nor PATH may show it.
    env = dict(os.environ)
    for variable, marker in (('PATH', 'rviz2'), ('AMENT_PREFIX_PATH', 'lib/rviz2')):
        env[variable] = os.pathsep.join(
            d
            for d in env.get(variable, '').split(os.pathsep)
            if not os.path.exists(os.path.join(d, marker))
        )
    proc = start_process(
        [sys.executable, '-m', 'franka_hil_sim.bringup.supervisor', 'rviz:=true'],
        name='bringup',
        env=env,
    )
    assert proc.proc.wait(timeout=30) == 2
    output = proc.output()
    assert output.count('\n') == 1 and output.startswith('[bringup] error: ')
    assert "executable 'rviz2' of package 'rviz2' not found" in output
    assert 'no node started' in output
