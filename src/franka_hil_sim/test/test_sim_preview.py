# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The sim's previews for the viewer, at most preview_rate per wall second.

<camera>/image_preview: the same images as image_raw; tf_preview and markers_preview: /tf and
markers of some steps; step_info_batches: every step's StepInfo, batched.
"""

import os
import time

from ament_index_python.packages import get_package_prefix
from franka_hil_common import observation as layout
from franka_hil_common.messages import image_array, stamp_ns
from franka_hil_msgs.msg import StepInfoArray
from franka_hil_msgs.srv import Reset, Step
import franka_hil_sim  # noqa: F401 (registers the direct envs)
import gymnasium as gym
import numpy as np
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image
from tf2_msgs.msg import TFMessage
from visualization_msgs.msg import MarkerArray

RATE = 5.0


def call(node, spin, client, request, timeout=10.0):
    future = client.call_async(request)
    spin(node, future.done, timeout, f'an answer from {client.srv_name}')
    return future.result()


def test_previews_are_raw_frames_at_a_bounded_rate(start_process, ros_node, spin):
    ns = f'/sim_preview_{os.getpid()}'
    script = f'{get_package_prefix("franka_hil_sim")}/lib/franka_hil_sim/sim_node'
    start_process(
        [script, '--ros-args', '-r', f'__ns:={ns}', '-p', f'preview_rate:={RATE}'], name='sim_node'
    )
    raw, preview = {}, {}
    qos = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    for topic, kept in (('front/image_raw', raw), ('front/image_preview', preview)):
        ros_node.create_subscription(
            Image,
            f'{ns}/{topic}',
            lambda m, kept=kept: kept.__setitem__(
                stamp_ns(m.header.stamp), (time.monotonic(), image_array(m))
            ),
            qos,
        )
    step = ros_node.create_client(Step, f'{ns}/step')
    reset = ros_node.create_client(Reset, f'{ns}/reset')
    spin(
        ros_node, lambda: step.service_is_ready() and reset.service_is_ready(), 60, 'the services'
    )
    spin(
        ros_node,
        lambda: ros_node.count_publishers(f'{ns}/front/image_preview') > 0,
        30,
        'the preview publisher',
    )
    # (a first answer may be lost while discovery completes: probe until one arrives)
    for _ in range(30):
        future = step.call_async(Step.Request(probe=True))
        try:
            spin(ros_node, future.done, 2.0, 'a probe answer')
            break
        except AssertionError:
            step.remove_pending_request(future)
    raw.clear()
    preview.clear()
    assert call(ros_node, spin, reset, Reset.Request()).ok
    start = time.monotonic()
    steps = 1  # the reset's frame
    while time.monotonic() - start < 2.0 or len(preview) < 3:
        answer = call(ros_node, spin, step, Step.Request(action=[0.2, 0.0, 0.0, 1.0]))
        assert answer.ok, answer.error
        steps += 1
        if answer.truncated or answer.terminated:
            assert call(ros_node, spin, reset, Reset.Request()).ok
            steps += 1  # a reset publishes a frame too
        assert time.monotonic() - start < 60, 'too slow to see three previews'
    elapsed = time.monotonic() - start
    spin(ros_node, lambda: len(raw) >= steps, 10, 'every raw frame')
    # Every step has its raw frame; previews are some of them, the same pixels at the same
    # stamps, spaced at least 0.8 / RATE apart in wall time (received; DDS may bunch a few).
    assert steps > 3 * len(preview)
    assert len(preview) <= 1.25 * RATE * elapsed + 3
    for stamp, (_, pixels) in preview.items():
        assert stamp in raw and (raw[stamp][1] == pixels).all()


def test_previews_nobody_else_renders_show_the_state_of_their_stamp(start_process, ros_node, spin):
    """State mode, only previews received: rendered beside the sim, pixels of their step."""
    ns = f'/sim_preview_alone_{os.getpid()}'
    script = f'{get_package_prefix("franka_hil_sim")}/lib/franka_hil_sim/sim_node'
    start_process(
        [script, '--ros-args', '-r', f'__ns:={ns}', '-p', f'preview_rate:={RATE}'], name='sim_node'
    )
    preview = {camera: {} for camera in layout.CAMERAS}
    for camera, kept in preview.items():
        ros_node.create_subscription(
            Image,
            f'{ns}/{camera}/image_preview',
            lambda m, kept=kept: kept.__setitem__(stamp_ns(m.header.stamp), image_array(m)),
            QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE),
        )
    step = ros_node.create_client(Step, f'{ns}/step')
    reset = ros_node.create_client(Reset, f'{ns}/reset')
    spin(
        ros_node, lambda: step.service_is_ready() and reset.service_is_ready(), 60, 'the services'
    )
    spin(
        ros_node,
        lambda: all(
            ros_node.count_publishers(f'{ns}/{c}/image_preview') > 0 for c in layout.CAMERAS
        ),
        30,
        'the preview publishers',
    )
    answer = call(ros_node, spin, reset, Reset.Request(seed=3, use_seed=True))
    assert answer.ok and not answer.observation.images  # state mode: nothing rendered for it
    stamps = [stamp_ns(answer.observation.header.stamp)]
    action = [0.6, -0.3, -0.5, 1.0]

    def since_reset():
        """Previews of this episode's states (the node's start may have sent one before)."""
        return {
            camera: {stamp: pixels for stamp, pixels in kept.items() if stamp >= stamps[0]}
            for camera, kept in preview.items()
        }

    # Previews come at most RATE per wall second, and lockstep steps far faster: after each step
    # wait for its preview, or until the next step's is due, until two of each camera arrived.
    while not all(len(kept) >= 2 for kept in since_reset().values()):
        assert len(stamps) < 90, f'{len(stamps)} steps, previews {preview}'
        answer = call(ros_node, spin, step, Step.Request(action=action))
        assert answer.ok, answer.error
        stamps.append(stamp_ns(answer.observation.header.stamp))
        due = time.monotonic() + 1.25 / RATE
        while not all(stamps[-1] in kept for kept in preview.values()) and time.monotonic() < due:
            ros_node.executor_for_test.spin_once(timeout_sec=0.02)
    actions = [action] * (len(stamps) - 1)

    env = gym.make('franka_hil/PandaPickCube-v0', image_obs=True)
    observations = [env.reset(seed=3)[0]] + [env.step(np.array(a, np.float32))[0] for a in actions]
    env.close()
    episode = since_reset()
    for camera, kept in episode.items():
        for stamp, pixels in kept.items():
            assert stamp in stamps, f'{camera} preview at {stamp}, no step had that stamp'
            expected = observations[stamps.index(stamp)]['pixels'][camera]
            assert np.array_equal(pixels, expected), f'{camera} at step {stamps.index(stamp)}'
    # The robot moved between previews: they are not all one picture.
    fronts = list(episode['front'].values())
    assert any(not np.array_equal(fronts[0], other) for other in fronts[1:])


def test_scene_previews_and_step_batches(start_process, ros_node, spin):
    """tf_preview and markers_preview: some steps' /tf and markers; step_info_batches: all."""
    ns = f'/sim_preview_scene_{os.getpid()}'
    prefix = f'scene{os.getpid()}/'
    script = f'{get_package_prefix("franka_hil_sim")}/lib/franka_hil_sim/sim_node'
    start_process(
        [
            script,
            '--ros-args',
            '-r',
            f'__ns:={ns}',
            '-p',
            f'preview_rate:={RATE}',
            '-p',
            f'frame_prefix:={prefix}',
        ],
        name='sim_node',
    )
    qos = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    tf, tf_preview, markers, markers_preview, batches = {}, {}, {}, {}, []

    ros_node.create_subscription(
        TFMessage,
        '/tf',
        lambda m: (
            tf.__setitem__(stamp_ns(m.transforms[0].header.stamp), m)
            if m.transforms and m.transforms[0].header.frame_id.startswith(prefix)
            else None
        ),
        qos,
    )
    ros_node.create_subscription(
        TFMessage,
        f'{ns}/tf_preview',
        lambda m: tf_preview.__setitem__(stamp_ns(m.transforms[0].header.stamp), m),
        qos,
    )
    for topic, kept in (('markers', markers), ('markers_preview', markers_preview)):
        ros_node.create_subscription(
            MarkerArray,
            f'{ns}/{topic}',
            lambda m, kept=kept: kept.__setitem__(stamp_ns(m.markers[0].header.stamp), m),
            qos,
        )
    ros_node.create_subscription(StepInfoArray, f'{ns}/step_info_batches', batches.append, qos)
    step = ros_node.create_client(Step, f'{ns}/step')
    reset = ros_node.create_client(Reset, f'{ns}/reset')
    spin(
        ros_node, lambda: step.service_is_ready() and reset.service_is_ready(), 60, 'the services'
    )
    action = Step.Request(action=[0.2, 0.0, 0.0, 1.0])
    # Until the sim sends to all of them (discovery completes at its own pace).
    assert call(ros_node, spin, reset, Reset.Request()).ok
    deadline = time.monotonic() + 60
    while not (tf and tf_preview and markers and markers_preview and batches):
        assert time.monotonic() < deadline, 'the sim never sent to every subscription'
        answer = call(ros_node, spin, step, action)
        if answer.terminated or answer.truncated:
            assert call(ros_node, spin, reset, Reset.Request()).ok
        ros_node.executor_for_test.spin_once(timeout_sec=0.05)
    episode = call(ros_node, spin, reset, Reset.Request()).observation
    first = stamp_ns(episode.header.stamp)
    answers = []
    start = time.monotonic()
    while time.monotonic() - start < 2.0 or len(answers) < 150:
        answer = call(ros_node, spin, step, action)
        assert answer.ok, answer.error
        answers.append(answer.info)
        if answer.truncated or answer.terminated:
            assert call(ros_node, spin, reset, Reset.Request()).ok
    elapsed = time.monotonic() - start
    last = (answers[-1].episode, answers[-1].step)

    def sent():
        return [
            info
            for batch in batches
            for info in batch.steps
            if stamp_ns(info.header.stamp) > first
        ]

    spin(
        ros_node,
        lambda: sent() and (sent()[-1].episode, sent()[-1].step) == last,
        10,
        'the batch with the last step',
    )
    spin(
        ros_node,
        lambda: set(tf) >= {stamp_ns(a.header.stamp) for a in answers},
        10,
        'every step on /tf',
    )
    # Every step once, in order, as the Step service answered it.
    assert [(i.episode, i.step, i.reward, i.terminated, i.truncated) for i in sent()] == [
        (a.episode, a.step, a.reward, a.terminated, a.truncated) for a in answers
    ]
    assert any(a.truncated or a.terminated for a in answers)  # episode ends are in the batches
    stamps = {stamp_ns(a.header.stamp) for a in answers}
    for everything, preview in ((tf, tf_preview), (markers, markers_preview)):
        seen = [s for s in preview if s in stamps]
        # Some steps, at most RATE per wall second (received; DDS may bunch a few).
        assert 2 <= len(seen) <= 1.25 * RATE * elapsed + 3 and len(answers) > 3 * len(seen)
        for stamp in seen:
            assert preview[stamp] == everything[stamp]
