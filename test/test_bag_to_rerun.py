# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""bag_to_rerun on a bag the demo recorded: the same layout, every frame at its sim time."""

from ament_index_python.packages import get_package_prefix
from franka_hil_common.messages import image_array, stamp_ns
from franka_hil_recorder.bag_export import Bag
from franka_hil_viewer.recording import entity_rows, image_pixels
import numpy as np
import pytest


def script(name):
    return f'{get_package_prefix("franka_hil_viewer")}/lib/franka_hil_viewer/{name}'


@pytest.fixture
def demo_bag(demo_recording):
    """Give the bag of one demo episode of the real graph (no viewer), recorded once."""
    return demo_recording / 'bag'


def test_bag_becomes_a_recording_in_the_live_layout(demo_bag, demo_review):
    output, done = demo_review  # bag_to_rerun run on demo_bag (test/conftest.py)
    assert done.returncode == 0, done.stderr
    assert f'view it: franka-hil-view-recording {output}' in done.stdout
    assert 'warning' not in done.stderr, done.stderr

    with Bag(demo_bag) as bag:
        front, steps, tf = {}, [], 0
        topics = {bag.topic(n): n for n in ('front/image_raw', 'step_info', 'tf')}
        for topic, _, msg in bag.messages(list(topics)):
            if topics[topic] == 'front/image_raw':
                front[stamp_ns(msg.header.stamp)] = image_array(msg)
            elif topics[topic] == 'step_info':
                steps.append(msg)
            else:
                tf += 1
    rows = entity_rows(output)
    # Every camera frame, at its stamp, pixel for pixel.
    shown = {time: image_pixels(row) for time, row in rows['/cameras/front']}
    assert shown.keys() == front.keys()
    assert all(np.array_equal(shown[t], front[t]) for t in front)
    # Per step: the plot and the status line, at the step's sim time.
    rewards = [
        (t, row['Scalars:scalars'][0]) for t, row in rows['/plot/reward'] if t is not None
    ]  # (the static row styles the series)
    assert rewards == [(stamp_ns(s.header.stamp), s.reward) for s in steps]
    assert len(rows['/status']) == len(steps)
    ends = [row['TextLog:text'][0] for _, row in rows['/events'] if 'success' in str(row)]
    # The demo's success ends the last whole episode; the realtime sim may start the next before
    # the recorder stops, so the bag can end with that one's first steps.
    last_ended = [s for s in steps if s.terminated or s.truncated][-1]
    assert last_ended.success
    assert any(text.startswith(f'episode {last_ended.episode} success') for text in ends), ends
    # The robot: URDF visuals (static) under each link, the links moved by /tf.
    assert rows['/world/tf/panda_link0/visual_0'][0][0] is None
    assert len(rows['/world/tf/panda_link7']) >= tf
    assert '/world/markers/cube/0' in rows


def test_bad_inputs_are_clear_errors(run_process, tmp_path):
    done = run_process(
        [script('bag_to_rerun'), str(tmp_path), str(tmp_path / 'out.rrd')],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and 'not a finished rosbag2 directory' in done.stderr
    done = run_process(
        [script('bag_to_rerun'), str(tmp_path), str(tmp_path / 'out.mp4')],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and 'must be an .rrd file' in done.stderr
