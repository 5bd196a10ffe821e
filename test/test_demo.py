# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The README's main command, CI-sized: hil_demo runs the graph end to end for two episodes."""

import re
import sys

import imageio_ffmpeg
from rosbags.rosbag2 import Reader


def test_demo_runs_end_to_end(free_ports, start_process, tmp_path):
    out = tmp_path / 'demo'
    (web,) = free_ports(1)
    demo = start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_sim.bringup.demo',
            '--episodes',
            '2',
            '--out',
            str(out),
            '--timeout',
            '120',
            f'drive_port:={web}',
        ],
        name='hil_demo',
    )
    assert demo.proc.wait(timeout=180) == 0, demo.output()
    output = demo.output()
    # The driving page is on by default, its address and the ssh -L line shown in the terminal.
    assert f'[drive] driving page: http://127.0.0.1:{web}/' in output
    assert f'ssh -N -L {web}:127.0.0.1:{web} USER@THIS_HOST' in output
    assert re.search(r'2 episodes, success rate 100% \(2/2\), intervention rate \d+%', output)
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(out / 'cameras.mp4'))
    assert frames > 0 and f'({frames} frames' in output
    with Reader(out / 'bag') as reader:
        counts = {c.topic: c.msgcount for c in reader.connections}
    assert counts['/step_info'] >= 2 and counts['/episode_event'] >= 2
    # what a replay or a dataset needs: the robot, the pad, the teleop's command
    assert counts['/robot_description'] >= 1
    assert counts['/joy'] >= 2 and counts['/cmd_vel'] >= 2
    assert (out / 'graph.log').read_text().count('terminated') >= 2


def test_demo_refuses_to_overwrite(start_process, tmp_path):
    demo = start_process(
        [sys.executable, '-m', 'franka_hil_sim.bringup.demo', '--out', str(tmp_path)],
        name='hil_demo',
    )
    assert demo.proc.wait(timeout=60) == 2
    assert 'exists already' in demo.output()
