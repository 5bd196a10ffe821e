# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The web view in a real browser: headless Chromium (Debian's, driven by Playwright) on a graph.

A realtime graph runs with viewer:=rerun; the page at the printed address must show the front
camera panel with the published image (its pixels, cropped from a screenshot and scaled back,
match a frame received from front/image_raw), the step-info plot (its series colours) and the 3D
robot with the markers. The same screenshot becomes the README's picture with
UPDATE_SCREENSHOT=1 (docs/viewer.png). A recording's review opens paused at its start, the first
episode: the viewer's own state (its time cursor, read from the page) and the camera frame it
draws say so. Neither page asks anything of another origin (every request the browser makes is
recorded).
"""

from collections import deque
import os
from pathlib import Path
import re
import shutil
import sys
import time
from urllib.parse import urlsplit

from franka_hil_common.messages import image_array, stamp_ns
from franka_hil_msgs.msg import StepInfo
from franka_hil_recorder.bag_export import Bag
from franka_hil_viewer.recording import entity_rows
from franka_hil_viewer.scene import TIMELINE
import numpy as np
import pytest
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {'width': 1400, 'height': 900}
# The review's checks read the viewer's state, not its pixels: a smaller page is less for
# software WebGL to draw.
REVIEW_VIEWPORT = {'width': 800, 'height': 500}
# Software WebGL: no GPU here, nor in CI.
CHROMIUM_ARGS = [
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
    '--ignore-gpu-blocklist',
    '--no-sandbox',
]
# A screenshot waits for the page's next frame: software WebGL on a loaded machine (load 12)
# took more than playwright's default 30 s.
SCREENSHOT_MS = 90_000
# Mean absolute difference (0..255, at 32 x 32) below which a crop shows a camera frame.
SAME_IMAGE = 10.0
# Colours of the scene (franka_hil_viewer.scene and the sim's markers).
SERIES = ((40, 170, 60), (230, 80, 40), (230, 200, 40))
BOUNDS = (51, 102, 255)


def longest_run(indices):
    """Return (first, last) of the longest run of consecutive integers in sorted indices."""
    best, start = (0, -1), None
    for i, index in enumerate(indices):
        if start is None or index != indices[i - 1] + 1:
            start = index
        if index - start > best[1] - best[0]:
            best = (start, index)
    return best


def image_in(region):
    """
    Return the part of a screenshot region that is one image on the page background.

    The panel background is near white (light theme); the image's rows and columns are the
    longest runs where most pixels are not background (titles and icons are sparse).
    """
    content = ~(region > 235).all(axis=2)
    rows = np.flatnonzero(content.mean(axis=1) > 0.5)
    if len(rows) < 32:
        return None
    top, bottom = longest_run(list(rows))
    # Columns within those rows only (white parts of the image, e.g. the robot, count as
    # background, so a column fraction over the whole region would cut them off).
    cols = np.flatnonzero(content[top : bottom + 1].mean(axis=0) > 0.5)
    if len(cols) < 32:
        return None
    left, right = longest_run(list(cols))
    if bottom - top < 32 or right - left < 32:
        return None
    return region[top : bottom + 1, left : right + 1]


def mean_difference(crop, frame, side=32):
    """
    Mean absolute difference (0..255) of a screenshot crop and a frame, both box-scaled to side².

    The page scales the image by a non-integer factor, and the crop may be a pixel off at an
    edge; at 32 x 32 both average out, while another frame or camera still differs clearly.
    """
    from PIL import Image as PilImage

    def small(pixels):
        return np.asarray(
            PilImage.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8)).resize(
                (side, side), PilImage.BOX
            ),
            dtype=float,
        )

    return float(np.abs(small(crop) - small(frame)).mean())


def near(pixels, color, tolerance=40):
    """Count the pixels within `tolerance` (per channel) of a colour."""
    return int((np.abs(pixels.astype(int) - np.array(color)) <= tolerance).all(axis=2).sum())


def missing_from_view(shot):
    """
    Return what a screenshot lacks of the plot and the 3D view (empty if nothing).

    The layout (franka_hil_viewer.scene.blueprint): 3D view over the plot on the left 3/5.
    """
    width, height = VIEWPORT['width'], VIEWPORT['height']
    left = shot[:, : int(0.58 * width)]
    view3d, plot = left[: int(0.55 * height)], left[int(0.62 * height) :]
    missing = []
    if sum(near(plot, c) for c in SERIES) <= 150:
        missing.append('no step-info series plotted')
    rgb = view3d.astype(int)
    red = (rgb[..., 0] > 100) & (rgb[..., 0] > rgb[..., 1] + 60) & (rgb[..., 0] > rgb[..., 2] + 60)
    if red.sum() <= 10:
        missing.append('no cube marker (red, shaded) in the 3D view')
    if near(view3d, BOUNDS, 30) <= 100:
        missing.append('no workspace box in the 3D view')
    # The robot: shaded grey links (meshes or primitives) on the near-white background (whose
    # grid lines are fainter): tens of thousands of pixels, the grid alone a few hundred.
    value, spread = rgb.max(axis=2), rgb.max(axis=2) - rgb.min(axis=2)
    grey = (spread < 20) & (value > 60) & (value < 215)
    if grey.sum() <= 10000:
        missing.append(f'no robot in the 3D view ({grey.sum()} grey pixels)')
    return missing


def wait_for_camera(page, frames, shot_path, spin=None, timeout=180):
    """
    Screenshot the page until its front camera panel shows one of `frames()`.

    The layout (franka_hil_viewer.scene.blueprint): 3D view over the plot on the left 3/5,
    front | wrist cameras at the top of the right 2/5. Return (screenshot, crop, difference).
    """
    from PIL import Image as PilImage

    width, height = VIEWPORT['width'], VIEWPORT['height']
    front = (slice(0, int(0.45 * height)), slice(int(0.59 * width), int(0.8 * width)))
    best = None
    deadline = time.monotonic() + timeout
    while True:
        if spin:
            spin(timeout_sec=0.05)
        page.screenshot(path=str(shot_path), timeout=SCREENSHOT_MS)
        shot = np.asarray(PilImage.open(shot_path).convert('RGB'))
        crop = image_in(shot[front])
        if crop is not None:
            best = min(mean_difference(crop, f) for f in frames())
            if best < SAME_IMAGE:
                return shot, crop, best
        assert time.monotonic() < deadline, (
            f'no front camera frame on the page (best difference {best}); screenshot {shot_path}'
        )
        if spin:
            spin(timeout_sec=0.5)
        else:
            time.sleep(0.5)


def browser_page(playwright, executable, viewport=VIEWPORT):
    """
    Open a page in headless Chromium (software WebGL) at a viewport size.

    Return (browser, page, requests): every address the page asks for, as it asks.
    """
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport=viewport, color_scheme='light')
    requests = []
    page.on('request', lambda request: requests.append(request.url))
    return browser, page, requests


def off_this_machine(requests):
    """Return the requests (addresses) to a host other than 127.0.0.1 or localhost."""
    return sorted(
        {
            url
            for url in requests
            if urlsplit(url).scheme not in ('data', 'blob')
            and urlsplit(url).hostname not in ('127.0.0.1', 'localhost')
        }
    )


def protobuf_fields(data):
    """
    Decode one protobuf message's wire format: {field number: [int or bytes, ...]}.

    Enough for the viewer's state (varints and length-delimited fields only).
    """
    fields, i = {}, 0

    def varint():
        nonlocal i
        value, shift = 0, 0
        while True:
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    while i < len(data):
        key = varint()
        number, kind = key >> 3, key & 7
        if kind == 0:
            value = varint()
        elif kind == 2:
            size = varint()
            value, i = data[i : i + size], i + size
        else:
            raise ValueError(f'wire type {kind} of field {number} not decoded')
        fields.setdefault(number, []).append(value)
    return fields


def time_cursor(page, timeline):
    """
    Return (cursor, first, last) on `timeline` of the page's active recording, in ns.

    The page's viewer (window._handle, which Rerun's index.html keeps) answers viewer_state()
    with the Viewer Control API's GetStateResponse, protobuf-encoded. The field numbers below
    are that message's, which rerun.experimental.ViewerClient reads as JSON:
    recordings (3) [current_time (3) {timeline (1) {name (1)}, time (3) {time (1)}}, timelines
    (2) [{timeline (1) {name (1)}, time_range (3) {start (1), end (2)}}]]. None before it has
    the recording (or the timeline).
    """
    encoded = page.evaluate('() => window._handle && [...window._handle.viewer_state()]')
    if not encoded:
        return None  # the viewer has not started yet
    state = protobuf_fields(bytes(encoded))
    for recording in map(protobuf_fields, state.get(3, [])):
        ranges = {}
        for line in map(protobuf_fields, recording.get(2, [])):
            name = protobuf_fields(line[1][0])[1][0].decode()
            span = protobuf_fields(line[3][0]) if 3 in line else {}
            ranges[name] = (span.get(1, [0])[0], span.get(2, [0])[0])
        cursor = protobuf_fields(recording[3][0]) if 3 in recording else None
        if timeline not in ranges or cursor is None:
            continue
        if protobuf_fields(cursor[1][0])[1][0].decode() == timeline:
            at = protobuf_fields(cursor[3][0]).get(1, [0])[0] if 3 in cursor else 0
            return (at, *ranges[timeline])
    return None


@pytest.mark.slow
def test_web_view_shows_cameras_plot_and_robot(
    chromium, free_ports, start_process, ros_node, spin, tmp_path
):
    from PIL import Image as PilImage
    from playwright.sync_api import sync_playwright

    web, data = free_ports(2)
    graph = start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_sim.bringup.supervisor',
            'mode:=realtime',
            'teleop:=script',
            'viewer:=rerun',
            f'viewer_port:={web}',
            f'viewer_data_port:={data}',
        ],
        name='bringup',
    )
    graph.wait_for_output('live view of the graph: http', timeout=90)
    url = re.search(r'live view of the graph: (\S+)', graph.output()).group(1)
    assert url.startswith(f'http://127.0.0.1:{web}/?url=rerun%2Bhttp%3A%2F%2F127.0.0.1%3A{data}')

    frames = {camera: deque(maxlen=400) for camera in ('front', 'wrist')}
    for camera, kept in frames.items():
        ros_node.create_subscription(
            Image,
            f'{camera}/image_raw',
            lambda m, kept=kept: kept.append(image_array(m)),
            QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE),
        )
    ended = []
    ros_node.create_subscription(
        StepInfo,
        'step_info',
        lambda m: ended.append(m) if m.terminated or m.truncated else None,
        100,
    )
    with sync_playwright() as playwright:
        browser, page, requests = browser_page(playwright, chromium)
        try:
            # The page loads (20 s of software WebGL and WebAssembly) while the graph runs on.
            page.goto(url, timeout=60_000)
            assert page.title() == 'Rerun Viewer'
            spin(ros_node, lambda: all(frames.values()), timeout=60, what='camera frames')
            # A whole episode first: the plot and the events log have something to show.
            spin(ros_node, lambda: ended, timeout=90, what='an episode end')
            # The layout (franka_hil_viewer.scene.blueprint): 3D view over the plot on the
            # left 3/5; front | wrist cameras at the top of the right 2/5.
            shot, crop, best = wait_for_camera(
                page,
                lambda: list(frames['front']),
                tmp_path / 'viewer.png',
                spin=ros_node.executor_for_test.spin_once,
            )
            shot_path = tmp_path / 'viewer.png'
            # The crop is the front camera, not just any image of the scene.
            wrist_best = min(mean_difference(crop, f) for f in list(frames['wrist']))
            assert best < wrist_best / 2, (best, wrist_best)
            if os.environ.get('UPDATE_SCREENSHOT'):
                # The page first replays what the server buffered (software WebGL is slow at
                # it): for the picture, give it a while to catch up with the last 3 s of frames.
                try:
                    shot, crop, best = wait_for_camera(
                        page,
                        lambda: list(frames['front'])[-30:],
                        shot_path,
                        spin=ros_node.executor_for_test.spin_once,
                        timeout=60,
                    )
                    print('the page caught up with the live frames')
                except AssertionError:
                    print('the page did not catch up within 60 s (screenshot of an older frame)')
            # The plot and the 3D view, on this screenshot or, while the page is still drawing
            # what it replays, on a later one.
            deadline = time.monotonic() + 60
            while missing := missing_from_view(shot):
                assert time.monotonic() < deadline, f'{missing}; screenshot {shot_path}'
                ros_node.executor_for_test.spin_once(timeout_sec=0.5)
                page.screenshot(path=str(shot_path), timeout=SCREENSHOT_MS)
                shot = np.asarray(PilImage.open(shot_path).convert('RGB'))
            assert requests and not off_this_machine(requests), off_this_machine(requests)
        finally:
            browser.close()
    if os.environ.get('UPDATE_SCREENSHOT'):
        (ROOT / 'docs').mkdir(exist_ok=True)
        shutil.copy(shot_path, ROOT / 'docs' / 'viewer.png')
    assert graph.stop(timeout=30) == 0
    assert 'died' not in graph.output()


@pytest.mark.slow
def test_recording_review_opens_paused_at_the_first_episode(
    chromium, free_ports, start_process, tmp_path, demo_recording, demo_review
):
    from playwright.sync_api import sync_playwright

    # One demo episode (viewer:=none) and its bag_to_rerun conversion (test/conftest.py).
    bag, (review, _) = demo_recording / 'bag', demo_review
    with Bag(bag) as recorded:
        steps = [m for _, _, m in recorded.messages([recorded.topic('step_info')])]
    first_episode = [s for s in steps if s.episode == steps[0].episode]
    assert first_episode[-1].terminated or first_episode[-1].truncated  # a whole episode
    last = max(t for rows in entity_rows(review).values() for t, _ in rows if t is not None)

    web, data = free_ports(2)
    viewer = start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_viewer.view_recording',
            str(review),
            '--port',
            str(web),
            '--data-port',
            str(data),
        ],
        name='view_recording',
    )
    viewer.wait_for_output('Ctrl-C stops', timeout=60)
    url = re.search(r'review.rrd: (\S+)', viewer.output()).group(1)
    with sync_playwright() as playwright:
        browser, page, requests = browser_page(playwright, chromium, REVIEW_VIEWPORT)
        try:
            page.goto(url, timeout=60_000)
            # The whole recording has arrived (the time line reaches its last entry): the time
            # cursor is where the review opens, paused.
            deadline = time.monotonic() + 120
            while (cursor := time_cursor(page, TIMELINE)) is None or cursor[2] < last:
                assert time.monotonic() < deadline, f'the recording not loaded: {cursor}'
                page.wait_for_timeout(200)
            at, start, end = cursor
            first_step = stamp_ns(first_episode[0].header.stamp)
            print(
                f'time cursor at {at * 1e-9:.2f} s of {start * 1e-9:.2f}-{end * 1e-9:.2f} s; '
                f'first step of episode {first_episode[0].episode} at {first_step * 1e-9:.2f} s'
            )
            # Where the first timed entry the page received is: the first episode's first step,
            # or 0 s when the bag's /tf_static (stamped 0) came first (then the camera panels
            # are empty until the first step). Not the end.
            if not start <= at <= first_step < end:
                page.screenshot(path=str(tmp_path / 'review.png'))  # for the failure's report
            assert start <= at <= first_step < end, cursor
            # Still there a moment later: paused, not playing nor following the newest data.
            page.wait_for_timeout(1000)
            assert time_cursor(page, TIMELINE)[0] == at, 'the review did not stay paused'
            assert requests and not off_this_machine(requests), off_this_machine(requests)
        finally:
            browser.close()
    assert viewer.stop() == 0
