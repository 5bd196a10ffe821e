# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The viewer node on a lockstep sim stepped as fast as it answers: every step plotted, robot drawn.

By default it reads the sim's previews (step_info_batches: every step, a few batches a second;
tf_preview and markers_preview: some steps); with source:=every_step the per-step topics. Either
way the .rrd file it saves has each step's reward at the step's sim time, the robot's frames and
the markers.
"""

import os

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


def script(package, name):
    return f'{get_package_prefix(package)}/lib/{package}/{name}'


def call(node, spin, client, request):
    future = client.call_async(request)
    spin(node, future.done, 20, f'an answer from {client.srv_name}')
    answer = future.result()
    assert answer.ok, answer.error
    return answer


@pytest.mark.parametrize('source', ('preview', 'every_step'))
def test_every_step_plotted_robot_and_markers_drawn(source, start_process, ros_node, spin,
                                                    tmp_path):
    ns = f'/viewer_{source}_{os.getpid()}'
    start_process([script('franka_hil_sim', 'sim_node'), '--ros-args', '-r', f'__ns:={ns}'],
                  name='sim_node')
    rrd = tmp_path / 'view.rrd'
    viewer = start_process([script('franka_hil_viewer', 'viewer_node'), '--ros-args', '-r',
                            f'__ns:={ns}', '-p', 'serve:=false', '-p', f'save:={rrd}', '-p',
                            f'source:={source}'], name='viewer_node')
    # What the viewer reads of the steps, read here too: the last step's arrival.
    received = []
    qos = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    if source == 'preview':
        ros_node.create_subscription(StepInfoArray, f'{ns}/{names.STEP_INFO_BATCHES}',
                                     lambda m: received.extend(m.steps), qos)
    else:
        ros_node.create_subscription(StepInfo, f'{ns}/{names.STEP_INFO}', received.append, qos)
    step = ros_node.create_client(Step, f'{ns}/step')
    reset = ros_node.create_client(Reset, f'{ns}/reset')
    spin(ros_node, lambda: step.service_is_ready() and reset.service_is_ready(), 60,
         'the services')
    action = Step.Request(action=[0.3, -0.2, -0.4, 1.0])
    # Step until the viewer has drawn steps, frames and markers (discovery at its own pace).
    firsts = [f'first {what} received' for what in ('step_info', 'tf', 'markers')]
    call(ros_node, spin, reset, Reset.Request())
    for _ in range(3000):
        if all(text in viewer.output() for text in firsts):
            break
        answer = call(ros_node, spin, step, action)
        if answer.terminated or answer.truncated:
            call(ros_node, spin, reset, Reset.Request())
    else:
        raise AssertionError(f'the viewer drew nothing in 3000 steps:\n{viewer.output()}')
    first = stamp_ns(call(ros_node, spin, reset, Reset.Request()).observation.header.stamp)
    answers = []
    while len(answers) < STEPS:
        answer = call(ros_node, spin, step, action)
        answers.append(answer.info)
        if answer.terminated or answer.truncated:
            call(ros_node, spin, reset, Reset.Request())
    last = stamp_ns(answers[-1].header.stamp)
    spin(ros_node, lambda: received and stamp_ns(received[-1].header.stamp) >= last, 20,
         'the last step')
    assert viewer.stop(timeout=30) == 0  # it reads once more, then completes the file

    rows = entity_rows(rrd)
    rewards = [(t, row['Scalars:scalars'][0]) for t, row in rows['/plot/reward']
               if t is not None and t > first]
    assert rewards == [(stamp_ns(a.header.stamp), a.reward) for a in answers]
    hand = [t for t, _ in rows['/' + scene.frame_path('panda_hand')]
            if t is not None and t > first]
    assert hand and max(hand) <= last
    markers = [t for path, entity in rows.items() if path.startswith(f'/{scene.WORLD}/markers/')
               for t, _ in entity if t is not None and t > first]
    assert markers and max(markers) <= last
