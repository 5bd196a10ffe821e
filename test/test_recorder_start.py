# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A recorder slow to come up misses no episode's start: the realtime sim waits for it (a while).

The real graph (bringup, record:=DIR) with the recorder held back by a wrapper until the test
sees the simulator waiting for it: the first episode then starts only once the recorder records,
so the bag holds episode 1 from its first step and every episode that ended in it is whole.
"""

import re
import sys
import time

from franka_hil_recorder.bag_to_lerobot import whole_episodes
from franka_hil_sim.bringup.graph import executable_path, load_description, NodeSpec
from franka_hil_sim.bringup.supervisor import default_description
import yaml

WAITING = 'realtime: episode 1 waits for the recorder /recorder'
RECORDS = 'realtime: the recorder /recorder records this simulator'


def held_recorder_description(tmp_path):
    """Write the real graph description, its recorder started only once `go` exists."""
    go = tmp_path / 'go'
    real = executable_path(NodeSpec('franka_hil_recorder', 'recorder', 'recorder'))
    wrapper = tmp_path / 'held_recorder'
    wrapper.write_text(
        '#!/bin/sh\n'
        f'for i in $(seq 1200); do [ -e {go} ] && exec {real} "$@"; sleep 0.05; done\n'
        'echo "held_recorder: never released"; exit 1\n'
    )
    wrapper.chmod(0o755)
    description = load_description(default_description())
    (recorder,) = [n for n in description['nodes'] if n['name'] == 'recorder']
    recorder['executable'] = str(wrapper)  # an absolute path: executable_path takes it as is
    path = tmp_path / 'pick_cube.yaml'
    path.write_text(yaml.safe_dump(description))
    return path, go


def wait_for(proc, pattern, timeout):
    """Wait until the process's output matches `pattern`; return the match."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, proc.output())
        if match or proc.proc.poll() is not None:
            break
        time.sleep(0.1)
    assert match, f'{pattern!r} not seen within {timeout} s:\n{proc.output()}'
    return match


def test_a_late_recorder_gets_episode_one_whole_and_every_ended_episode(start_process, tmp_path):
    description, go = held_recorder_description(tmp_path)
    bag = tmp_path / 'bag'
    graph = start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_sim.bringup.supervisor',
            '--description',
            str(description),
            'mode:=realtime',
            f'record:={bag}',
            'episode_s:=1',
            'viewer:=none',
        ],
        name='bringup',
    )
    graph.wait_for_output(WAITING, timeout=60)
    assert 'episode 1 started' not in graph.output()
    go.touch()  # the recorder starts only now, well after the simulator
    wait_for(graph, r'realtime: episode 4 started', timeout=90)
    assert graph.stop(timeout=60) == 0
    output = graph.output()
    assert output.index('[recorder]') > output.index(WAITING)
    assert output.index(RECORDS) < output.index('realtime: episode 1 started')
    ended = {int(n) for n in re.findall(r'episode (\d+) (?:terminated|truncated) at step', output)}
    recorded, skipped = whole_episodes(bag)
    assert recorded[0] == 1, skipped
    # Every episode the sim ended before the recorder stopped is whole in the bag; at most the
    # one running when it stopped is not.
    assert set(recorded) <= ended and len(recorded) >= 3, (recorded, skipped, ended)
    assert all(reason.startswith('did not end') for reason in skipped.values()), skipped


def test_a_recorder_that_never_comes_is_an_error_line_and_the_sim_runs_on(start_process):
    sim = executable_path(NodeSpec('franka_hil_sim', 'sim_node', 'sim'))
    proc = start_process(
        [
            sim,
            '--ros-args',
            '-p',
            'mode:=realtime',
            '-p',
            'recorder:=/nobody',
            '-p',
            'recorder_timeout:=1.0',
        ],
        name='sim',
    )
    proc.wait_for_output('realtime: episode 1 waits for the recorder /nobody', timeout=60)
    proc.wait_for_output(
        'realtime: the recorder /nobody did not record this simulator within 1 s '
        '(waiting for /nobody (not started)): episode 1 starts without it',
        timeout=30,
    )
    proc.wait_for_output('realtime: episode 1 started', timeout=10)
    assert proc.stop() == 0
