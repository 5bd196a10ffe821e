# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The viewer node on a lockstep sim stepped as fast as it answers: every step plotted, robot drawn.

By default it reads the sim's previews (step_info_batches: every step, a few batches a second;
tf_preview and markers_preview: some steps); with source:=every_step the per-step topics. Either
way the .rrd file it saves has each step's reward at the step's sim time, the robot's frames and
the markers. A stopped viewer (SIGSTOP: a frozen process, a suspended ssh session) holds no
step back: the sim never waits for the view. Thawed, the viewer says which steps it missed and
draws the new ones.
"""

import os
import signal
import time

from ament_index_python.packages import get_package_prefix
from franka_hil_common import names
from franka_hil_common.messages import stamp_ns
from franka_hil_msgs.msg import StepInfo, StepInfoArray
from franka_hil_msgs.srv import Reset, Step
from franka_hil_viewer import scene
from franka_hil_viewer.recording import entity_rows
import pytest
from rclpy.qos import QoSProfile, ReliabilityPolicy

STEPS = 150
# The stopped viewer's test: the sims' preview_rate (10 Hz by default), and more batches than
# the viewer's deepest queue (100) at that rate (150).
PREVIEW_RATE = 25.0
STOPPED_S = 6.0


def script(package, name):
    return f'{get_package_prefix(package)}/lib/{package}/{name}'


def call(node, spin, client, request):
    future = client.call_async(request)
    spin(node, future.done, 20, f'an answer from {client.srv_name}')
    answer = future.result()
    assert answer.ok, answer.error
    return answer


def start_viewer(start_process, ns, rrd, *parameters):
    return start_process(
        [
            script('franka_hil_viewer', 'viewer_node'),
            '--ros-args',
            '-r',
            f'__ns:={ns}',
            '-p',
            'serve:=false',
            '-p',
            f'save:={rrd}',
            *(a for p in parameters for a in ('-p', p)),
        ],
        name='viewer_node',
    )


def steps(node, spin, services, count):
    """Step `count` times (resetting after each episode's end); return the answers' infos."""
    step, reset = services
    infos = []
    while len(infos) < count:
        answer = call(node, spin, step, Step.Request(action=[0.3, -0.2, -0.4, 1.0]))
        infos.append(answer.info)
        if answer.terminated or answer.truncated:
            call(node, spin, reset, Reset.Request())
    return infos


def step_until_drawn(node, spin, services, viewer):
    """Step until the viewer has drawn steps, frames and markers (discovery at its own pace)."""
    firsts = [f'first {what} received' for what in ('step_info', 'tf', 'markers')]
    call(node, spin, services[1], Reset.Request())
    deadline = time.monotonic() + 60.0
    while not all(text in viewer.output() for text in firsts):
        assert time.monotonic() < deadline, f'the viewer drew nothing in 60 s:\n{viewer.output()}'
        steps(node, spin, services, 1)


def sim_services(start_process, node, spin, ns, *parameters):
    start_process(
        [
            script('franka_hil_sim', 'sim_node'),
            '--ros-args',
            '-r',
            f'__ns:={ns}',
            *(a for p in parameters for a in ('-p', p)),
        ],
        name='sim_node',
    )
    services = (node.create_client(Step, f'{ns}/step'), node.create_client(Reset, f'{ns}/reset'))
    spin(node, lambda: all(s.service_is_ready() for s in services), 60, 'the services')
    return services


@pytest.mark.parametrize('source', ('preview', 'every_step'))
def test_every_step_plotted_robot_and_markers_drawn(
    source, start_process, ros_node, spin, tmp_path
):
    ns = f'/viewer_{source}_{os.getpid()}'
    services = sim_services(start_process, ros_node, spin, ns)
    rrd = tmp_path / 'view.rrd'
    viewer = start_viewer(start_process, ns, rrd, f'source:={source}')
    # What the viewer reads of the steps, read here too: the last step's arrival.
    received = []
    qos = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    if source == 'preview':
        ros_node.create_subscription(
            StepInfoArray,
            f'{ns}/{names.STEP_INFO_BATCHES}',
            lambda m: received.extend(m.steps),
            qos,
        )
    else:
        ros_node.create_subscription(StepInfo, f'{ns}/{names.STEP_INFO}', received.append, qos)
    step_until_drawn(ros_node, spin, services, viewer)
    first = stamp_ns(call(ros_node, spin, services[1], Reset.Request()).observation.header.stamp)
    answers = steps(ros_node, spin, services, STEPS)
    last = stamp_ns(answers[-1].header.stamp)
    spin(
        ros_node,
        lambda: received and stamp_ns(received[-1].header.stamp) >= last,
        20,
        'the last step',
    )
    assert viewer.stop(timeout=30) == 0  # it reads until its topics are quiet, then the file

    rows = entity_rows(rrd)
    rewards = [
        (t, row['Scalars:scalars'][0])
        for t, row in rows['/plot/reward']
        if t is not None and t > first
    ]
    assert rewards == [(stamp_ns(a.header.stamp), a.reward) for a in answers]
    hand = [
        t for t, _ in rows['/' + scene.frame_path('panda_hand')] if t is not None and t > first
    ]
    assert hand and max(hand) <= last
    markers = [
        t
        for path, entity in rows.items()
        if path.startswith(f'/{scene.WORLD}/markers/')
        for t, _ in entity
        if t is not None and t > first
    ]
    assert markers and max(markers) <= last


def test_a_stopped_viewer_holds_no_step_back(start_process, ros_node, spin, tmp_path):
    ns = f'/viewer_stopped_{os.getpid()}'
    rate = f'preview_rate:={PREVIEW_RATE}'
    services = sim_services(start_process, ros_node, spin, ns, rate)
    # A second simulator, watched by nobody and stepped in turn with the first: the measure of
    # what the machine gives a sim right now (other processes' load comes and goes in seconds).
    reference = sim_services(start_process, ros_node, spin, f'{ns}_reference', rate)
    rrd = tmp_path / 'view.rrd'
    viewer = start_viewer(start_process, ns, rrd)
    batches = []
    ros_node.create_subscription(
        StepInfoArray, f'{ns}/{names.STEP_INFO_BATCHES}', batches.append, QoSProfile(depth=1000)
    )
    step_until_drawn(ros_node, spin, services, viewer)

    def cost(seconds):
        """Return the watched sim's wall time per step over the reference's, stepped in turn."""
        for sim in (services, reference):  # episodes in step: their resets in the same rounds
            call(ros_node, spin, sim[1], Reset.Request())
        spent = {'watched': 0.0, 'reference': 0.0}
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for name, sim in (('watched', services), ('reference', reference)):
                start = time.monotonic()
                steps(ros_node, spin, sim, 10)
                spent[name] += time.monotonic() - start
        return spent['watched'] / spent['reference']

    watched = cost(4.0)
    viewer.proc.send_signal(signal.SIGSTOP)
    try:
        spin(ros_node, viewer.halted, 10, 'the viewer to stop')
        # Over STOPPED_S the sim sends more batches than the viewer's deepest queue holds.
        stopped = cost(STOPPED_S)
        spin(ros_node, viewer.halted, 1, 'the viewer still stopped')
    finally:
        viewer.proc.send_signal(signal.SIGCONT)
    print(
        f'time per step over the unwatched sim: {watched:.2f} watched, {stopped:.2f} with the '
        'viewer stopped'
    )
    # With nothing to draw the machine has more to spare: about the same or less. A sim that
    # waited for the stopped reader (a reliable queue that blocks a send when full) fell to half
    # its rate here, twice the time per step.
    assert stopped < 1.4 * watched
    # Thawed, the viewer says which steps it missed (once DDS gives up on them) and draws on.
    deadline = time.monotonic() + 30.0
    while 'steps missing between' not in viewer.output():
        assert time.monotonic() < deadline, f'no gap reported:\n{viewer.output()}'
        steps(ros_node, spin, services, 10)
    last = stamp_ns(steps(ros_node, spin, services, 20)[-1].header.stamp)
    spin(
        ros_node,
        lambda: batches and stamp_ns(batches[-1].steps[-1].header.stamp) >= last,
        20,
        'the batch of the last step',
    )
    assert viewer.stop(timeout=30) == 0
    rewards = [t for t, _ in entity_rows(rrd)['/plot/reward'] if t is not None]
    assert last in rewards
