# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The newest frame wins, one frame in flight per client, frames labelled with their step."""

import json

from franka_hil_drive.frames import ClientFlow, encode, HEADER_SIZE, LatestFrame


def test_a_frame_is_the_newest_images_labelled_with_their_step():
    latest = LatestFrame()
    latest.put_step(100, 1, 1, {'step': 1}, now=10.0)
    latest.put_image('front', b'old', 100, now=10.01)
    latest.put_step(200, 1, 2, {'step': 2}, now=10.1)
    latest.put_image('front', b'new', 200, now=10.11)
    latest.put_image('wrist', b'w', 200, now=10.12)
    header, jpegs, versions = latest.frame_for({}, now=10.2)
    assert jpegs == [b'new', b'w'] and header['images'] == [['front', 3], ['wrist', 1]]
    assert (header['episode'], header['step'], header['status']) == (1, 2, {'step': 2})
    assert abs(header['age_ms'] - 100.0) < 1e-6  # from when step 2 arrived
    # A client with these images gets none again, but the status.
    latest.put_step(300, 1, 3, {'step': 3}, now=10.3)
    header, jpegs, _ = latest.frame_for(versions, now=10.3)
    assert jpegs == [] and header['status'] == {'step': 3} and header['step'] == 2


def test_encoded_frame_is_header_then_jpegs():
    message = encode({'a': 1}, [b'xy', b'z'])
    (size,) = HEADER_SIZE.unpack(message[:4])
    assert json.loads(message[4 : 4 + size]) == {'a': 1} and message[4 + size :] == b'xyz'


def test_one_frame_in_flight_and_only_newer_ones():
    flow = ClientFlow()
    assert flow.ready(1) and not flow.ready(0)
    seq = flow.on_sent(1, {'front': 1}, now=0.0)
    assert not flow.ready(5)  # nothing more until the ack, however new
    assert not flow.on_ack(seq + 1, 0, now=0.05)  # not the frame in flight
    assert flow.on_ack(seq, held_ms=10, now=0.05)
    assert abs(flow.rtt_ms - 40.0) < 1e-6 and (flow.sent, flow.acked) == (1, 1)
    assert flow.ready(5) and not flow.ready(1)
