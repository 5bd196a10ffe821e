# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""<camera>/image_preview: the same images as image_raw, at most preview_rate per wall second."""

import os
import time

from ament_index_python.packages import get_package_prefix
from franka_hil_common import observation as layout
from franka_hil_common.messages import image_array, stamp_ns
from franka_hil_msgs.srv import Reset, Step
import franka_hil_sim  # noqa: F401 (registers the direct envs)
import gymnasium as gym
import numpy as np
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image

RATE = 5.0


def call(node, spin, client, request, timeout=10.0):
    future = client.call_async(request)
    spin(node, future.done, timeout, f'an answer from {client.srv_name}')
    return future.result()


def test_previews_are_raw_frames_at_a_bounded_rate(start_process, ros_node, spin):
    ns = f'/sim_preview_{os.getpid()}'
    script = f'{get_package_prefix("franka_hil_sim")}/lib/franka_hil_sim/sim_node'
    start_process([script, '--ros-args', '-r', f'__ns:={ns}', '-p', f'preview_rate:={RATE}'],
                  name='sim_node')
    raw, preview = {}, {}
    qos = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    for topic, kept in (('front/image_raw', raw), ('front/image_preview', preview)):
        ros_node.create_subscription(
            Image, f'{ns}/{topic}', lambda m, kept=kept: kept.__setitem__(
                stamp_ns(m.header.stamp), (time.monotonic(), image_array(m))), qos)
    step = ros_node.create_client(Step, f'{ns}/step')
    reset = ros_node.create_client(Reset, f'{ns}/reset')
    spin(ros_node, lambda: step.service_is_ready() and reset.service_is_ready(), 60,
         'the services')
    spin(ros_node, lambda: ros_node.count_publishers(f'{ns}/front/image_preview') > 0, 30,
         'the preview publisher')
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


def test_previews_nobody_else_renders_show_the_state_of_their_stamp(
        start_process, ros_node, spin):
    """State mode, only previews received: rendered beside the sim, pixels of their step."""
    ns = f'/sim_preview_alone_{os.getpid()}'
    script = f'{get_package_prefix("franka_hil_sim")}/lib/franka_hil_sim/sim_node'
    start_process([script, '--ros-args', '-r', f'__ns:={ns}', '-p', f'preview_rate:={RATE}'],
                  name='sim_node')
    preview = {camera: {} for camera in layout.CAMERAS}
    for camera, kept in preview.items():
        ros_node.create_subscription(
            Image, f'{ns}/{camera}/image_preview', lambda m, kept=kept: kept.__setitem__(
                stamp_ns(m.header.stamp), image_array(m)),
            QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE))
    step = ros_node.create_client(Step, f'{ns}/step')
    reset = ros_node.create_client(Reset, f'{ns}/reset')
    spin(ros_node, lambda: step.service_is_ready() and reset.service_is_ready(), 60,
         'the services')
    spin(ros_node, lambda: all(ros_node.count_publishers(f'{ns}/{c}/image_preview') > 0
                               for c in layout.CAMERAS), 30, 'the preview publishers')
    answer = call(ros_node, spin, reset, Reset.Request(seed=3, use_seed=True))
    assert answer.ok and not answer.observation.images  # state mode: nothing rendered for it
    stamps = [stamp_ns(answer.observation.header.stamp)]
    action = [0.6, -0.3, -0.5, 1.0]

    def since_reset():
        """Previews of this episode's states (the node's start may have sent one before)."""
        return {camera: {stamp: pixels for stamp, pixels in kept.items() if stamp >= stamps[0]}
                for camera, kept in preview.items()}

    # Previews come at most RATE per wall second, and lockstep steps far faster: after each step
    # wait for its preview, or until the next step's is due, until two of each camera arrived.
    while not all(len(kept) >= 2 for kept in since_reset().values()):
        assert len(stamps) < 90, f'{len(stamps)} steps, previews {preview}'
        answer = call(ros_node, spin, step, Step.Request(action=action))
        assert answer.ok, answer.error
        stamps.append(stamp_ns(answer.observation.header.stamp))
        due = time.monotonic() + 1.25 / RATE
        while not all(stamps[-1] in kept for kept in preview.values()) \
                and time.monotonic() < due:
            ros_node.executor_for_test.spin_once(timeout_sec=0.02)
    actions = [action] * (len(stamps) - 1)

    env = gym.make('franka_hil/PandaPickCube-v0', image_obs=True)
    observations = [env.reset(seed=3)[0]] + [env.step(np.array(a, np.float32))[0]
                                             for a in actions]
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
