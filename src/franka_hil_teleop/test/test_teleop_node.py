# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""teleop_node as a separate process, fed real Joy messages; its real outputs checked."""

import time

from franka_hil_msgs.msg import EpisodeEvent, Intervention
from franka_hil_teleop.teleop_node import JOY_TIMEOUT_S
from geometry_msgs.msg import TwistStamped
import pytest
from sensor_msgs.msg import Joy

# SDL GameController layout (the default pad map): indices as documented in the README.
LEFTX, LEFTY, RIGHTY, TRIGGERLEFT, TRIGGERRIGHT = 0, 1, 3, 4, 5
A, X, Y, RB = 0, 2, 3, 10


def joy(buttons=(), axes=None, n_axes=6, n_buttons=21):
    msg = Joy(axes=[0.0] * n_axes, buttons=[0] * n_buttons)
    for index, value in (axes or {}).items():
        msg.axes[index] = value
    for index in buttons:
        msg.buttons[index] = 1
    return msg


@pytest.fixture
def teleop(start_process, executable, namespace, ros_node, inbox, spin, handshake):
    proc = start_process([executable('teleop_node'), '--ros-args', '-r', f'__ns:={namespace}'])
    proc.wait_for_output("pad 'game_controller'")
    pub = ros_node.create_publisher(Joy, f'{namespace}/joy', 10)
    boxes = {
        'intervention': inbox(Intervention, f'{namespace}/intervention'),
        'cmd_vel': inbox(TwistStamped, f'{namespace}/cmd_vel'),
        'events': inbox(EpisodeEvent, f'{namespace}/episode_event', 100),
    }

    def press_y():
        pub.publish(joy([RB, Y]))
        pub.publish(joy([RB]))

    handshake(
        ros_node,
        press_y,
        lambda: all(len(b) for b in boxes.values()),
        what='command and event from teleop_node',
    )
    pub.publish(joy())
    # Everything the warm-up caused has arrived: the release, the event's (first) log line, then
    # 0.5 s without a message. (Not
    # by counting: a reader that the node's writer matched a moment after another's lost what
    # was published in between, so the counts of a loaded machine's warm-up need not agree.)
    seen = {'counts': None, 'since': time.monotonic()}

    def released_and_quiet():
        counts = {name: len(box) for name, box in boxes.items()}
        if counts != seen['counts']:
            seen.update(counts=counts, since=time.monotonic())
        return (
            not boxes['intervention'].messages[-1].active
            and 'episode event:' in proc.output()
            and time.monotonic() - seen['since'] >= 0.5
        )

    spin(
        ros_node,
        released_and_quiet,
        timeout=30,
        what=lambda: (
            f'warm-up release and quiet (received {seen["counts"]}, '
            f'{proc.output().count("episode event:")} events logged)'
        ),
    )
    for box in boxes.values():
        box.messages.clear()
    return proc, pub, boxes


def test_deadman_command_release_and_events(teleop, ros_node, spin):
    proc, pub, boxes = teleop
    interventions, twists, events = boxes['intervention'], boxes['cmd_vel'], boxes['events']

    # Sticks and triggers without RB: nothing is commanded.
    pub.publish(joy(axes={LEFTX: 1.0}))
    # RB held: left stick x/y, right stick z, left trigger closes.
    held = joy([RB], {LEFTY: 1.0, LEFTX: -0.5, RIGHTY: 0.2, TRIGGERLEFT: -1.0})
    held.header.stamp.sec, held.header.stamp.nanosec = 42, 7
    pub.publish(held)
    spin(ros_node, lambda: len(interventions) >= 1 and len(twists) >= 1, what='a command')
    cmd = interventions.messages[0]
    assert cmd.active and cmd.gripper == Intervention.GRIPPER_CLOSE and cmd.source == 'gamepad'
    assert (cmd.twist.linear.x, cmd.twist.linear.y, cmd.twist.linear.z) == pytest.approx(
        (0.25, -0.125, 0.05)
    )
    assert cmd.header.frame_id == 'panda_link0'
    assert (cmd.header.stamp.sec, cmd.header.stamp.nanosec) == (42, 7)  # read time of the Joy
    assert twists.messages[0].twist == cmd.twist and twists.messages[0].header == cmd.header

    pub.publish(joy([RB], {TRIGGERRIGHT: -1.0}))
    spin(ros_node, lambda: len(interventions) >= 2, what='open command')
    assert interventions.messages[1].gripper == Intervention.GRIPPER_OPEN

    # Y, A, X pressed and released back to back (far inside one 100 ms control step).
    for button in (Y, A, X):
        pub.publish(joy([RB, button]))
        pub.publish(joy([RB]))
    spin(ros_node, lambda: len(events) >= 3, what='three episode events')
    assert [e.event for e in events.messages] == [
        EpisodeEvent.SUCCESS,
        EpisodeEvent.FAILURE,
        EpisodeEvent.RERECORD,
    ]
    assert {e.source for e in events.messages} == {'gamepad'}

    # Release RB: exactly one inactive zero command, then silence while released.
    spin(ros_node, lambda: len(interventions) >= 8, what='the commands sent with the events')
    count = len(interventions)
    assert count == 8 and all(m.active for m in interventions.messages)
    pub.publish(joy(axes={LEFTY: 1.0}))
    for _ in range(5):
        pub.publish(joy(axes={LEFTY: 1.0}))
    pub.publish(joy([Y]))  # a marker: its event comes after everything above
    spin(ros_node, lambda: len(events) >= 4, what='marker event')
    spin(ros_node, lambda: len(interventions) > count, what='release')
    released = interventions.messages[count:]
    assert len(released) == 1
    assert not released[0].active and released[0].gripper == Intervention.GRIPPER_STAY
    assert (
        released[0].twist.linear.x,
        released[0].twist.linear.y,
        released[0].twist.linear.z,
    ) == (0.0, 0.0, 0.0)
    assert twists.messages[-1].twist.linear.x == 0.0
    assert proc.proc.poll() is None


def test_joy_timeout_releases_the_override(teleop, ros_node, spin):
    _, pub, boxes = teleop
    interventions = boxes['intervention']
    # Timed from the publish: the node's timeout runs from there, and this process may take a
    # while to receive the first intervention on a loaded machine (it once read 0.447 s).
    last_joy = time.monotonic()
    pub.publish(joy([RB], {LEFTY: 1.0}))
    spin(ros_node, lambda: len(interventions) >= 1, what='command')
    # The Joy stream stops while RB is held (pad unplugged, driver dead).
    spin(ros_node, lambda: len(interventions) >= 2, timeout=5.0, what='timeout release')
    assert time.monotonic() - last_joy >= JOY_TIMEOUT_S
    assert not interventions.messages[1].active
    assert interventions.messages[1].twist.linear.x == 0.0


def test_the_deadman_releases_within_half_a_second_of_the_last_joy(teleop, ros_node, spin):
    _, pub, boxes = teleop
    interventions = boxes['intervention']
    # Timed by the node's own stamps (its clock): an unstamped Joy's command is stamped when the
    # node handles it, the release when its timer fires. The time the Joy took to reach the
    # node (this test's publish, DDS, a loaded machine's scheduling) is not the deadman's, and
    # neither is the time this test takes to receive the release; both are only reported.
    reactions, deliveries = [], []
    for _ in range(20):
        interventions.messages.clear()
        for _ in range(3):  # a held pad repeating, then silence
            sent = time.time()
            pub.publish(joy([RB], {LEFTX: 0.5}))
        spin(
            ros_node,
            lambda: interventions.messages and not interventions.messages[-1].active,
            timeout=5.0,
            what='the release',
        )
        handled = [stamp_s(m) for m in interventions.messages if m.active]
        reactions.append(stamp_s(interventions.messages[-1]) - handled[-1])
        deliveries.append(handled[-1] - sent)
    print(
        f'deadman release after the last Joy was handled: min {min(reactions):.3f} s, '
        f'max {max(reactions):.3f} s over {len(reactions)} trials (the Joy took '
        f'{min(deliveries) * 1e3:.1f}-{max(deliveries) * 1e3:.1f} ms to be handled)'
    )
    assert JOY_TIMEOUT_S <= min(reactions) and max(reactions) <= 0.5


def stamp_s(msg):
    """Return a message's header stamp in seconds."""
    return msg.header.stamp.sec + msg.header.stamp.nanosec * 1e-9


def test_joy_of_the_wrong_layout_is_reported_once_and_ignored(teleop, ros_node, spin):
    proc, pub, boxes = teleop
    for _ in range(5):
        pub.publish(joy([0, 1], n_axes=2, n_buttons=2))
    pub.publish(joy([RB, Y]))  # a well-formed marker after the bad ones
    spin(
        ros_node,
        lambda: len(boxes['events']) >= 1 and len(boxes['intervention']) >= 1,
        what='marker event and command',
    )
    proc.wait_for_output('needs at least 6 axes and 11 buttons')
    assert proc.output().count('needs at least') == 1
    assert len(boxes['intervention']) == 1 and boxes['intervention'].messages[0].active


def test_bad_parameters_exit_with_a_clear_error(start_process, executable):
    cases = (
        (['-p', 'pad:=n64'], "parameter 'pad' must be one of"),
        (['-p', 'joy_timeout:=0.0'], "parameter 'joy_timeout' must be > 0"),
        (['-p', 'linear_speed:=fast'], "parameter 'linear_speed' must be a float"),
        (['-p', 'joytimeout:=1.0'], "unknown parameters ['joytimeout']"),
        (['-p', 'pad_map_file:=/nonexistent.yaml'], 'cannot read pad map'),
    )
    # All at once: each is a node's start-up (imports) and its refusal, independent of the others.
    procs = [start_process([executable('teleop_node'), '--ros-args'] + args) for args, _ in cases]
    for proc, (_, text) in zip(procs, cases):
        assert proc.proc.wait(timeout=30) == 2
        assert text in proc.output() and 'Traceback' not in proc.output()
