# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""keyboard_node's terminal backend in a real terminal (tmux), driven by tmux send-keys."""

import shlex
import time

from franka_hil_msgs.msg import EpisodeEvent, Intervention
import pytest


def test_terminal_keys_move_toggle_and_fire_events(
    tmux, tmp_path, executable, namespace, ros_node, inbox, spin
):
    node_cmd = [
        executable('keyboard_node'),
        '--ros-args',
        '-r',
        f'__ns:={namespace}',
        '-p',
        'backend:=terminal',
        '-p',
        'pulse_duration:=0.3',
        '-p',
        'button_hold:=0.3',
    ]
    done = tmp_path / 'done.txt'
    # After the node exits, record its exit code and the terminal's settings (the shell
    # survives the Ctrl-C meant for the node).
    script = (
        f'trap : INT; {shlex.join(node_cmd)} 2>{tmp_path}/stderr.txt; '
        f'echo "exit=$?" > {done}.tmp; '
        f'stty -a >> {done}.tmp; mv {done}.tmp {done}; sleep 600'
    )
    tmux('new-session', '-d', '-x', '160', '-y', '50', 'sh', '-c', script)

    def screen():
        return tmux('capture-pane', '-p', '-S', '-100').stdout

    deadline = time.monotonic() + 30
    while 'keys per action' not in screen():
        assert time.monotonic() < deadline, f'no key map printed:\n{screen()}'
        time.sleep(0.05)
    assert 'shift+up / page_up' in screen() and 'Ctrl-C quits' in screen()

    interventions = inbox(Intervention, f'{namespace}/intervention')
    events = inbox(EpisodeEvent, f'{namespace}/episode_event', 100)
    spin(ros_node, lambda: interventions.sub.get_publisher_count() > 0, what='topics matched')

    def linear(m):
        return (m.twist.linear.x, m.twist.linear.y, m.twist.linear.z)

    def after(count, predicate, what):
        spin(
            ros_node, lambda: any(predicate(m) for m in interventions.messages[count:]), what=what
        )

    tmux('send-keys', 'Space')
    after(0, lambda m: m.active and linear(m) == (0, 0, 0), 'override on')
    for key, expected in (
        ('Up', (0.25, 0, 0)),
        ('Down', (-0.25, 0, 0)),
        ('Left', (0, 0.25, 0)),
        ('Right', (0, -0.25, 0)),
        ('PageUp', (0, 0, 0.25)),
        ('S-Down', (0, 0, -0.25)),
    ):
        count = len(interventions)
        tmux('send-keys', key)
        after(count, lambda m: m.active and linear(m) == expected, f'{key} pulse')
        count = len(interventions)
        after(count, lambda m: m.active and linear(m) == (0, 0, 0), f'{key} pulse over')
    for key, gripper in (('c', Intervention.GRIPPER_CLOSE), ('o', Intervention.GRIPPER_OPEN)):
        count = len(interventions)
        tmux('send-keys', key)
        after(count, lambda m: m.gripper == gripper, f'{key} gripper')
    # Fine steps: a fifth of the speed, said in the terminal.
    tmux('send-keys', 'f')
    deadline = time.monotonic() + 30
    while 'fine steps on: 0.05 m/s, 1.5 cm a press' not in screen():
        assert time.monotonic() < deadline, f'fine mode not said:\n{screen()}'
        time.sleep(0.05)
    count = len(interventions)
    tmux('send-keys', 'Up')
    after(count, lambda m: m.active and linear(m) == pytest.approx((0.05, 0, 0)), 'a fine step')

    for key, code in (
        ('Enter', EpisodeEvent.SUCCESS),
        ('Escape', EpisodeEvent.FAILURE),
        ('r', EpisodeEvent.RERECORD),
    ):
        tmux('send-keys', key)
        spin(ros_node, lambda: any(e.event == code for e in events.messages), what=key)
    tmux('send-keys', 'Space')
    count = len(interventions)
    after(count, lambda m: not m.active, 'override off')
    assert [e.event for e in events.messages] == [
        EpisodeEvent.SUCCESS,
        EpisodeEvent.FAILURE,
        EpisodeEvent.RERECORD,
    ]
    assert {e.source for e in events.messages} == {'keyboard'}

    # Ctrl-C stops the node and the terminal gets its line editing and echo back.
    tmux('send-keys', 'C-c')
    deadline = time.monotonic() + 20
    while not done.exists():
        assert time.monotonic() < deadline, f'node did not stop on Ctrl-C:\n{screen()}'
        time.sleep(0.05)
    result = done.read_text().split()
    assert result[0] == 'exit=0', (tmp_path / 'stderr.txt').read_text()
    assert 'icanon' in result and 'echo' in result and '-icanon' not in result


def test_no_terminal_names_the_x11_backend(start_process, executable):
    proc = start_process([executable('keyboard_node'), '--ros-args', '-p', 'backend:=terminal'])
    assert proc.proc.wait(timeout=30) == 2
    assert 'no terminal: stdin is not a tty' in proc.output()
    assert 'backend:=x11' in proc.output() and 'Traceback' not in proc.output()
