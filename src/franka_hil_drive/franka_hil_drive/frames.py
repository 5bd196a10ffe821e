# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The newest frame wins: what the page is sent, and when.

The node keeps only the latest JPEG of each camera and the latest status (LatestFrame). A client
is sent a frame only once it has acknowledged the previous one (ClientFlow: one frame in flight),
and then whatever is newest, so a slow browser or link skips frames instead of queueing them and
the page is never more than one frame behind. Free of ROS and of the network.
"""

from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, field
import json
import struct
import threading
from typing import Optional

# StepInfos remembered to label a frame with its episode and step (10 s at 10 Hz and more).
STEPS_KEPT = 256
HEADER_SIZE = struct.Struct('>I')  # binary frame: header length, JSON header, the JPEGs


@dataclass
class CameraImage:
    version: int
    jpeg: bytes
    stamp_ns: int
    received: float  # monotonic seconds


class LatestFrame:
    """The latest image of each camera and the latest status; written by ROS, read by clients."""

    def __init__(self):
        """Start empty: version 0 means nothing was received yet."""
        self._lock = threading.Lock()
        self.version = 0
        self.images = {}
        self.status = None
        self._stamps, self._steps = deque(maxlen=STEPS_KEPT), deque(maxlen=STEPS_KEPT)

    def put_image(self, camera, jpeg, stamp_ns, now):
        """Keep a camera's newest JPEG (sim-time stamp, monotonic time received)."""
        with self._lock:
            self.version += 1
            self.images[camera] = CameraImage(self.version, jpeg, stamp_ns, now)

    def put_step(self, stamp_ns, episode, step, status, now):
        """Record a step (its sim-time stamp labels the images of that step) and the status."""
        with self._lock:
            self.version += 1
            if self._stamps and stamp_ns < self._stamps[-1]:  # sim restarted: forget the past
                self._stamps.clear()
                self._steps.clear()
            self._stamps.append(stamp_ns)
            self._steps.append((episode, step, now))
            self.status = status

    def _step_at(self, stamp_ns):
        """Return (episode, step, received) of the last step at or before a stamp, or None."""
        index = bisect_right(self._stamps, stamp_ns) - 1
        return self._steps[index] if index >= 0 else None

    def frame_for(self, sent_images: dict, now):
        """
        Return (header, jpegs, versions) for a client that has the image versions `sent_images`.

        Only the cameras with a newer image are included; the header names the frame's episode
        and step (of its newest image) and its age in ms when sent, measured from the moment
        the node received that step (the sim published it).
        """
        with self._lock:
            newer = {c: i for c, i in self.images.items() if i.version > sent_images.get(c, 0)}
            header = {
                'type': 'frame',
                'version': self.version,
                'status': self.status,
                'images': [[c, len(i.jpeg)] for c, i in newer.items()],
            }
            if self.images:
                newest = max(self.images.values(), key=lambda i: i.stamp_ns)
                step = self._step_at(newest.stamp_ns)
                received = newest.received
                if step is not None:
                    header['episode'], header['step'] = step[0], step[1]
                    received = min(received, step[2])
                header['age_ms'] = round(1000 * max(0.0, now - received), 1)
            return (
                header,
                [i.jpeg for i in newer.values()],
                {c: i.version for c, i in newer.items()},
            )


def encode(header, jpegs) -> bytes:
    """Return a binary frame message: header length, JSON header, the JPEGs one after another."""
    text = json.dumps(header, separators=(',', ':')).encode()
    return b''.join([HEADER_SIZE.pack(len(text)), text, *jpegs])


@dataclass
class ClientFlow:
    """One client's flow control: at most one frame in flight, and the RTT its acks measure."""

    seq: int = 0
    sent: int = 0
    acked: int = 0
    version: int = 0  # of the last frame sent
    images: dict = field(default_factory=dict)  # camera -> image version sent
    rtt_ms: Optional[float] = None
    _in_flight: Optional[tuple] = None  # (seq, monotonic time sent)

    def ready(self, version) -> bool:
        """Tell whether a frame of `version` may be sent: newer, and nothing in flight."""
        return self._in_flight is None and version > self.version

    def on_sent(self, version, images, now) -> int:
        """Record a frame sent; return its sequence number."""
        self.seq += 1
        self.sent += 1
        self.version = version
        self.images.update(images)
        self._in_flight = (self.seq, now)
        return self.seq

    def on_ack(self, seq, held_ms, now) -> bool:
        """Take an ack (the page's time holding the frame excluded from the RTT); True if due."""
        if self._in_flight is None or seq != self._in_flight[0]:
            return False
        rtt = max(0.0, 1000 * (now - self._in_flight[1]) - max(0.0, float(held_ms)))
        self.rtt_ms = rtt if self.rtt_ms is None else 0.8 * self.rtt_ms + 0.2 * rtt
        self.acked += 1
        self._in_flight = None
        return True
