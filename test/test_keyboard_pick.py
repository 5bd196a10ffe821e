# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A person at the terminal keyboard picks the cube from a random start, not only the centred one.

The keyboard node's terminal backend runs in tmux against a realtime simulator whose cube starts
away from the tool (random_block_position, seed 1: 9 cm off in x, 13.5 cm in y). The test plays
the person: it looks at the latest observation (tool and cube positions), presses one key, and
looks again once the robot has moved: coarse steps while far, fine steps (f) when near, down,
close, up. The task's own success (the cube lifted) ends the episode.
"""

import os
import shlex
import sys

from franka_hil_common import observation as layout
from franka_hil_msgs.msg import Observation, StepInfo
import numpy as np
import pytest

COARSE = 0.02  # m of error still worth a 2.5 cm press
ALIGNED = 0.005  # m: close enough over the cube (a fine press is 0.5 cm)
AXES = ((0, 'Up', 'Down'), (1, 'Left', 'Right'))  # +x away from the base, +y to its left


@pytest.mark.slow
def test_a_person_like_key_sequence_picks_the_cube_at_a_random_start(
    start_process, tmux, ros_node, spin
):
    ns = f'/keyboard_pick_{os.getpid()}'
    start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_sim.node.sim_node',
            '--ros-args',
            '-r',
            f'__ns:={ns}',
            '-p',
            'mode:=realtime',
            '-p',
            'seed:=1',
            '-p',
            'random_block_position:=true',
            '-p',
            'max_episode_steps:=900',
            '-p',
            'wait_for_person:=true',
        ],
        name='sim_node',
    )
    keyboard = [
        sys.executable,
        '-m',
        'franka_hil_teleop.keyboard_node',
        '--ros-args',
        '-r',
        f'__ns:={ns}',
        '-p',
        'backend:=terminal',
    ]
    env = {name: os.environ[name] for name in ('ROS_DOMAIN_ID', 'ROS_AUTOMATIC_DISCOVERY_RANGE')}
    tmux(
        'new-session',
        '-d',
        '-x',
        '160',
        '-y',
        '50',
        'sh',
        '-c',
        f'env {" ".join(f"{k}={v}" for k, v in env.items())} {shlex.join(keyboard)}; sleep 600',
    )

    def screen():
        return tmux('capture-pane', '-p', '-S', '-100').stdout

    observations, infos = [], []
    ros_node.create_subscription(Observation, f'{ns}/observation', observations.append, 100)
    ros_node.create_subscription(StepInfo, f'{ns}/step_info', infos.append, 100)
    spin(ros_node, lambda: 'keys per action' in screen(), 120, 'the key map')
    spin(ros_node, lambda: ros_node.count_publishers(f'{ns}/observation') > 0, 120, 'the sim')
    tmux('send-keys', 'Space')  # takes over: the held episode starts
    spin(ros_node, lambda: observations, 30, 'the first step')
    cube_start = np.array(observations[-1].environment_state)
    tool_start = layout.tcp_position(observations[-1].agent_pos)
    assert np.linalg.norm(cube_start[:2] - tool_start[:2]) > 0.1  # not under the tool

    def press(key, settle=4):
        """Press `key`, then look again once `settle` more control steps have run."""
        seen = len(observations)
        tmux('send-keys', key)
        spin(
            ros_node,
            lambda: (
                len(observations) >= seen + settle
                or any(i.terminated or i.truncated for i in infos)
            ),
            30,
            f'steps after {key}',
        )

    def look():
        return (
            layout.tcp_position(observations[-1].agent_pos),
            np.array(observations[-1].environment_state),
        )

    fine = False

    def set_fine(on):
        nonlocal fine
        if fine != on:
            tmux('send-keys', 'f')
            spin(
                ros_node,
                lambda: f'fine steps {"on" if on else "off"}' in screen(),
                10,
                'the fine-mode line',
            )
            fine = on

    for _ in range(120):  # over the cube, coarse then fine
        tool, cube = look()
        error = cube[:2] - tool[:2]
        axis = int(np.argmax(np.abs(error)))
        if abs(error[axis]) <= ALIGNED:
            break
        set_fine(abs(error[axis]) <= COARSE)
        press(AXES[axis][1] if error[axis] > 0 else AXES[axis][2])
    else:
        pytest.fail(f'not over the cube: tool {tool}, cube {cube}')
    for _ in range(60):  # down to the cube's centre height
        tool, cube = look()
        if tool[2] - cube[2] <= 0.005:
            break
        set_fine(tool[2] - cube[2] <= COARSE)
        press('PageDown')
    press('c', settle=5)
    set_fine(False)
    for _ in range(10):
        if any(i.success for i in infos):
            break
        press('PageUp')
    assert any(i.success and i.human_event == 0 for i in infos), (look(), screen())
    assert infos[0].episode == 1 and all(i.is_intervention for i in infos)
