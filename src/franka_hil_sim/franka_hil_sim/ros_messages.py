# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Conversions between the session's plain values and ROS messages, in both directions.

The simulator node builds its messages here and the gym bridge reads them back here, so a
Gymnasium observation or info dict survives the trip through franka_hil_msgs unchanged (floats
to float32 where the message says float32). Stamps are integer nanoseconds of sim time.
"""

from builtin_interfaces.msg import Time
from franka_hil_msgs.msg import Observation, StepInfo
from franka_hil_sim.hil_session import optical_frame
from geometry_msgs.msg import Point, Quaternion, Transform, TransformStamped, Vector3
import numpy as np
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo, Image, JointState
from std_msgs.msg import ColorRGBA, Header
from tf2_msgs.msg import TFMessage
from visualization_msgs.msg import Marker, MarkerArray

ENCODING = 'rgb8'
# Observation arrays and their dtypes, as the env's observation space has them.
AGENT_POS_SIZE = 18
ENVIRONMENT_STATE_SIZE = 3
_NS = 1_000_000_000


def stamp(ns):
    """builtin_interfaces/Time of a sim time in integer nanoseconds."""
    return Time(sec=int(ns // _NS), nanosec=int(ns % _NS))


def stamp_ns(time):
    """Integer nanoseconds of a builtin_interfaces/Time."""
    return time.sec * _NS + time.nanosec


def header(ns, frame_id=''):
    """std_msgs/Header at sim time `ns`."""
    return Header(stamp=stamp(ns), frame_id=frame_id)


def image_msg(pixels, ns, frame_id):
    """sensor_msgs/Image (rgb8) of an HxWx3 uint8 array."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f'an rgb8 image must be HxWx3, got shape {pixels.shape}')
    height, width, _ = pixels.shape
    return Image(header=header(ns, frame_id), height=height, width=width, encoding=ENCODING,
                 is_bigendian=0, step=width * 3, data=pixels.tobytes())


def image_array(msg):
    """HxWx3 uint8 array of an rgb8 sensor_msgs/Image; ValueError on another layout."""
    if msg.encoding != ENCODING:
        raise ValueError(f'image encoding must be {ENCODING}, got {msg.encoding!r}')
    if msg.step != msg.width * 3 or len(msg.data) != msg.step * msg.height:
        raise ValueError(f'rgb8 image of {msg.width}x{msg.height} needs step {msg.width * 3} and '
                         f'{msg.width * 3 * msg.height} bytes, got step {msg.step} and '
                         f'{len(msg.data)} bytes')
    return np.frombuffer(msg.data, dtype=np.uint8).reshape(msg.height, msg.width, 3).copy()


def camera_info_msg(intrinsics, ns, frame_id):
    """sensor_msgs/CameraInfo of a distortion-free pinhole (HilSession.camera_intrinsics)."""
    fx, fy, cx, cy = (float(intrinsics[k]) for k in ('fx', 'fy', 'cx', 'cy'))
    return CameraInfo(header=header(ns, frame_id), height=int(intrinsics['height']),
                      width=int(intrinsics['width']), distortion_model='plumb_bob',
                      d=[0.0] * 5, k=[fx, 0.0, cx, 0.0, fy, cy, 0.0, 0.0, 1.0],
                      r=[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
                      p=[fx, 0.0, cx, 0.0, 0.0, fy, cy, 0.0, 0.0, 0.0, 1.0, 0.0])


def observation_msg(observation, ns, frame_prefix='', images=True):
    """
    franka_hil_msgs/Observation of a gym observation dict.

    images=False leaves the pixels out (the `observation` topic carries the state part only).
    Each image's frame is its camera's optical frame, with frame_prefix.
    """
    msg = Observation(header=header(ns), agent_pos=_float32(observation['agent_pos']))
    if 'environment_state' in observation:
        msg.environment_state = _float32(observation['environment_state'])
    if images:
        for name, pixels in observation.get('pixels', {}).items():
            msg.image_names.append(name)
            msg.images.append(image_msg(pixels, ns, frame_prefix + optical_frame(name)))
    return msg


def observation_from_msg(msg):
    """
    Return the gym observation dict of a franka_hil_msgs/Observation.

    agent_pos (18,) float32, and environment_state (3,) float32 in state mode or pixels
    {name: HxWx3 uint8} in image mode. Raises ValueError on a malformed message.
    """
    agent_pos = np.array(msg.agent_pos, dtype=np.float32)
    if agent_pos.shape != (AGENT_POS_SIZE,):
        raise ValueError(f'agent_pos must have {AGENT_POS_SIZE} entries, got {agent_pos.size}')
    observation = {'agent_pos': agent_pos}
    if len(msg.image_names) != len(msg.images):
        raise ValueError(f'{len(msg.image_names)} image names for {len(msg.images)} images')
    if msg.images:
        observation['pixels'] = {name: image_array(image)
                                 for name, image in zip(msg.image_names, msg.images)}
    else:
        state = np.array(msg.environment_state, dtype=np.float32)
        if state.shape != (ENVIRONMENT_STATE_SIZE,):
            raise ValueError(f'environment_state must have {ENVIRONMENT_STATE_SIZE} entries, '
                             f'got {state.size}')
        observation['environment_state'] = state
    return observation


def step_info_msg(info, reward, terminated, truncated, episode, step, ns):
    """franka_hil_msgs/StepInfo of a session step's info dict and outcome."""
    return StepInfo(
        header=header(ns), episode=int(episode), step=int(step),
        action=_float32(info['teleop_action']), policy_action=_float32(info['policy_action']),
        is_intervention=bool(info['is_intervention']), reward=float(reward),
        terminated=bool(terminated), truncated=bool(truncated), success=bool(info['succeed']),
        discrete_penalty=float(info['discrete_penalty']),
        rerecord_episode=bool(info['rerecord_episode']), human_event=int(info['human_event']),
        physics_error=bool(info['physics_error']))


def info_from_step_info(msg):
    """
    Return the gym info dict of a franka_hil_msgs/StepInfo (the keys HilSession.step returns).

    succeed, discrete_penalty, is_intervention, teleop_action = action_intervention (the
    executed action, float32), policy_action, rerecord_episode, human_event, physics_error, and
    next.success when the step ended the episode.
    """
    executed = np.array(msg.action, dtype=np.float32)
    info = {
        'succeed': bool(msg.success),
        'discrete_penalty': float(msg.discrete_penalty),
        'is_intervention': bool(msg.is_intervention),
        'teleop_action': executed,
        'action_intervention': executed.copy(),
        'policy_action': np.array(msg.policy_action, dtype=np.float32),
        'rerecord_episode': bool(msg.rerecord_episode),
        'human_event': int(msg.human_event),
        'physics_error': bool(msg.physics_error),
    }
    if msg.terminated or msg.truncated:
        info['next.success'] = bool(msg.success)
    return info


def joint_state_msg(telemetry):
    """sensor_msgs/JointState of a session Telemetry."""
    return JointState(header=header(telemetry.stamp_ns), name=list(telemetry.joint_names),
                      position=telemetry.joint_positions.tolist(),
                      velocity=telemetry.joint_velocities.tolist())


def tf_msg(transforms, ns, frame_prefix=''):
    """tf2_msgs/TFMessage of (parent, child, position, quaternion wxyz) tuples."""
    time = stamp(ns)
    return TFMessage(transforms=[
        TransformStamped(header=Header(stamp=time, frame_id=frame_prefix + parent),
                         child_frame_id=frame_prefix + child,
                         transform=_transform(pos, quat))
        for parent, child, pos, quat in transforms])


def clock_msg(ns):
    """rosgraph_msgs/Clock at sim time `ns`."""
    return Clock(clock=stamp(ns))


def markers_msg(telemetry, block_half_size, workspace_bounds, frame_id):
    """
    visualization_msgs/MarkerArray: the cube, the TCP target and the workspace bounds (a box).

    Markers replace their predecessors by (namespace, id), so publishing every step is safe.
    """
    time = stamp(telemetry.stamp_ns)
    position, quat = telemetry.block_pose
    low, high = np.asarray(workspace_bounds, dtype=float)
    cube = Marker(ns='cube', id=0, type=Marker.CUBE, action=Marker.ADD,
                  scale=Vector3(x=2 * block_half_size, y=2 * block_half_size,
                                z=2 * block_half_size),
                  color=ColorRGBA(r=0.9, g=0.2, b=0.2, a=1.0))
    cube.pose.position = _point(position)
    cube.pose.orientation = _quaternion(quat)
    target = Marker(ns='tcp_target', id=0, type=Marker.SPHERE, action=Marker.ADD,
                    scale=Vector3(x=0.02, y=0.02, z=0.02),
                    color=ColorRGBA(r=0.1, g=0.8, b=0.1, a=0.8))
    target.pose.position = _point(telemetry.target_pos)
    target.pose.orientation.w = 1.0
    corners = [(x, y, z) for x in (low[0], high[0]) for y in (low[1], high[1])
               for z in (low[2], high[2])]
    # The 12 edges of the box: corner pairs that differ in exactly one coordinate.
    edges = [(a, b) for a in range(8) for b in range(a + 1, 8) if bin(a ^ b).count('1') == 1]
    bounds = Marker(ns='workspace_bounds', id=0, type=Marker.LINE_LIST, action=Marker.ADD,
                    scale=Vector3(x=0.003), color=ColorRGBA(r=0.2, g=0.4, b=1.0, a=0.8),
                    points=[_point(corners[i]) for edge in edges for i in edge])
    bounds.pose.orientation.w = 1.0
    for marker in (cube, target, bounds):
        marker.header = Header(stamp=time, frame_id=frame_id)
    return MarkerArray(markers=[cube, target, bounds])


def intervention_command(msg):
    """(active, linear velocity xyz m/s, gripper command) of a franka_hil_msgs/Intervention."""
    linear = msg.twist.linear
    return bool(msg.active), (linear.x, linear.y, linear.z), int(msg.gripper)


def _float32(values):
    return np.asarray(values, dtype=np.float32).ravel()


def _point(xyz):
    return Point(x=float(xyz[0]), y=float(xyz[1]), z=float(xyz[2]))


def _quaternion(wxyz):
    return Quaternion(w=float(wxyz[0]), x=float(wxyz[1]), y=float(wxyz[2]), z=float(wxyz[3]))


def _transform(pos, quat):
    return Transform(translation=Vector3(x=float(pos[0]), y=float(pos[1]), z=float(pos[2])),
                     rotation=_quaternion(quat))
