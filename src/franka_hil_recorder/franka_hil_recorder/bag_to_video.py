# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
`franka-hil-bag-to-video BAG OUT.mp4`: both cameras of a bag side by side in one H.264 video.

Front and wrist frames are paired by header stamp (both cameras render at the same simulation
time); a frame without a partner is left out and counted. The bag is read twice (stamps, then
pixels) so memory stays bounded by the few frames that arrive out of order, however long the
recording.
"""

import argparse
import sys

from franka_hil_common.names import image_topic
from franka_hil_common.observation import CAMERAS
from franka_hil_recorder.bag_export import Bag
from franka_hil_recorder.bag_export import ExportError
from franka_hil_recorder.bag_export import frame_rate
from franka_hil_recorder.bag_export import image_to_rgb
from franka_hil_recorder.bag_export import pair_by_stamp
from franka_hil_recorder.bag_export import stamp_ns
from franka_hil_recorder.bag_export import VideoWriter
import numpy as np


# Default pairing tolerance: the cameras of one simulation step share their stamp exactly.
DEFAULT_TOLERANCE_S = 0.001


def export_video(bag_path, output, namespace=None, fps=None, tolerance_s=DEFAULT_TOLERANCE_S):
    """Write the side-by-side video; return (frames written, frames left unpaired, fps)."""
    with Bag(bag_path, namespace) as bag:
        topics = {bag.topic(image_topic(camera)): camera for camera in CAMERAS}
        stamps = {camera: set() for camera in CAMERAS}
        for topic, _, image in bag.messages(topics):
            stamps[topics[topic]].add(stamp_ns(image.header))
        pairs, unpaired = pair_by_stamp(
            *([(s, s) for s in stamps[camera]] for camera in CAMERAS), tolerance_s * 1e9
        )
        if not pairs:
            raise ExportError(
                f'{bag_path}: no front/wrist frames with matching stamps '
                f'({len(stamps["front"])} front, {len(stamps["wrist"])} wrist)'
            )
        fps = fps or frame_rate([front for front, _, _ in pairs], 'the camera frames')
        # Second pass: pixels of the paired stamps, written in stamp order as pairs complete.
        slot_of = {
            camera: {pair[1 + k]: i for i, pair in enumerate(pairs)}
            for k, camera in enumerate(CAMERAS)
        }
        slots = [[None, None] for _ in pairs]
        done = 0
        video = VideoWriter(output, fps)
        try:
            for topic, _, image in bag.messages(topics):
                camera = topics[topic]
                i = slot_of[camera].get(stamp_ns(image.header))
                k = CAMERAS.index(camera)
                if i is None or i < done or slots[i][k] is not None:
                    continue
                slots[i][k] = image_to_rgb(image)
                while done < len(pairs) and all(x is not None for x in slots[done]):
                    front, wrist = slots[done]
                    if front.shape[0] != wrist.shape[0]:
                        raise ExportError(
                            f'front ({front.shape[0]} rows) and wrist '
                            f'({wrist.shape[0]} rows) images differ in height'
                        )
                    video.add(np.hstack([front, wrist]))
                    slots[done] = None
                    done += 1
        finally:
            video.close()
        if done < len(pairs):
            raise ExportError(
                f'{bag_path}: {len(pairs) - done} frame pairs vanished between '
                'two reads of the bag'
            )
    return video.frames, unpaired, fps


def main(argv=None):
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog='franka-hil-bag-to-video',
        description='Write the front and wrist cameras of a bag side by side into an mp4.',
    )
    parser.add_argument('bag', help='rosbag2 directory written by the recorder')
    parser.add_argument('output', help='mp4 file to write')
    parser.add_argument(
        '--namespace',
        help='namespace of the camera topics (default: the only '
        'front/wrist image_raw topics in the bag)',
    )
    parser.add_argument('--fps', type=float, help='video frame rate (default: from the stamps)')
    parser.add_argument(
        '--tolerance',
        type=float,
        default=DEFAULT_TOLERANCE_S,
        help='largest front/wrist stamp difference of a pair, seconds '
        f'(default {DEFAULT_TOLERANCE_S})',
    )
    args = parser.parse_args(argv)
    if args.fps is not None and not args.fps > 0:
        parser.error('--fps must be positive')
    if not args.tolerance >= 0:
        parser.error('--tolerance must be >= 0')
    try:
        frames, unpaired, fps = export_video(
            args.bag, args.output, args.namespace, args.fps, args.tolerance
        )
    except ExportError as error:
        print(f'franka-hil-bag-to-video: {error}', file=sys.stderr)
        return 1
    print(
        f'{args.output}: {frames} frames at {fps:.2f} fps'
        + (f', {unpaired} unpaired frames left out' if unpaired else '')
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
