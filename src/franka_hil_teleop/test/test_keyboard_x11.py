# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""keyboard_node's X11 backend under Xvfb, driven by xdotool key holds and releases."""

import os
import subprocess

from franka_hil_msgs.msg import EpisodeEvent, Intervention
from Xlib import display, XK


def test_held_keys_move_and_events_fire_once(
    x_display, start_process, executable, namespace, ros_node, inbox, spin
):
    env = dict(os.environ, DISPLAY=x_display)
    proc = start_process(
        [
            executable('keyboard_node'),
            '--ros-args',
            '-r',
            f'__ns:={namespace}',
            '-p',
            'backend:=x11',
            '-p',
            'rate:=100.0',
        ],
        env=env,
    )
    proc.wait_for_output('keyboard teleop (x11)')
    interventions = inbox(Intervention, f'{namespace}/intervention')
    events = inbox(EpisodeEvent, f'{namespace}/episode_event', 100)
    spin(
        ros_node,
        lambda: (
            interventions.sub.get_publisher_count() > 0 and events.sub.get_publisher_count() > 0
        ),
        what='keyboard topics matched',
    )

    # xdotool presses Shift_L / Control_L along with Shift_R / Control_R when given their names;
    # give it the modifiers' key codes (from the server's own map) so one physical key goes down.
    x = display.Display(x_display)
    codes = {
        name: str(x.keysym_to_keycode(XK.string_to_keysym(name)))
        for name in ('Shift_L', 'Shift_R', 'Control_L', 'Control_R')
    }
    x.close()

    def xdotool(*args):
        args = [codes.get(arg, arg) for arg in args]
        subprocess.run(['xdotool', *args], env=env, check=True, timeout=10)

    def commands_after(count, predicate, what, n=1):
        """Spin until n more commands satisfy predicate; return them."""

        def matching():
            return [m for m in interventions.messages[count:] if predicate(m)]

        spin(ros_node, lambda: len(matching()) >= n, what=what)
        return matching()

    xdotool('keydown', 'space')
    commands_after(0, lambda m: m.active, 'override on')
    xdotool('keyup', 'space')

    def linear(m):
        return (m.twist.linear.x, m.twist.linear.y, m.twist.linear.z)

    for key, expected in (
        ('Up', (0.25, 0, 0)),
        ('Down', (-0.25, 0, 0)),
        ('Left', (0, 0.25, 0)),
        ('Right', (0, -0.25, 0)),
        ('Shift_R', (0, 0, 0.25)),
        ('Shift_L', (0, 0, -0.25)),
    ):
        count = len(interventions)
        xdotool('keydown', key)
        # Held: command after command keeps the motion (real hold, no auto-repeat pulses).
        held = commands_after(count, lambda m: linear(m) == expected, f'{key} held', n=5)
        assert all(m.active for m in held)
        xdotool('keyup', key)
        count = len(interventions)
        commands_after(count, lambda m: m.active and linear(m) == (0, 0, 0), f'{key} released')

    for key, gripper in (
        ('Control_L', Intervention.GRIPPER_CLOSE),
        ('Control_R', Intervention.GRIPPER_OPEN),
    ):
        count = len(interventions)
        xdotool('keydown', key)
        commands_after(count, lambda m: m.gripper == gripper, f'{key} gripper', n=3)
        xdotool('keyup', key)
        count = len(interventions)
        commands_after(count, lambda m: m.gripper == Intervention.GRIPPER_STAY, f'{key} up')

    # Events: one per press, a long hold included; a quick tap shorter than a control step.
    xdotool('keydown', 'Return')
    spin(ros_node, lambda: len(events) >= 1, what='success event')
    xdotool('keyup', 'Return')
    xdotool('keydown', 'Escape', 'sleep', '0.08', 'keyup', 'Escape')
    xdotool('keydown', 'r', 'sleep', '0.08', 'keyup', 'r')
    spin(ros_node, lambda: len(events) >= 3, what='failure and re-record events')
    # Space off: exactly one release, then nothing more.
    count = len(interventions)
    xdotool('keydown', 'space', 'sleep', '0.08', 'keyup', 'space')
    xdotool('keydown', 'Return', 'sleep', '0.08', 'keyup', 'Return')  # marker
    spin(ros_node, lambda: len(events) >= 4, what='marker event')
    released = commands_after(count, lambda m: not m.active, 'release')
    assert len(released) == 1 and linear(released[0]) == (0, 0, 0)
    assert not interventions.messages[-1].active
    assert [e.event for e in events.messages] == [
        EpisodeEvent.SUCCESS,
        EpisodeEvent.FAILURE,
        EpisodeEvent.RERECORD,
        EpisodeEvent.SUCCESS,
    ]
    assert {e.source for e in events.messages} == {'keyboard'}
    assert proc.stop() == 0


def test_no_display_names_the_terminal_backend(start_process, executable):
    env = dict(os.environ)
    env.pop('DISPLAY', None)
    proc = start_process(
        [executable('keyboard_node'), '--ros-args', '-p', 'backend:=x11'], env=env
    )
    assert proc.proc.wait(timeout=30) == 2
    assert 'no X display' in proc.output() and 'backend:=terminal' in proc.output()
    proc = start_process(
        [executable('keyboard_node'), '--ros-args', '-p', 'backend:=x11'],
        env=dict(env, DISPLAY=':999'),
    )
    assert proc.proc.wait(timeout=30) == 2
    assert "cannot open X display ':999'" in proc.output()
    assert 'backend:=terminal' in proc.output() and 'Traceback' not in proc.output()
