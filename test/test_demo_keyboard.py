# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
`bash scripts/demo.sh teleop:=keyboard` in a real terminal (tmux): a person drives to a success.

The demo hands its terminal to the keyboard node (through bringup), which shows its key map;
keys sent with tmux take over (Space), move (Up) and end the episode with success (Enter), and
the demo counts it from step_info and finishes. With wait_for_person:=true each episode waits
at its reset until the person takes over (Space). Every wait is on the screen, on the graph's
log or on its topics, but the watch that a held episode does not start.
"""

import os
from pathlib import Path
import shlex
import time

from franka_hil_common import events
from franka_hil_msgs.msg import Intervention, StepInfo
import pytest

ROOT = Path(__file__).resolve().parents[1]
# How long a held episode is watched not to start (wall time; the sim ticks 10 times a second).
HOLD_S = 1.5


def start_demo(tmux, arguments):
    """Run the demo in tmux; its exit code stays on the screen after it (the shell outlives it)."""
    env = {name: os.environ[name] for name in ('ROS_DOMAIN_ID', 'ROS_AUTOMATIC_DISCOVERY_RANGE')}
    demo = ['bash', str(ROOT / 'scripts' / 'demo.sh'), *arguments]
    script = (
        f'env {" ".join(f"{k}={v}" for k, v in env.items())} {shlex.join(demo)}; '
        'echo "demo exit=$?"; sleep 600'
    )
    tmux('new-session', '-d', '-x', '200', '-y', '60', 'sh', '-c', script)


def screen(tmux):
    return tmux('capture-pane', '-p', '-J', '-S', '-200').stdout


def wait_screen(tmux, text, timeout):
    """Wait until `text` is on the screen; return the screen."""
    deadline = time.monotonic() + timeout
    while text not in (shown := screen(tmux)):  # one capture per look: the screen changes
        assert time.monotonic() < deadline, f'{text!r} not on the screen:\n{shown}'
        assert 'demo exit=' not in shown, f'the demo ended early:\n{shown}'
        time.sleep(0.1)
    return shown


@pytest.mark.slow
def test_keyboard_demo_in_a_terminal_drives_to_a_success(
    free_ports, tmux, tmp_path, ros_node, spin
):
    (web,) = free_ports(1)
    start_demo(
        tmux,
        [
            '--episodes',
            '1',
            '--out',
            str(tmp_path / 'demo'),
            '--timeout',
            '240',
            'teleop:=keyboard',
            f'drive_port:={web}',
        ],
    )

    wait_screen(tmux, 'keys per action', 120)  # the keyboard node has the terminal
    wait_screen(tmux, f'driving page: http://127.0.0.1:{web}/', 60)
    assert 'enter' in screen(tmux) and 'space' in screen(tmux)

    steps = []
    ros_node.create_subscription(StepInfo, 'step_info', steps.append, 100)
    # Drive every episode from its first seconds until the demo counts a success: it counts
    # the first episode it saw start, which this test cannot tell from outside.
    handled = set()
    deadline = time.monotonic() + 180

    def counted():
        """Return True once the demo has its count: it stops stepping then, maybe after a reset."""
        shown = screen(tmux)
        return '(1/1)' in shown or 'demo exit=' in shown

    while '(1/1)' not in screen(tmux):
        assert time.monotonic() < deadline, f'no success counted by the demo:\n{screen(tmux)}'
        spin(
            ros_node,
            lambda: steps and steps[-1].episode not in handled,
            timeout=60,
            what=lambda: f'a new episode ({len(steps)} steps seen); screen:\n{screen(tmux)}',
        )
        episode = steps[-1].episode
        handled.add(episode)
        # An episode first seen near its time limit may end while it is driven: each wait also
        # ends when the episode does, and the next one is driven instead (or when the demo has
        # counted the last one and stops, the next episode barely begun).
        if not steps[-1].is_intervention:
            tmux('send-keys', 'Space')
            spin(
                ros_node,
                lambda: steps[-1].is_intervention or steps[-1].episode != episode or counted(),
                timeout=30,
                what='the takeover',
            )
        moved = len(steps)
        tmux('send-keys', 'Up')
        spin(
            ros_node,
            lambda: (
                steps[-1].episode != episode
                or counted()
                or any(s.is_intervention and s.action[0] > 0 for s in steps[moved:])
            ),
            timeout=30,
            what='a move in +x',
        )
        if steps[-1].episode != episode or counted():
            continue
        # The terminal backend takes presses of one key within button_hold (0.6 s) as one held
        # key: the last Enter ended the previous episode, so wait for 8 steps (0.8 s) of this one.
        spin(
            ros_node,
            lambda: steps[-1].episode != episode or steps[-1].step >= 8 or counted(),
            timeout=30,
            what='8 steps into the episode',
        )
        if steps[-1].episode != episode or counted():
            continue
        tmux('send-keys', 'Enter')
        # The demo stops the graph as soon as it counts the success, so the episode's last
        # StepInfo may never reach this subscriber: then the demo's own count (checked below,
        # from the same step_info) stands for it.
        spin(
            ros_node,
            lambda: counted() or any(s.episode == episode and s.terminated for s in steps),
            timeout=30,
            what=lambda: (
                f'episode {episode} ending after Enter (last step: episode '
                f'{steps[-1].episode} step {steps[-1].step}, truncated {steps[-1].truncated}); '
                f'screen:\n{screen(tmux)}'
            ),
        )
        ended = next((s for s in steps if s.episode == episode and s.terminated), None)
        if ended is None:
            continue
        assert ended.success and ended.human_event == events.SUCCESS
        spin(
            ros_node,
            lambda: counted() or any(s.episode > episode for s in steps),
            timeout=30,
            what='the demo counting it',
        )
    wait_screen(tmux, 'demo exit=', 120)
    final = screen(tmux)
    assert '[demo] 1 episodes, success rate 100% (1/1)' in final
    assert 'demo exit=0' in final, final
    assert (tmp_path / 'demo' / 'cameras.mp4').is_file()


@pytest.mark.slow
def test_status_line_re_record_and_an_episode_ended_at_once_are_counted(tmux, tmp_path):
    out = tmp_path / 'demo'
    start_demo(
        tmux,
        [
            '--episodes',
            '1',
            '--out',
            str(out),
            '--timeout',
            '240',
            'teleop:=keyboard',
            'viewer:=none',
            'episode_s:=20',
        ],
    )
    shown = wait_screen(tmux, 'keys per action', 120)
    command = next(line for line in shown.splitlines() if 'starting the graph' in line)
    assert command.count('teleop:=') == 1 and 'teleop:=keyboard' in command, command
    you_drive = next(line for line in shown.splitlines() if 'you drive' in line)
    for key in (
        'Space',
        'arrows',
        'PageUp',
        'PageDown',
        'f toggles fine',
        'c / o',
        'Enter',
        'Escape',
        'r marks',
    ):
        assert key in you_drive, you_drive
    # The status line: nobody acts (no policy runs), 20 s episodes counting down.
    wait_screen(tmux, 'nobody acts', 120)
    assert 's left | gripper open' in screen(tmux)
    # r: the episode is dropped from the count, neither success nor failure.
    tmux('send-keys', 'r')
    wait_screen(tmux, ': re-record (not counted)', 30)
    tmux('send-keys', 'Space')
    wait_screen(tmux, 'person acts', 30)
    tmux('send-keys', 'c')
    wait_screen(tmux, 'gripper closed', 30)
    tmux('send-keys', 'Enter')
    final = wait_screen(tmux, 'demo exit=', 180)
    log = (out / 'graph.log').read_text()
    assert 'episode 2 terminated' in log and 'success True' in log, log[-3000:]
    assert '[demo] episode 2 ended at step' in final and ': success (counted' in final, final
    assert '[demo] 1 episodes, success rate 100% (1/1)' in final, final
    assert '(1 marked for re-recording, not counted)' in final, final
    assert 'demo exit=0' in final, final


@pytest.mark.slow
def test_wait_for_person_holds_the_next_episode_until_the_takeover(tmux, tmp_path, ros_node, spin):
    out = tmp_path / 'demo'
    start_demo(
        tmux,
        [
            '--episodes',
            '2',
            '--out',
            str(out),
            '--timeout',
            '240',
            'teleop:=keyboard',
            'viewer:=none',
            'wait_for_person:=true',
        ],
    )
    steps, overrides = [], []
    ros_node.create_subscription(StepInfo, 'step_info', steps.append, 100)
    ros_node.create_subscription(Intervention, 'intervention', overrides.append, 100)
    shown = wait_screen(tmux, 'keys per action', 120)
    assert 'each starts when you take over (wait_for_person)' in shown, shown

    def logged(text):
        log = out / 'graph.log'
        return log.is_file() and text in log.read_text()

    def held(episode):
        """Watch that `episode` does not start for HOLD_S while the sim holds it."""
        spin(ros_node, lambda: logged(f'episode {episode} waits for a person'), 60, 'the hold')
        end = time.monotonic() + HOLD_S
        while time.monotonic() < end:
            ros_node.executor_for_test.spin_once(timeout_sec=0.05)
            assert not any(s.episode == episode for s in steps), f'episode {episode} started'

    held(1)
    tmux('send-keys', 'Space')  # takes over: the episode starts on the key
    spin(ros_node, lambda: any(s.episode == 1 for s in steps), 30, 'episode 1 on Space')
    # The terminal takes presses of one key within button_hold (0.6 s) as one held key: 8 steps
    # (0.8 s) before the episode ends, so that the next Space is a press of its own.
    spin(ros_node, lambda: any(s.episode == 1 and s.step >= 8 for s in steps), 30, '8 steps')
    tmux('send-keys', 'Enter')
    wait_screen(tmux, 'episode 2 waits for you: press Space to take over', 60)
    # The override is still held from episode 1: Space gives it back, and that does not start
    # the next episode (while it is held, a second Space within button_hold would count as the
    # same press), ...
    tmux('send-keys', 'Space')
    spin(ros_node, lambda: overrides and not overrides[-1].active, 30, 'the override released')
    held(2)
    # ... and taking over again does.
    tmux('send-keys', 'Space')
    spin(ros_node, lambda: any(s.episode == 2 for s in steps), 30, 'episode 2 on Space')
    first = next(s for s in steps if s.episode == 2)
    assert first.step == 1 and first.is_intervention, first
    tmux('send-keys', 'Enter')
    final = wait_screen(tmux, 'demo exit=', 120)
    assert '[demo] 2 episodes, success rate 100% (2/2)' in final, final
    assert 'demo exit=0' in final, final
