# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
franka-hil-view-recording sits idle once it serves its files.

rerun 0.41's `rerun --serve-web FILE.rrd` keeps one core busy for as long as it runs; the
review sends its files over gRPC instead (franka_hil_viewer.server). A page that loads them is
test/test_viewer_browser.py's review test.
"""

import sys
import time

import rerun as rr

# Share of one core the review's processes may use while nobody looks: a spinning server takes
# a whole core (at load 4 on 2 cores, still about half of one).
IDLE_SHARE = 0.2
WINDOW_S = 3.0


def test_the_review_server_idles_while_it_serves_a_recording(free_ports, start_process, tmp_path):
    recording = tmp_path / 'review.rrd'
    stream = rr.RecordingStream('franka_hil', recording_id='idle-test')
    stream.save(recording)
    for step in range(200):
        stream.set_time('step', sequence=step)
        stream.log('reward', rr.Scalars(step * 0.01))
    stream.flush()
    stream.disconnect()
    web, data = free_ports(2)
    review = start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_viewer.view_recording',
            str(recording),
            '--port',
            str(web),
            '--data-port',
            str(data),
        ],
        name='view_recording',
    )
    review.wait_for_output('Ctrl-C stops', timeout=60)  # the file is on its way (a few ms)
    before, start = review.cpu_seconds(), time.monotonic()
    while time.monotonic() - start < WINDOW_S:  # a window to measure in, not a wait for an event
        assert review.proc.poll() is None, review.output()
        time.sleep(0.1)
    used = review.cpu_seconds() - before
    elapsed = time.monotonic() - start
    assert used < IDLE_SHARE * elapsed, f'{used:.2f} s of CPU in {elapsed:.1f} s while idle'
    assert review.stop() == 0
