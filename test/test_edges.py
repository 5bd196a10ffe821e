# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The graph at its edges, with real processes: floods of bad input, signals to a process group.

A peer publishing garbage at 1 kHz must cost at most about one log line per second per cause
(with a count of the rest), never a traceback; a terminal's Ctrl-C (SIGINT to the whole process
group, then forwarded again by `ros2 launch`) must end every node with exit code 0.
"""

import itertools
import os
import re
import signal
import time

from ament_index_python.packages import get_package_prefix
from franka_hil_msgs.msg import EpisodeEvent, Intervention
import pytest
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Joy

FLOOD_S = 3.0
_ids = itertools.count()


def script(package, name):
    return f'{get_package_prefix(package)}/lib/{package}/{name}'


def namespace():
    return f'/edges_{os.getpid()}_{next(_ids)}'


def flood(node, publisher, messages, seconds=FLOOD_S, rate=1000.0):
    """Publish `messages` round-robin at about `rate` Hz for `seconds`; return the count sent."""
    sent, start = 0, time.monotonic()
    while time.monotonic() - start < seconds:
        publisher.publish(messages[sent % len(messages)])
        sent += 1
        target = start + sent / rate
        while time.monotonic() < target:
            node.executor_for_test.spin_once(timeout_sec=0)
    return sent, time.monotonic() - start


def lines_with(output, text):
    return [line for line in output.splitlines() if text in line]


def suppressed(lines):
    return sum(
        int(m.group(1))
        for line in lines
        for m in [re.search(r'\((\d+) more like this', line)]
        if m
    )


def wait_for_subscriber(node, spin, publisher, what):
    spin(node, lambda: publisher.get_subscription_count() > 0, 60, what)


def test_garbage_joy_at_1khz_is_one_line_per_second_per_cause(start_process, ros_node, spin):
    ns = namespace()
    proc = start_process(
        [script('franka_hil_teleop', 'teleop_node'), '--ros-args', '-r', f'__ns:={ns}'],
        name='teleop_node',
    )
    proc.wait_for_output("pad 'game_controller'")
    pub = ros_node.create_publisher(
        Joy, f'{ns}/joy', QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    )
    wait_for_subscriber(ros_node, spin, pub, 'teleop_node to subscribe to joy')
    too_short = [Joy(axes=[0.0] * n, buttons=[0] * n) for n in range(1, 5)]  # shape changes
    nan = Joy(axes=[float('nan')] * 6, buttons=[0] * 21)
    sent, seconds = flood(ros_node, pub, too_short + [nan])
    # The node has handled the flood when a good message gets through after it.
    pub.publish(Joy(axes=[0.0] * 6, buttons=[0] * 21))
    assert proc.stop(signal.SIGINT) == 0
    output = proc.output()
    assert 'Traceback' not in output
    for cause in ('ignoring Joy: Joy message has', 'ignoring Joy messages with bad values'):
        lines = lines_with(output, cause)
        assert 1 <= len(lines) <= seconds + 2, (cause, len(lines), sent)
    shape_errors = lines_with(output, 'ignoring Joy: Joy message has')
    assert len(shape_errors) >= 2 and suppressed(shape_errors) > 0
    print(
        f'teleop: {sent} garbage Joy in {seconds:.1f} s -> '
        f'{len(lines_with(output, "ignoring Joy"))} log lines'
    )


def test_garbage_inputs_to_the_sim_are_one_line_per_second_per_cause(
    start_process, ros_node, spin
):
    ns = namespace()
    proc = start_process(
        [
            script('franka_hil_sim', 'sim_node'),
            '--ros-args',
            '-r',
            f'__ns:={ns}',
            '-p',
            'cameras:=[wrist]',
        ],
        name='sim_node',
    )
    proc.wait_for_output('ready: mode=lockstep', timeout=120)
    reliable = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    interventions = ros_node.create_publisher(Intervention, f'{ns}/intervention', reliable)
    events = ros_node.create_publisher(EpisodeEvent, f'{ns}/episode_event', reliable)
    wait_for_subscriber(ros_node, spin, interventions, 'sim_node to subscribe to intervention')
    wait_for_subscriber(ros_node, spin, events, 'sim_node to subscribe to episode_event')
    bad_frame = Intervention(active=True, source='fuzz')
    bad_frame.header.frame_id = 'nowhere'
    nan = Intervention(active=True, source='fuzz')
    nan.twist.linear.x = float('nan')
    sent, seconds = flood(ros_node, interventions, [bad_frame, nan], rate=500.0)
    sent_events, seconds_events = flood(
        ros_node,
        events,
        [
            EpisodeEvent(event=200, source='fuzz'),
            EpisodeEvent(event=EpisodeEvent.SUCCESS, source='fuzz'),
        ],
        rate=500.0,
    )
    assert proc.stop(signal.SIGINT) == 0
    output = proc.output()
    assert 'Traceback' not in output
    intervention_lines = lines_with(output, 'intervention refused')
    assert 1 <= len(intervention_lines) <= seconds + 2, len(intervention_lines)
    assert suppressed(intervention_lines) > 0
    event_lines = [
        line
        for line in output.splitlines()
        if '[WARN]' in line and ('event' in line or 'ignored' in line)
    ]
    # Two causes (an unknown code, an event while no episode runs): each at most ~1/s.
    assert 2 <= len(event_lines) <= 2 * (seconds_events + 2), len(event_lines)
    print(
        f'sim: {sent} bad interventions in {seconds:.1f} s -> {len(intervention_lines)} '
        f'lines; {sent_events} bad events in {seconds_events:.1f} s -> {len(event_lines)} lines'
    )


def stop_with_a_burst_of_sigint(proc, period=0.02, timeout=60.0):
    """SIGINT the process group again and again until its leader exits (Ctrl-C held down)."""
    deadline = time.monotonic() + timeout
    sent = 0
    while proc.proc.poll() is None and time.monotonic() < deadline:
        try:
            os.killpg(proc.proc.pid, signal.SIGINT)
            sent += 1
        except ProcessLookupError:
            break
        time.sleep(period)  # the burst's spacing, not a wait for an event
    return proc.proc.wait(timeout=5), sent


@pytest.mark.parametrize('run', range(6))
def test_sim_node_realtime_survives_repeated_sigint_to_its_group(start_process, run):
    proc = start_process(
        [
            script('franka_hil_sim', 'sim_node'),
            '--ros-args',
            '-r',
            f'__ns:={namespace()}',
            '-p',
            'mode:=realtime',
        ],
        name='sim_node',
    )
    proc.wait_for_output('ready: mode=realtime', timeout=120)
    if run % 2:
        proc.wait_for_output('started (auto-reset)')
    code, sent = stop_with_a_burst_of_sigint(proc)
    assert code == 0 and sent >= 2, (code, sent, proc.output())
    assert 'Traceback' not in proc.output()


@pytest.mark.parametrize('executable', ['teleop_node', 'synthetic_human_node'])
def test_teleop_nodes_survive_repeated_sigint_to_their_group(start_process, executable):
    proc = start_process(
        [script('franka_hil_teleop', executable), '--ros-args', '-r', f'__ns:={namespace()}'],
        name=executable,
    )
    proc.wait_for_output('pad')
    code, sent = stop_with_a_burst_of_sigint(proc)
    assert code == 0 and sent >= 2, (code, sent, proc.output())
    assert 'Traceback' not in proc.output()


def bringup(start_process, *arguments):
    return start_process(['bringup', *arguments], name='bringup')


def test_bringup_stops_every_node_cleanly_on_a_burst_of_sigint(start_process):
    proc = bringup(start_process, f'namespace:={namespace()}', 'mode:=realtime')
    proc.wait_for_output('ready: mode=realtime', timeout=120)
    proc.wait_for_output('playing ')
    proc.wait_for_output("pad 'game_controller'")
    code, sent = stop_with_a_burst_of_sigint(proc)
    output = proc.output()
    assert code == 0 and sent >= 2, (code, output)
    assert 'Traceback' not in output and 'did not stop cleanly' not in output
    assert 'died' not in output and '[bringup] all nodes stopped' in output
    # one at a time, the last started first, each cleanly
    started = re.findall(r'\[bringup\] started (\S+) ', output)
    stopped = re.findall(r'\[bringup\] stopped (\S+) \(exit code 0\)', output)
    assert len(started) == 3 and stopped == started[::-1], output


def test_an_unreadable_keyboard_stops_the_graph_loudly(start_process):
    # The test's stdin is not a terminal: the keyboard's terminal backend cannot read keys.
    proc = bringup(
        start_process,
        f'namespace:={namespace()}',
        'teleop:=keyboard',
        'keyboard_backend:=terminal',
    )
    assert proc.proc.wait(timeout=120) == 1
    output = proc.output()
    assert 'Traceback' not in output
    assert '[KeyboardNode] error: no terminal: stdin is not a tty' in output
    assert re.search(
        r'node \S*keyboard \(a required node\) died \(exit code 2\); stopping '
        'the graph',
        output,
    )
    assert '[bringup] all nodes stopped' in output


def test_teleop_stamps_are_sim_time(start_process, ros_node, spin):
    from rosgraph_msgs.msg import Clock

    ns = namespace()
    proc = bringup(start_process, f'namespace:={ns}', 'mode:=realtime', 'teleop:=script')
    clock, stamps = [], []
    ros_node.create_subscription(Clock, '/clock', lambda m: clock.append(m.clock), 10)

    def on_intervention(msg):
        if clock:
            stamps.append((msg.header.stamp, clock[-1]))

    ros_node.create_subscription(Intervention, f'{ns}/intervention', on_intervention, 10)
    spin(
        ros_node,
        lambda: len(stamps) >= 20,
        120,
        lambda: f'20 interventions with /clock running:\n{proc.output()[-3000:]}',
    )
    wall = time.time()
    for stamp, sim in stamps[5:]:
        seconds, sim_seconds = stamp.sec + stamp.nanosec * 1e-9, sim.sec + sim.nanosec * 1e-9
        assert abs(seconds - sim_seconds) < 1.0, (seconds, sim_seconds)
        assert abs(seconds - wall) > 3600.0
    assert proc.stop(signal.SIGINT, timeout=60) == 0


@pytest.mark.parametrize(
    'arguments, message',
    [
        (['--bogus'], "[SimNode] error: unknown command-line argument(s) ['--bogus']"),
        (
            ['--ros-args', '--params-file', '/nonexistent.yaml'],
            "[SimNode] error: Failed to parse ROS arguments: Couldn't parse params file",
        ),
        (
            ['--ros-args', '-r', '__ns:=/bad..ns'],
            '[SimNode] error: bad namespace remap -r __ns:=/bad..ns',
        ),
        (
            ['--ros-args', '-p', 'control_rate:=abc'],
            '[SimNode] error: control_rate must be a number',
        ),
    ],
)
def test_bad_sim_node_arguments_are_one_line(start_process, arguments, message):
    proc = start_process([script('franka_hil_sim', 'sim_node'), *arguments], name='sim_node')
    assert proc.proc.wait(timeout=60) == 2
    output = proc.output()
    assert message in output and 'Traceback' not in output
    assert len([line for line in output.splitlines() if 'error' in line.lower()]) == 1


def test_teleop_deadman_fires_on_sim_time_with_no_clock(start_process, ros_node, spin):
    # use_sim_time with no /clock (a lockstep sim nobody steps): the node's clock stands still,
    # but the deadman runs on the steady clock and releases the override all the same.
    ns = namespace()
    proc = start_process(
        [
            script('franka_hil_teleop', 'teleop_node'),
            '--ros-args',
            '-r',
            f'__ns:={ns}',
            '-p',
            'use_sim_time:=true',
        ],
        name='teleop_node',
    )
    proc.wait_for_output("pad 'game_controller'")
    received = []
    ros_node.create_subscription(Intervention, f'{ns}/intervention', received.append, 100)
    pub = ros_node.create_publisher(Joy, f'{ns}/joy', 10)
    held = Joy(axes=[0.0] * 6, buttons=[0] * 21)
    held.buttons[10] = 1  # RB: the deadman
    spin(ros_node, lambda: pub.get_subscription_count() > 0, 30, 'teleop to subscribe to joy')
    deadline = time.monotonic() + 30
    while not any(m.active for m in received):
        assert time.monotonic() < deadline, proc.output()
        pub.publish(held)
        ros_node.executor_for_test.spin_once(timeout_sec=0.1)
    last_joy = time.monotonic()
    spin(ros_node, lambda: not received[-1].active, 5, 'the deadman release')
    assert time.monotonic() - last_joy < 2.0
    assert received[-1].header.stamp.sec == 0  # sim time: no /clock yet
    assert 'override released' in proc.output()


def test_a_full_disk_stops_the_recording_not_the_graph(start_process, ros_node, spin, tmp_path):
    import subprocess
    from rosgraph_msgs.msg import Clock

    disk = tmp_path / 'small_disk'
    disk.mkdir()
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', str(disk)], check=True)
    try:
        ns = namespace()
        proc = bringup(
            start_process,
            f'namespace:={ns}',
            'mode:=realtime',
            'teleop:=none',
            f'record:={disk / "bag"}',
        )
        clock = []
        ros_node.create_subscription(Clock, '/clock', clock.append, 10)
        # Realtime images fill 2 MiB within seconds.
        proc.wait_for_output('recording stopped', timeout=120)
        count = len(clock)
        spin(ros_node, lambda: len(clock) > count + 10, 30, 'the sim to go on publishing')
        output = proc.output()
        assert proc.proc.poll() is None and 'died' not in output and 'Traceback' not in output
        errors = [line for line in output.splitlines() if '[ERROR]' in line]
        assert len(errors) == 1 and 'No space left on device' in errors[0], errors
        assert proc.stop(signal.SIGINT, timeout=60) == 0
        result = subprocess.run(
            ['bag_recover', str(disk / 'bag'), str(tmp_path / 'recovered')],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0 and ' messages recovered' in result.stdout, result.stderr
        print(result.stdout)
    finally:
        subprocess.run(['umount', '-l', str(disk)], check=False)
