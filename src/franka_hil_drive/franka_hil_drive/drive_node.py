# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The drive node: the driving page on one port, and the page's keys or pad as `joy`.

It keeps the newest camera preview of each camera (best-effort, depth 1) as a JPEG and the
newest DrivingStatus (fed by every StepInfo), and the server sends them to each browser when it
has acknowledged its last frame, so the page's age stays bounded whatever the browser's speed.
With `drive`, the driver tab's input becomes sensor_msgs/Joy in the SDL game_controller layout
on `joy` for teleop_node: at once on each change, then at `joy_rate` while anything is held, and
neutral when the driver is gone or silent for `input_timeout` s (teleop_node's joy_timeout is
the backstop).
"""

from io import BytesIO
import threading
import time

from franka_hil_common import actions, names, observation as layout
from franka_hil_common.driving_status import DrivingStatus
from franka_hil_common.messages import image_array
from franka_hil_common.task import CONTROL_DT
from franka_hil_drive import access
from franka_hil_drive.frames import LatestFrame
from franka_hil_drive.joy import DriverInput
from franka_hil_drive.page import build_page
from franka_hil_drive.server import DriveServer
from franka_hil_msgs.msg import StepInfo
from franka_hil_ros_common.node_main import run_node
from franka_hil_ros_common.parameters import declare, one_of, positive
from franka_hil_ros_common.parameters import reject_unknown_parameters
from PIL import Image as PilImage
from rclpy.clock import Clock, ClockType
from rclpy.node import Node
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image, Joy

IMAGE_SOURCES = ('preview', 'raw')
# Joy is superseded by the next one; a few kept so a slow reader still sees the release.
JOY_QOS = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)


def _port(value):
    return None if 1 <= value <= 65535 else 'must be a TCP port in [1, 65535]'


def _fraction(value):
    return None if 0 < value <= 1 else 'must be in (0, 1]'


class DriveNode(Node):
    """Serves the driving page; publishes the driver's Joy."""

    def __init__(self):
        """Declare parameters, start the server (one clear line if it cannot), subscribe."""
        super().__init__('drive')
        bind = declare(
            self,
            'bind',
            '127.0.0.1',
            'address the page listens on (127.0.0.1: this '
            'machine only, reach it with ssh -L; any other needs `token`)',
        )
        port = declare(self, 'port', 8080, 'TCP port of the page and its WebSocket', _port)
        token = declare(
            self,
            'token',
            '',
            "secret the page's URL must carry (?token=); "
            f"'{access.GENERATE}': a random one; required off loopback",
        )
        drive = declare(
            self,
            'drive',
            True,
            "publish the driver tab's keys and pad on `joy` (false: the page only watches)",
        )
        deflection = declare(
            self,
            'key_deflection',
            1.0,
            'stick deflection of a held motion '
            'key (times teleop_node linear_speed, 0.25 m/s: the speed)',
            _fraction,
        )
        fine = declare(
            self,
            'fine_deflection',
            0.2,
            'deflection of a motion key with Shift held (fine speed)',
            _fraction,
        )
        joy_rate = declare(
            self, 'joy_rate', 25.0, 'Joy messages per second while driving', positive
        )
        input_timeout = declare(
            self,
            'input_timeout',
            0.25,
            'seconds without a message from '
            'the driver tab (it repeats its input every 0.1 s) after which '
            'its input counts as released',
            positive,
        )
        episode_s = declare(
            self,
            'episode_s',
            10.0,
            "episode length in seconds of sim time, for the page's time left",
            positive,
        )
        cameras = declare(
            self,
            'cameras',
            list(layout.CAMERAS),
            'cameras shown',
            lambda v: (
                None
                if set(v) <= set(layout.CAMERAS)
                else f'must be names from {list(layout.CAMERAS)}'
            ),
        )
        source = declare(
            self,
            'image_source',
            'preview',
            'preview: <camera>/image_preview (at '
            "the sim's preview_rate, rendered only when watched); raw: image_raw",
            one_of(IMAGE_SOURCES),
        )
        self.quality = declare(
            self,
            'jpeg_quality',
            80,
            'JPEG quality of the frames',
            lambda v: None if 1 <= v <= 95 else 'must be in [1, 95]',
        )
        reject_unknown_parameters(self)
        token = access.resolve_token(bind, token)

        self.status = DrivingStatus(max_episode_steps=max(1, round(episode_s / CONTROL_DT)))
        self.latest = LatestFrame()
        self._input_lock = threading.Lock()
        self.input = DriverInput(deflection, fine, input_timeout)
        self.joy = self.create_publisher(Joy, names.JOY, JOY_QOS) if drive else None
        page = build_page(drive, deflection, fine, actions.full_scale_speed())
        self.server = DriveServer(
            bind, port, token, self.latest, page, self._on_input, self._on_release, drivable=drive
        )
        self.create_subscription(
            StepInfo,
            names.STEP_INFO,
            self._on_step_info,
            QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE),
        )
        topic = names.image_preview_topic if source == 'preview' else names.image_topic
        best_effort = QoSProfile(depth=1, reliability=ReliabilityPolicy.BEST_EFFORT)
        for camera in cameras:
            self.create_subscription(
                Image,
                topic(camera),
                lambda msg, camera=camera: self._on_image(camera, msg),
                best_effort,
            )
        if drive:
            # Steady clock: the deadman must run when the simulator (and sim time) stops.
            self.create_timer(
                1.0 / joy_rate, self._tick, clock=Clock(clock_type=ClockType.STEADY_TIME)
            )
        # print, not the logger: the address must stand out in bringup's and the demo's output
        print(self.server.banner(), flush=True)

    def _on_step_info(self, msg):
        self.status.update(msg)
        stamp = msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec
        self.latest.put_step(
            stamp, int(msg.episode), int(msg.step), self.status.as_dict(), time.monotonic()
        )
        self.server.notify()

    def _on_image(self, camera, msg):
        now = time.monotonic()
        try:
            pixels = image_array(msg)
        except ValueError as error:
            self.get_logger().warning(
                f'{camera} image not shown: {error}', throttle_duration_sec=5.0
            )
            return
        out = BytesIO()
        PilImage.fromarray(pixels).save(out, format='JPEG', quality=self.quality)
        stamp = msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec
        self.latest.put_image(camera, out.getvalue(), stamp, now)
        self.server.notify()

    def _publish(self, joy):
        if joy is not None and self.joy is not None:
            self.joy.publish(Joy(axes=list(joy.axes), buttons=list(joy.buttons)))

    def _on_input(self, keys, pad):  # the server's thread
        with self._input_lock:
            self._publish(self.input.update(keys, pad, time.monotonic()))

    def _on_release(self):  # the server's thread
        with self._input_lock:
            self._publish(self.input.release())

    def _tick(self):
        with self._input_lock:
            self._publish(self.input.tick(time.monotonic()))

    def close(self):
        """Release the driver's input, then stop the server."""
        self._on_release()
        self.server.close()


def main(args=None):
    """Console entry point."""
    return run_node(DriveNode, args)


if __name__ == '__main__':
    raise SystemExit(main())
