# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The viewer node: the live graph in Rerun's web viewer, served on this machine.

It subscribes to what the simulator publishes (robot_description, /tf, /tf_static, markers, the
camera images, step_info), turns each message into Rerun entries (franka_hil_viewer.scene) on a
time line of sim time, and streams them to a local web viewer whose address it prints at start,
with the `ssh -L` line that reaches it from another machine. It only listens: the simulator
publishes the same whether it runs or not (images are received best-effort, never slowing a
publisher). It imports neither the simulator nor MuJoCo.
"""

import math
import os
import time
import uuid

from franka_hil_common import names, observation as layout
from franka_hil_msgs.msg import StepInfo
from franka_hil_ros_common.node_main import run_node
from franka_hil_ros_common.parameters import declare, one_of, reject_unknown_parameters
from franka_hil_viewer.graph_view import GraphView
from franka_hil_viewer.server import WebViewerServer
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy
import rerun as rr
from sensor_msgs.msg import Image
from std_msgs.msg import String
from tf2_msgs.msg import TFMessage
from visualization_msgs.msg import MarkerArray

APPLICATION_ID = 'franka_hil'


def _port(value):
    return None if 1 <= value <= 65535 else 'must be a TCP port in [1, 65535]'


class ViewerNode(Node):
    """Streams the graph to a Rerun web viewer (and / or an .rrd file)."""

    def __init__(self):
        """Declare parameters, start the web viewer, subscribe; clear error if it cannot."""
        super().__init__('viewer')
        serve = declare(self, 'serve', True, 'serve the web viewer (false: only `save`)')
        bind = declare(self, 'bind', '127.0.0.1',
                       'address the web viewer listens on (127.0.0.1: this machine only; '
                       'reach it from elsewhere with ssh -L)')
        web_port = declare(self, 'web_port', 9090, 'HTTP port of the web viewer page', _port)
        grpc_port = declare(self, 'grpc_port', 9876,
                            'gRPC port the page reads the data from (forward it too)', _port)
        memory_limit = declare(self, 'memory_limit', '1GiB',
                               'data the server keeps for late browsers (oldest dropped)')
        save = declare(self, 'save', '', 'also write everything to this .rrd file')
        cameras = declare(self, 'cameras', list(layout.CAMERAS), 'camera panels (image topics)',
                          lambda v: None if set(v) <= set(layout.CAMERAS)
                          else f'must be names from {list(layout.CAMERAS)}')
        frame_prefix = declare(self, 'frame_prefix', '',
                               "the simulator's TF frame prefix (its robot's links)")
        time_panel = declare(self, 'time_panel', False, 'show the time line panel expanded')
        image_source = declare(
            self, 'images', 'preview', 'preview: <camera>/image_preview (the sim renders them '
            'at a bounded rate, so watching costs a fast lockstep run little); raw: '
            '<camera>/image_raw, every step', one_of(('preview', 'raw')))
        max_rate = declare(self, 'max_rate', 30.0,
                           'at most this many updates per second (wall clock) of the robot, the '
                           'markers and the status line: watching a fast lockstep run costs it '
                           'little (0: all; the plot always has every step)',
                           lambda v: None if v >= 0 else 'must be >= 0')
        nice = declare(self, 'nice', 10, 'niceness added to this node and its web server: on a '
                       'busy machine the simulator and its clients run first',
                       lambda v: None if 0 <= v <= 19 else 'must be in [0, 19]')
        reject_unknown_parameters(self)
        self.min_interval = 1.0 / max_rate if max_rate > 0 else 0.0
        self.last_shown = {}
        if not serve and not save:
            raise ValueError('nothing to do: serve is false and save is empty')
        os.nice(nice)  # before the server starts: it inherits it

        self.stream = rr.RecordingStream(APPLICATION_ID, recording_id=str(uuid.uuid4()))
        self.server = None
        sinks = []
        if serve:
            self.server = WebViewerServer(bind, web_port, grpc_port, memory_limit)
            sinks.append(rr.GrpcSink(self.server.grpc_url))
        try:
            if save:
                sinks.append(rr.FileSink(save))
            self.stream.set_sinks(*sinks)
            self.view = GraphView(self.stream, cameras, frame_prefix, time_panel)
        except Exception as error:  # run_node reports it; the server must not outlive us
            if self.server is not None:
                self.server.close()
            raise RuntimeError(f'the view could not start: {error}') from error

        latched = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE,
                             durability=DurabilityPolicy.TRANSIENT_LOCAL)
        reliable = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
        images = QoSProfile(depth=2, reliability=ReliabilityPolicy.BEST_EFFORT)
        self.create_subscription(String, names.ROBOT_DESCRIPTION, self._on_description, latched)
        self.create_subscription(TFMessage, names.TF, self._on_tf, QoSProfile(depth=100))
        self.create_subscription(TFMessage, names.TF_STATIC, self._on_tf_static,
                                 QoSProfile(depth=100,
                                            durability=DurabilityPolicy.TRANSIENT_LOCAL))
        self.create_subscription(MarkerArray, names.MARKERS, self._on_markers, reliable)
        self.create_subscription(StepInfo, names.STEP_INFO, self._on_step_info, reliable)
        for camera in cameras:
            topic = names.image_preview_topic(camera) if image_source == 'preview' \
                else names.image_topic(camera)
            self.create_subscription(Image, topic,
                                     lambda msg, c=camera: self._on_image(c, msg), images)
        if self.min_interval:
            self.create_timer(self.min_interval, self.view.flush_status)
        if self.server is not None:
            # print, not the logger: the address must stand out in bringup's and the demo's output
            print(self.server.banner(), flush=True)
        if save:
            self.get_logger().info(f'writing the view to {save}')

    def _first(self, what):
        if self.view.counts.get(what) == 1:
            self.get_logger().info(f'first {what} received')

    def _on_description(self, msg):
        try:
            skipped = self.view.on_description(msg)
        except ValueError as error:
            self.get_logger().error(f'robot_description not shown: {error}')
            return
        for reason in skipped:
            self.get_logger().warning(f'robot_description: {reason}')
        self._first('robot_description')

    def _due(self, what):
        """Return True when `what` was last shown at least min_interval ago (then it is now)."""
        now = time.monotonic()
        if now - self.last_shown.get(what, -math.inf) < 0.8 * self.min_interval:
            return False  # (a fifth early: a timer at the same rate jitters)
        self.last_shown[what] = now
        return True

    def _on_tf(self, msg):
        self.view.on_tf(msg, show=self._due('tf'))
        self._first('tf')

    def _on_tf_static(self, msg):
        self.view.on_tf(msg)

    def _on_markers(self, msg):
        if self._due('markers'):
            self.view.on_markers(msg)
            self._first('markers')

    def _on_image(self, camera, msg):
        try:
            self.view.on_image(camera, msg)
        except ValueError as error:
            self.get_logger().warning(f'{camera} image not shown: {error}',
                                      throttle_duration_sec=5.0)
            return
        self._first(f'{camera} image')

    def _on_step_info(self, msg):
        self.view.on_step_info(msg, status=self._due('status'))
        self._first('step_info')

    def close(self):
        """Flush what was logged (the .rrd file is complete) and stop the web viewer."""
        self.stream.flush(timeout_sec=5.0)
        self.stream.disconnect()
        if self.server is not None:
            self.server.close()


def main(args=None):
    """Console entry point."""
    return run_node(ViewerNode, args)


if __name__ == '__main__':
    raise SystemExit(main())
