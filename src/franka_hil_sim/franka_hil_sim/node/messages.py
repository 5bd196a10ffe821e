# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The simulator node's messages, built from the session's plain values.

Where a field layout is shared with the node's clients (Observation, StepInfo, Image), the
fields come from franka_hil_common.messages, which also reads them back on the clients' side.
Stamps are integer nanoseconds of sim time.
"""

import json

from builtin_interfaces.msg import Time
from franka_hil_common import messages as fields
from franka_hil_common.names import optical_frame
from franka_hil_msgs.msg import Observation, StepInfo
from geometry_msgs.msg import Point, TransformStamped, Vector3
import numpy as np
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo, Image, JointState
from std_msgs.msg import ColorRGBA, Header
from tf2_msgs.msg import TFMessage
from visualization_msgs.msg import Marker, MarkerArray


def stamp(ns):
    """builtin_interfaces/Time of a sim time in integer nanoseconds."""
    return Time(**fields.stamp_fields(ns))


def header(ns, frame_id=''):
    """std_msgs/Header at sim time `ns`."""
    return Header(stamp=stamp(ns), frame_id=frame_id)


def image_msg(pixels, ns, frame_id):
    """sensor_msgs/Image (rgb8) of an HxWx3 uint8 array."""
    return Image(header=header(ns, frame_id), **fields.image_fields(pixels))


def camera_info_msg(intrinsics, ns, frame_id):
    """sensor_msgs/CameraInfo of a distortion-free pinhole (telemetry.camera_intrinsics)."""
    fx, fy, cx, cy = (float(intrinsics[k]) for k in ('fx', 'fy', 'cx', 'cy'))
    return CameraInfo(
        header=header(ns, frame_id),
        height=int(intrinsics['height']),
        width=int(intrinsics['width']),
        distortion_model='plumb_bob',
        d=[0.0] * 5,
        k=[fx, 0.0, cx, 0.0, fy, cy, 0.0, 0.0, 1.0],
        r=[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
        p=[fx, 0.0, cx, 0.0, 0.0, fy, cy, 0.0, 0.0, 0.0, 1.0, 0.0],
    )


def observation_msg(observation, ns, frame_prefix='', images=True):
    """
    franka_hil_msgs/Observation of a gym observation dict.

    images=False leaves the pixels out (the `observation` topic carries the state part only).
    Each image's frame is its camera's optical frame, with frame_prefix.
    """
    msg = Observation(header=header(ns), **fields.observation_state_fields(observation))
    if images:
        for name, pixels in observation.get('pixels', {}).items():
            msg.image_names.append(name)
            msg.images.append(image_msg(pixels, ns, frame_prefix + optical_frame(name)))
    return msg


def step_info_msg(outcome, policy_acted=True):
    """franka_hil_msgs/StepInfo of a session StepOutcome (policy_acted: see step_info_fields)."""
    return StepInfo(
        header=header(outcome.stamp_ns),
        **fields.step_info_fields(
            outcome.info,
            outcome.reward,
            outcome.terminated,
            outcome.truncated,
            outcome.episode,
            outcome.step,
            policy_acted,
        ),
    )


def joint_state_msg(telemetry):
    """sensor_msgs/JointState of a session Telemetry."""
    return JointState(
        header=header(telemetry.stamp_ns),
        name=list(telemetry.joint_names),
        position=telemetry.joint_positions.tolist(),
        velocity=telemetry.joint_velocities.tolist(),
    )


class TfMessages:
    """
    tf2_msgs/TFMessage of (parent, child, position, quaternion wxyz) tuples, for every step.

    Each frame pair's TransformStamped is built once and then only updated in place: building
    nested messages costs ten times more, and /tf goes out every step (publish serialises at
    once, so reusing them is safe).
    """

    def __init__(self, frame_prefix=''):
        """frame_prefix: put before every frame id."""
        self._prefix = frame_prefix
        self._transforms = {}

    def msg(self, transforms, ns):
        """Return the message of `transforms` at sim time `ns`."""
        time = stamp(ns)
        out = []
        for parent, child, pos, quat in transforms:
            msg = self._transforms.get((parent, child))
            if msg is None:
                msg = self._transforms[parent, child] = TransformStamped(
                    header=Header(frame_id=self._prefix + parent),
                    child_frame_id=self._prefix + child,
                )
            msg.header.stamp = time
            _set_vector(msg.transform.translation, pos)
            _set_quaternion(msg.transform.rotation, quat)
            out.append(msg)
        return TFMessage(transforms=out)


def clock_msg(ns):
    """rosgraph_msgs/Clock at sim time `ns`."""
    return Clock(clock=stamp(ns))


class SceneMarkers:
    """
    visualization_msgs/MarkerArray: the cube, the TCP target and the workspace bounds (a box).

    Built once; each step only moves the cube and the target and restamps them (as TfMessages
    does, for the same reason). Markers replace their predecessors by (namespace, id), so
    publishing every step is safe.
    """

    def __init__(self, block_half_size, workspace_bounds, frame_id):
        """block_half_size in m; workspace_bounds rows low / high (m); frame_id of all three."""
        edge = 2 * block_half_size
        self.cube = Marker(
            ns='cube',
            id=0,
            type=Marker.CUBE,
            action=Marker.ADD,
            scale=Vector3(x=edge, y=edge, z=edge),
            color=ColorRGBA(r=0.9, g=0.2, b=0.2, a=1.0),
        )
        self.target = Marker(
            ns='tcp_target',
            id=0,
            type=Marker.SPHERE,
            action=Marker.ADD,
            scale=Vector3(x=0.02, y=0.02, z=0.02),
            color=ColorRGBA(r=0.1, g=0.8, b=0.1, a=0.8),
        )
        self.target.pose.orientation.w = 1.0
        low, high = np.asarray(workspace_bounds, dtype=float)
        corners = [
            (x, y, z)
            for x in (low[0], high[0])
            for y in (low[1], high[1])
            for z in (low[2], high[2])
        ]
        # The 12 edges of the box: corner pairs that differ in exactly one coordinate.
        edges = [(a, b) for a in range(8) for b in range(a + 1, 8) if bin(a ^ b).count('1') == 1]
        bounds = Marker(
            ns='workspace_bounds',
            id=0,
            type=Marker.LINE_LIST,
            action=Marker.ADD,
            scale=Vector3(x=0.003),
            color=ColorRGBA(r=0.2, g=0.4, b=1.0, a=0.8),
            points=[_point(corners[i]) for edge in edges for i in edge],
        )
        bounds.pose.orientation.w = 1.0
        self.array = MarkerArray(markers=[self.cube, self.target, bounds])
        for marker in self.array.markers:
            marker.header.frame_id = frame_id

    def msg(self, telemetry):
        """Return the markers of a session Telemetry."""
        time = stamp(telemetry.stamp_ns)
        position, quat = telemetry.block_pose
        _set_vector(self.cube.pose.position, position)
        _set_quaternion(self.cube.pose.orientation, quat)
        _set_vector(self.target.pose.position, telemetry.target_pos)
        for marker in self.array.markers:
            marker.header.stamp = time
        return self.array


def parse_options(text):
    """
    Gymnasium reset options from a Reset request's options_json ('' or '{}': none).

    Raises ValueError when it is not a JSON object.
    """
    if not text.strip():
        return None
    try:
        options = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f'options_json is not valid JSON: {error}') from None
    if not isinstance(options, dict):
        raise ValueError(f'options_json must be a JSON object, got {type(options).__name__}')
    return options


def intervention_command(msg):
    """(active, linear velocity xyz m/s, gripper command) of a franka_hil_msgs/Intervention."""
    linear = msg.twist.linear
    return bool(msg.active), (linear.x, linear.y, linear.z), int(msg.gripper)


def _point(xyz):
    return Point(x=float(xyz[0]), y=float(xyz[1]), z=float(xyz[2]))


def _set_vector(msg, xyz):
    msg.x, msg.y, msg.z = (float(v) for v in xyz)


def _set_quaternion(msg, wxyz):
    msg.w, msg.x, msg.y, msg.z = (float(v) for v in wxyz)
