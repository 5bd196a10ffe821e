# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""sim_node's viewer=window: a MuJoCo viewer window under Xvfb, and a clear error without one."""

import os
import subprocess

from ament_index_python.packages import get_package_prefix
from franka_hil_msgs.msg import StepInfo


def script(name):
    return f'{get_package_prefix("franka_hil_sim")}/lib/franka_hil_sim/{name}'


def test_window_opens_on_the_display_and_follows_the_steps(
    x_display, start_process, ros_node, spin
):
    namespace = f'/sim_window_{os.getpid()}'
    sim = start_process(
        [
            script('sim_node'),
            '--ros-args',
            '-r',
            f'__ns:={namespace}',
            '-p',
            'viewer:=window',
            '-p',
            'mode:=realtime',
        ],
        name='sim_node',
        env=dict(os.environ, DISPLAY=x_display),
    )
    sim.wait_for_output('viewer window open', timeout=60)
    found = subprocess.run(
        ['xdotool', 'search', '--sync', '--onlyvisible', '--name', 'MuJoCo'],
        env=dict(os.environ, DISPLAY=x_display),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert found.returncode == 0 and found.stdout.split(), found
    name = subprocess.run(
        ['xdotool', 'getwindowname', found.stdout.split()[0]],
        env=dict(os.environ, DISPLAY=x_display),
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    assert 'panda_pick_cube' in name
    # The simulator keeps stepping with the window synced after every step.
    steps = []
    ros_node.create_subscription(StepInfo, f'{namespace}/step_info', steps.append, 100)
    spin(ros_node, lambda: len(steps) >= 10, timeout=60, what='10 realtime steps')
    assert sim.stop() == 0
    assert 'Traceback' not in sim.output()


def test_window_without_a_display_is_one_clear_error(start_process):
    env = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
    sim = start_process(
        [
            script('sim_node'),
            '--ros-args',
            '-r',
            f'__ns:=/sim_nowin_{os.getpid()}',
            '-p',
            'viewer:=window',
        ],
        name='sim_node',
        env=env,
    )
    assert sim.proc.wait(timeout=60) == 2
    output = sim.output()
    assert 'viewer=window needs a display' in output and 'viewer:=web' in output
    assert 'Traceback' not in output
