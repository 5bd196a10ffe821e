# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the simulator node shows of the session's state: joints, TF frames, cameras, markers.

The session core knows physics and the task; ROS conventions live here: the world -> panda_link0
transform, which frames are static, each camera's optical frame (z ahead, y down) and its
intrinsics at the published image size, and the marker geometry.
"""

from dataclasses import dataclass

from franka_hil_common.names import optical_frame, WORLD_FRAME
from franka_hil_sim.core import pick_cube, robot
import mujoco
import numpy as np

# MuJoCo looks along the camera's -z with y up; ROS optical frames look along +z with y down.
_OPTICAL_FROM_MUJOCO = np.array((0.0, 1.0, 0.0, 0.0))


@dataclass
class Telemetry:
    """The sim state the node publishes, taken atomically with the step it follows."""

    stamp_ns: int
    joint_names: tuple
    joint_positions: np.ndarray
    joint_velocities: np.ndarray
    # (parent, child, position, quaternion wxyz) of every moving frame: robot links and the cube.
    transforms: list
    block_pose: tuple
    target_pos: np.ndarray
    images: dict
    # Set by the node: which images go to image_raw + camera_info, and which to image_preview;
    # whether the transforms go to /tf and to tf_preview, and the markers to markers_preview.
    raw_cameras: tuple = ()
    previews: tuple = ()
    tf: bool = False
    tf_preview: bool = False
    markers_preview: bool = False


def snapshot(session, cameras=(), image_size=None, observation=None, links=True):
    """
    Take the state to publish; call under session.lock right after the step or reset.

    cameras: names to render at image_size (width, height; default the observation's), reusing
    the observation's images when they are the same size. links: include the moving transforms.
    """
    sim = session.sim
    images = {}
    if cameras:
        size = tuple(image_size or session.default_image_size())
        observed = observed_images(observation, size)
        for camera in cameras:
            images[camera] = (
                observed[camera] if camera in observed else session.render(camera, size)
            )
    block_pose = sim.block_pose()
    transforms = []
    if links:
        transforms = sim.link_transforms(moving_only=True)
        transforms.append((WORLD_FRAME, robot.BLOCK_BODY) + block_pose)
    return Telemetry(
        session.sim_time_ns,
        tuple(sim.joint_names),
        sim.joint_positions(),
        sim.joint_velocities(),
        transforms,
        block_pose,
        sim.target_pos,
        images,
    )


def observed_images(observation, size):
    """Return {camera: pixels} of an observation's images that are of size (width, height)."""
    pixels = (observation or {}).get('pixels', {})
    return {camera: image for camera, image in pixels.items() if image.shape[1::-1] == tuple(size)}


def static_transforms(sim, cameras):
    """
    (parent, child, position, quaternion wxyz) of every fixed frame, for /tf_static.

    world -> panda_link0, the joint-less robot links, and each camera's optical frame on the
    body that carries the camera.
    """
    model = sim.model
    out = [(WORLD_FRAME, robot.BASE_LINK) + sim.body_poses()[robot.BASE_LINK]]
    out += sim.static_transforms()
    for camera in cameras:
        cam = model.camera(camera)
        quat = np.zeros(4)
        mujoco.mju_mulQuat(quat, model.cam_quat[cam.id], _OPTICAL_FROM_MUJOCO)
        body = model.cam_bodyid[cam.id]
        parent = WORLD_FRAME if body == 0 else model.body(body).name
        out.append((parent, optical_frame(camera), model.cam_pos[cam.id].copy(), quat))
    return out


def camera_intrinsics(sim, camera, size):
    """Pinhole model of `camera` at size (width, height): width, height, fovy, fx, fy, cx, cy."""
    width, height = size
    fovy = float(sim.model.camera(camera).fovy[0])
    focal = 0.5 * height / np.tan(np.radians(fovy) / 2.0)
    return {
        'width': width,
        'height': height,
        'fovy': fovy,
        'fx': focal,
        'fy': focal,
        'cx': (width - 1) / 2.0,
        'cy': (height - 1) / 2.0,
    }


def workspace_bounds():
    """TCP target bounds, rows low / high (m, world)."""
    return pick_cube.WORKSPACE_BOUNDS.copy()


def block_half_size(sim):
    """Half the cube's edge (m)."""
    model = sim.model
    return float(model.geom_size[model.body(robot.BLOCK_BODY).geomadr[0]][0])
