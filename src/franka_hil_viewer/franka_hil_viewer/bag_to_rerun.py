# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
franka-hil-bag-to-rerun BAG OUT.rrd: a recorded bag as a Rerun recording, in the live layout.

Every recorded message the live viewer shows (robot_description, /tf, /tf_static, markers, the
camera images, step_info) goes through the same GraphView, on a time line of sim time from the
message stamps, with the time panel open to scrub through the episodes. Open the file with
`franka-hil-view-recording OUT.rrd` (the same local web viewer) or any Rerun viewer.
"""

import argparse
from pathlib import Path
import sys

from franka_hil_common import names, observation as layout
from franka_hil_recorder.bag_export import Bag, ExportError
from franka_hil_viewer.graph_view import GraphView
import rerun as rr

APPLICATION_ID = 'franka_hil'


def bag_to_rerun(bag_path, output, namespace=None, frame_prefix=''):
    """Write the bag's view to `output` (.rrd); return {what: messages logged} and warnings."""
    bag_path, output = Path(bag_path), Path(output)
    warnings = []
    with Bag(bag_path, namespace) as bag:
        cameras = [c for c in layout.CAMERAS if bag.topic(names.image_topic(c), required=False)]
        handlers = {}

        def add(name, handler):
            # /tf and /tf_static are absolute: the one recorded topic of that last name
            topic = bag.topic(name.lstrip('/'), required=False)
            if topic is None:
                warnings.append(f'no {name} recorded: not shown')
            else:
                handlers[topic] = handler

        stream = rr.RecordingStream(APPLICATION_ID, recording_id=f'bag-{bag_path.resolve()}')
        stream.save(output)
        view = GraphView(stream, cameras or layout.CAMERAS, frame_prefix, time_panel=True)

        def description(msg):
            try:
                warnings.extend(view.on_description(msg))
            except ValueError as error:
                warnings.append(f'robot_description not shown: {error}')

        add(names.ROBOT_DESCRIPTION, description)
        add(names.TF_STATIC, view.on_tf)
        add(names.TF, view.on_tf)
        add(names.MARKERS, view.on_markers)
        add(names.STEP_INFO, view.on_step_info)
        for camera in cameras:
            add(names.image_topic(camera), lambda msg, c=camera: view.on_image(c, msg))
        if not cameras and bag.topic(names.STEP_INFO, required=False) is None:
            stream.disconnect()
            raise ExportError(f'{bag_path}: neither camera images nor step_info recorded')
        for topic, _, msg in bag.messages(list(handlers)):
            try:
                handlers[topic](msg)
            except ValueError as error:
                warnings.append(f'{topic}: {error}')
        stream.flush()
        stream.disconnect()
    return dict(view.counts), warnings


def main(argv=None):
    """Console entry point."""
    parser = argparse.ArgumentParser(
        prog='franka-hil-bag-to-rerun',
        description=__doc__.strip().split('\n')[0].split(': ', 1)[1],
    )
    parser.add_argument('bag', type=Path, help='rosbag2 directory (from the recorder)')
    parser.add_argument('output', type=Path, help='Rerun recording to write (.rrd)')
    parser.add_argument(
        '--namespace', default=None, help="the graph's namespace, when the bag holds several"
    )
    parser.add_argument(
        '--frame-prefix',
        default='',
        help="the simulator's TF frame prefix (e.g. sim0/ in a vector graph)",
    )
    options = parser.parse_args(argv)
    if options.output.suffix != '.rrd':
        parser.error(f'{options.output}: the output must be an .rrd file')
    try:
        counts, warnings = bag_to_rerun(
            options.bag, options.output, options.namespace, options.frame_prefix
        )
    except (ExportError, OSError) as error:
        print(f'franka-hil-bag-to-rerun: error: {error}', file=sys.stderr)
        return 1
    for warning in dict.fromkeys(warnings):
        print(f'franka-hil-bag-to-rerun: warning: {warning}', file=sys.stderr)
    print(
        f'{options.output}: '
        + ', '.join(f'{n} {what}' for what, n in sorted(counts.items()))
        + f'\nview it: franka-hil-view-recording {options.output}'
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
