# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
One message at a time into a Rerun stream: what the live node and bag_to_rerun share.

GraphView keeps what later messages need (the TF tree, who acted last) and logs each message's
entries (franka_hil_viewer.scene) at its stamp's sim time. Messages are read by attribute only:
rclpy's from the live graph and rosbags' from a bag both work. Nothing here imports ROS.
"""

from franka_hil_common import names, observation as layout
from franka_hil_common.messages import image_array, stamp_ns
from franka_hil_viewer import scene
from franka_hil_viewer.urdf_visuals import parse_urdf


class GraphView:
    """The view of one graph: call the on_* method of each message received, in order."""

    def __init__(self, stream, cameras=layout.CAMERAS, frame_prefix='', time_panel=False):
        """Send the layout and the static parts (axes, plot styles) to `stream`."""
        self.stream = stream
        self.frame_prefix = frame_prefix
        self.tree = scene.TfTree(frame_prefix + names.WORLD_FRAME)
        self.steps = scene.StepView()
        self.counts = {}
        stream.send_blueprint(scene.blueprint(cameras, time_panel))
        scene.log(stream, 0, scene.world_entries() + scene.series_entries())

    def _logged(self, what, ns, entries):
        scene.log(self.stream, ns, entries)
        self.counts[what] = self.counts.get(what, 0) + 1
        return self.counts[what] == 1

    def on_description(self, msg):
        """Draw the robot of a std_msgs/String URDF; return what could not be drawn (texts)."""
        model = parse_urdf(msg.data)  # ValueError: not a URDF
        self._logged('robot_description', 0, scene.robot_entries(model, self.frame_prefix))
        return list(model.skipped)

    def on_tf(self, msg, show=True):
        """Move the frames of a tf2_msgs/TFMessage (/tf or /tf_static); show=False: only note."""
        if msg.transforms:
            self.tree.update_from_msg(msg)
            if show:
                self._logged(
                    'tf',
                    stamp_ns(msg.transforms[0].header.stamp),
                    scene.frame_entries(self.tree, self.tree.frames()),
                )

    def on_markers(self, msg):
        """Draw a visualization_msgs/MarkerArray."""
        if msg.markers:
            self._logged(
                'markers',
                stamp_ns(msg.markers[0].header.stamp),
                scene.marker_entries(msg, self.tree),
            )

    def on_image(self, camera, msg):
        """Show a sensor_msgs/Image (rgb8) in its camera panel; ValueError on another layout."""
        self._logged(
            f'{camera} image',
            stamp_ns(msg.header.stamp),
            scene.image_entries(camera, image_array(msg)),
        )

    def on_step_info(self, msg):
        """Plot a franka_hil_msgs/StepInfo, log takeovers and ends, update the status line."""
        self.on_step_infos([msg])

    def on_step_infos(self, msgs):
        """
        Plot consecutive StepInfos in one go; the status line shows the last one.

        Return the texts of the gaps found (steps not received, logged as events too).
        """
        if not msgs:
            return []
        stamps = [stamp_ns(msg.header.stamp) for msg in msgs]
        scene.log_series(self.stream, stamps, self.steps.plot(msgs))
        gaps = []
        for msg, ns in zip(msgs, stamps):
            events = self.steps.events(msg)
            gap = self.steps.gap(msg)
            if gap:
                gaps.append(gap)
                events.insert(0, scene.event(gap, 'WARN'))
            if events:
                scene.log(self.stream, ns, events)
        scene.log(self.stream, stamps[-1], [self.steps.status(msgs[-1])])
        self.counts['step_info'] = self.counts.get('step_info', 0) + len(msgs)
        return gaps
