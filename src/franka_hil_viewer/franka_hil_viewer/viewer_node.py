# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The viewer node: the live graph in Rerun's web viewer, served on this machine.

It subscribes to what the simulator publishes (robot_description, /tf_static, and by default
its previews: tf_preview, markers_preview, <camera>/image_preview and step_info_batches), turns
the messages into Rerun entries (franka_hil_viewer.scene) on a time line of sim time, and
streams them to a local web viewer whose address it prints at start, with the `ssh -L` line that
reaches it from another machine. It only listens (images are received best-effort, never slowing
a publisher). The previews come a few times a second whatever the step rate, so watching a
lockstep run at 1000 steps/s costs the simulator no message per step; `source:=every_step`
reads the per-step topics instead (/tf, markers, image_raw, step_info: e.g. a bag played back).
Topics are read `rate` times a second, not per message (PolledSubscription). It imports neither
the simulator nor MuJoCo.
"""

import os
from pathlib import Path
import time
import uuid

from franka_hil_common import names, observation as layout
from franka_hil_msgs.msg import StepInfo, StepInfoArray
from franka_hil_ros_common.node_main import run_node
from franka_hil_ros_common.parameters import declare, one_of, reject_unknown_parameters
from franka_hil_ros_common.polled_subscription import PolledSubscription
from franka_hil_ros_common.qos import LATCHED
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
# Steps kept between two reads of step_info (the plot has every step up to this many).
STEP_INFO_DEPTH = 1000
# Where the per-step state is read from (the `source` parameter).
SOURCES = ('preview', 'every_step')
# At close, messages still in flight are read until the topics are quiet this long (another
# reader of a topic may have had a message that this slower, niced process has not yet), for
# DRAIN_TIMEOUT_S at most (a graph that goes on publishing), looking every DRAIN_POLL_S.
DRAIN_QUIET_S = 0.5
DRAIN_TIMEOUT_S = 3.0
DRAIN_POLL_S = 0.05


def _port(value):
    return None if 1 <= value <= 65535 else 'must be a TCP port in [1, 65535]'


class ViewerNode(Node):
    """Streams the graph to a Rerun web viewer (and / or an .rrd file)."""

    def __init__(self):
        """Declare parameters, start the web viewer, subscribe; clear error if it cannot."""
        super().__init__('viewer')
        serve = declare(self, 'serve', True, 'serve the web viewer (false: only `save`)')
        bind = declare(
            self,
            'bind',
            '127.0.0.1',
            'address the web viewer listens on (127.0.0.1: this machine only; '
            'reach it from elsewhere with ssh -L)',
        )
        web_port = declare(self, 'web_port', 9090, 'HTTP port of the web viewer page', _port)
        grpc_port = declare(
            self,
            'grpc_port',
            9876,
            'gRPC port the page reads the data from (forward it too)',
            _port,
        )
        memory_limit = declare(
            self,
            'memory_limit',
            '1GiB',
            'data the server keeps for late browsers (oldest dropped)',
        )
        save = declare(self, 'save', '', 'also write everything to this .rrd file')
        cameras = declare(
            self,
            'cameras',
            list(layout.CAMERAS),
            'camera panels (image topics)',
            lambda v: (
                None
                if set(v) <= set(layout.CAMERAS)
                else f'must be names from {list(layout.CAMERAS)}'
            ),
        )
        frame_prefix = declare(
            self, 'frame_prefix', '', "the simulator's TF frame prefix (its robot's links)"
        )
        time_panel = declare(self, 'time_panel', False, 'show the time line panel expanded')
        source = declare(
            self,
            'source',
            'preview',
            "preview: the simulator's previews (tf_preview, "
            'markers_preview, <camera>/image_preview at its preview_rate, step_info_batches), '
            'so watching costs a fast lockstep run no message per step; every_step: /tf, '
            'markers, <camera>/image_raw and step_info (any publisher of them, e.g. a bag)',
            one_of(SOURCES),
        )
        rate = declare(
            self,
            'rate',
            10.0,
            'reads of the topics per second (wall clock), each drawing the robot, the '
            'markers and the status line once and plotting every step since the last '
            f'(every_step: up to {STEP_INFO_DEPTH}); the previews come at the '
            "simulator's preview_rate",
            lambda v: None if 0 < v <= 1000 else 'must be in (0, 1000]',
        )
        nice = declare(
            self,
            'nice',
            10,
            'niceness added to this node (every thread, ROS and '
            'Rerun ones too) and its web server: on a busy machine the simulator and '
            'its clients run first',
            lambda v: None if 0 <= v <= 19 else 'must be in [0, 19]',
        )
        reject_unknown_parameters(self)
        self.announced = set()  # what the log said was first received
        if not serve and not save:
            raise ValueError('nothing to do: serve is false and save is empty')
        _renice(nice)  # before the server starts: it inherits it

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

        reliable, best_effort = ReliabilityPolicy.RELIABLE, ReliabilityPolicy.BEST_EFFORT
        images = QoSProfile(depth=1, reliability=best_effort)
        self.create_subscription(String, names.ROBOT_DESCRIPTION, self._on_description, LATCHED)
        self.create_subscription(
            TFMessage,
            names.TF_STATIC,
            self.view.on_tf,
            QoSProfile(depth=100, durability=DurabilityPolicy.TRANSIENT_LOCAL),
        )
        # Best-effort: a message lost is drawn by the next one. /tf may carry several
        # simulators' frames: each read applies every message queued.
        preview = source == 'preview'
        self.tf = PolledSubscription(
            self,
            TFMessage,
            names.TF_PREVIEW if preview else names.TF,
            QoSProfile(depth=8, reliability=best_effort),
        )
        self.markers = PolledSubscription(
            self,
            MarkerArray,
            names.MARKERS_PREVIEW if preview else names.MARKERS,
            QoSProfile(depth=1, reliability=best_effort),
        )
        if preview:
            self.step_info = PolledSubscription(
                self,
                StepInfoArray,
                names.STEP_INFO_BATCHES,
                QoSProfile(depth=100, reliability=reliable),
            )
        else:
            self.step_info = PolledSubscription(
                self,
                StepInfo,
                names.STEP_INFO,
                QoSProfile(depth=STEP_INFO_DEPTH, reliability=reliable),
            )
        self.images = {}
        for camera in cameras:
            topic = names.image_preview_topic(camera) if preview else names.image_topic(camera)
            self.images[camera] = PolledSubscription(self, Image, topic, images)
        self.create_timer(1.0 / rate, self._read)
        if self.server is not None:
            # print, not the logger: the address must stand out in bringup's and the demo's output
            print(self.server.banner(), flush=True)
        if save:
            self.get_logger().info(f'writing the view to {save}')

    def _first(self, what):
        if what not in self.announced and self.view.counts.get(what):
            self.announced.add(what)
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

    def _read(self):
        """Draw what the per-step topics brought since the last read; return how many."""
        tf = self.tf.take_all()
        for msg in tf:
            self.view.on_tf(msg, show=msg is tf[-1])
        self._first('tf')
        markers = self.markers.take_all()
        taken = len(tf) + len(markers)
        if markers:
            self.view.on_markers(markers[-1])
            self._first('markers')
        for camera, subscription in self.images.items():
            frames = subscription.take_all()
            taken += len(frames)
            if frames:
                self._show_image(camera, frames[-1])
        infos = self.step_info.take_all()
        taken += len(infos)
        if self.step_info.msg_type is StepInfoArray:
            infos = [info for batch in infos for info in batch.steps]
        for gap in self.view.on_step_infos(infos):
            self.get_logger().warning(
                f'{gap}: not read in time, the plot has a gap', throttle_duration_sec=5.0
            )
        self._first('step_info')
        return taken

    def _show_image(self, camera, msg):
        try:
            self.view.on_image(camera, msg)
        except ValueError as error:
            self.get_logger().warning(
                f'{camera} image not shown: {error}', throttle_duration_sec=5.0
            )
            return
        self._first(f'{camera} image')

    def _drain(self):
        """Read until no message came for DRAIN_QUIET_S (DRAIN_TIMEOUT_S at most)."""
        start = quiet_since = time.monotonic()
        while True:
            now = time.monotonic()
            if self._read():
                quiet_since = now
            if now - quiet_since >= DRAIN_QUIET_S or now - start >= DRAIN_TIMEOUT_S:
                return
            time.sleep(DRAIN_POLL_S)

    def close(self):
        """Draw what is left, flush (the .rrd file is complete), stop the web viewer."""
        self._drain()
        for subscription in (self.tf, self.markers, self.step_info, *self.images.values()):
            subscription.destroy()
        self.stream.flush(timeout_sec=5.0)
        self.stream.disconnect()
        if self.server is not None:
            self.server.close()


def _renice(increment):
    """
    Add `increment` to the niceness of every thread of this process.

    On Linux niceness belongs to a thread: os.nice() would leave out the threads that rclpy's
    middleware started already, which receive every message the viewer reads.
    """
    tasks = Path('/proc/self/task')
    if not tasks.is_dir():
        os.nice(increment)
        return
    for tid in (int(task.name) for task in tasks.iterdir()):
        try:
            os.setpriority(
                os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment)
            )
        except ProcessLookupError:
            pass  # the thread has ended


def main(args=None):
    """Console entry point."""
    return run_node(ViewerNode, args)


if __name__ == '__main__':
    raise SystemExit(main())
