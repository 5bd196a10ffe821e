# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Reading recorded bags for the converters (bag_to_video, bag_to_lerobot), without ROS.

Bags are read with rosbags using the message definitions embedded in them, so a converter works
on any machine with Python, whatever the recorder's install had. Camera frames are matched by
their header stamps (simulation time), never by arrival order, which DDS does not keep across
topics.
"""

from bisect import bisect_left
from pathlib import Path
import statistics

from franka_hil_common.messages import stamp_ns as time_ns
from franka_hil_recorder.bag_recorder import find_topic
from franka_hil_recorder.bag_recorder import RecorderError
import imageio_ffmpeg
import numpy as np
from rosbags.highlevel import AnyReader


class ExportError(RuntimeError):
    """A bag cannot be converted (missing topics, unreadable images, no timing information)."""


# channels and RGB channel order of the 8-bit sensor_msgs/Image encodings we convert
_ENCODINGS = {
    'rgb8': (3, [0, 1, 2]),
    'bgr8': (3, [2, 1, 0]),
    'rgba8': (4, [0, 1, 2]),
    'bgra8': (4, [2, 1, 0]),
    'mono8': (1, [0, 0, 0]),
}


def stamp_ns(header):
    """Return a std_msgs/Header stamp in nanoseconds."""
    return time_ns(header.stamp)


def image_to_rgb(image):
    """Return a sensor_msgs/Image (8-bit encodings) as an (H, W, 3) uint8 RGB array."""
    if image.encoding not in _ENCODINGS:
        raise ExportError(
            f'image encoding {image.encoding!r} is not supported ({", ".join(_ENCODINGS)})'
        )
    channels, order = _ENCODINGS[image.encoding]
    row = image.width * channels
    data = np.asarray(image.data, dtype=np.uint8)
    if image.step < row or data.size < image.step * image.height:
        raise ExportError(
            f'image {image.width}x{image.height} {image.encoding}: '
            f'{data.size} bytes with step {image.step} are too few'
        )
    rows = data[: image.step * image.height].reshape(image.height, image.step)[:, :row]
    return np.ascontiguousarray(rows.reshape(image.height, image.width, channels)[:, :, order])


class Bag:
    """A finished bag (rosbag2 directory) opened for reading, with topics found by name."""

    def __init__(self, path, namespace=None):
        self.path = Path(path)
        if not (self.path / 'metadata.yaml').is_file():
            raise ExportError(f'{self.path}: not a finished rosbag2 directory (no metadata.yaml)')
        self.namespace = namespace
        self._reader = AnyReader([self.path])
        self._reader.open()

    def close(self):
        """Close the bag."""
        self._reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def topic(self, relative_name, required=True):
        """Return the recorded topic of `relative_name`; None if absent and not required."""
        try:
            topic = find_topic(self._reader.topics, relative_name, self.namespace)
        except RecorderError as error:
            raise ExportError(str(error)) from None
        if topic is None and required:
            where = f' in namespace {self.namespace!r}' if self.namespace is not None else ''
            raise ExportError(f'{self.path}: no {relative_name} topic recorded{where}')
        return topic

    def messages(self, topics):
        """Yield (topic, log time ns, message) for `topics`, in log-time order."""
        connections = [c for c in self._reader.connections if c.topic in set(topics)]
        for connection, log_ns, raw in self._reader.messages(connections=connections):
            yield connection.topic, log_ns, self._reader.deserialize(raw, connection.msgtype)


def frame_rate(stamps, what):
    """Return the rate (Hz) implied by the median spacing of increasing stamps in ns."""
    steps = [b - a for a, b in zip(stamps, stamps[1:]) if b > a]
    if not steps:
        raise ExportError(
            f'cannot tell the frame rate of {what} from its stamps '
            '(fewer than two distinct stamps): give it explicitly'
        )
    return 1e9 / statistics.median(steps)


def nearest(stamps, stamp, tolerance_ns):
    """Return the index of the sorted `stamps` entry nearest `stamp` within tolerance, or None."""
    i = bisect_left(stamps, stamp)
    best = min(
        (j for j in (i - 1, i) if 0 <= j < len(stamps)),
        key=lambda j: abs(stamps[j] - stamp),
        default=None,
    )
    if best is None or abs(stamps[best] - stamp) > tolerance_ns:
        return None
    return best


def pair_by_stamp(first, second, tolerance_ns):
    """
    Pair two lists of (stamp_ns, item) by stamp; each item is used at most once.

    Returns (pairs as (stamp, first item, second item) in stamp order, number of unpaired items).
    """
    first = sorted(first, key=lambda x: x[0])
    second = sorted(second, key=lambda x: x[0])
    stamps = [s for s, _ in second]
    used = set()
    pairs = []
    for stamp, item in first:
        j = nearest(stamps, stamp, tolerance_ns)
        if j is not None and j not in used:
            used.add(j)
            pairs.append((stamp, item, second[j][1]))
    return pairs, len(first) + len(second) - 2 * len(pairs)


class VideoWriter:
    """H.264 (yuv420p, plays everywhere) mp4 of RGB frames that all have the first one's size."""

    def __init__(self, path, fps):
        self.path = path
        self.fps = fps
        self.frames = 0
        self._size = None
        self._writer = None

    def add(self, frame):
        """Append one (H, W, 3) uint8 frame."""
        size = (frame.shape[1], frame.shape[0])
        if self._writer is None:
            self._size = size
            self._writer = imageio_ffmpeg.write_frames(
                str(self.path),
                size,
                fps=self.fps,
                codec='libx264',
                pix_fmt_out='yuv420p',
                macro_block_size=2,
                ffmpeg_log_level='error',
            )
            self._writer.send(None)
        elif size != self._size:
            raise ExportError(
                f'{self.path}: frame of {size[0]}x{size[1]} in a video of '
                f'{self._size[0]}x{self._size[1]}'
            )
        self._writer.send(np.ascontiguousarray(frame))
        self.frames += 1

    def close(self):
        """Finish the file."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
