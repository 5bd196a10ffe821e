# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Where the Panda model lives and the names every layer (sim, node, URDF) agrees on."""

from contextlib import contextmanager
import importlib.metadata
import importlib.util
from pathlib import Path

from franka_hil_common.names import BASE_FRAME
from franka_hil_sim.core.scene_id import MODEL_DIR
import mujoco

ROBOT_XML = MODEL_DIR / 'panda.xml'
SCENE_XML = MODEL_DIR / 'scene.xml'

ARM_JOINTS = tuple(f'panda_joint{i}' for i in range(1, 8))
FINGER_JOINTS = ('panda_finger_joint1', 'panda_finger_joint2')
BASE_LINK = BASE_FRAME
TCP_BODY = 'panda_hand_tcp'
GRIPPER_ACTUATOR = 'panda_hand'
BLOCK_BODY = 'block'
BLOCK_JOINT = 'block'
TARGET_BODY = 'target'
# Finger travel per side (m) at gripper command 0 (open); command 1 closes them.
FINGER_OPEN = 0.04


# The Panda's link, hand and finger meshes ship with gymnasium-robotics (MIT), in Franka's link
# frames; panda.xml names them by file name only and the functions below point the names there.
MESH_PACKAGE = 'gymnasium-robotics'
MESH_FOLDER = ('envs', 'assets', 'kitchen_franka', 'franka_assets', 'meshes')
# Mesh detail: 'full' draws the detailed visual meshes everywhere (~134 k triangles); 'light'
# draws the links with the package's coarse meshes of the same shapes (~2.3 k triangles) and the
# hand and fingers, which the wrist camera sees up close, with the detailed ones (~7.5 k).
# Both 128x128 cameras take about 4 ms a frame pair with 'light', 13 ms with 'full' (llvmpipe).
MESH_DETAILS = ('light', 'full')
DEFAULT_MESH_DETAIL = 'light'
_DETAILED = ('hand.stl', 'finger.stl')


def mesh_dir():
    """Return the folder (with visual/ and collision/) of the installed Panda meshes."""
    spec = importlib.util.find_spec('gymnasium_robotics')  # found without importing it
    folder = (
        None if spec is None else Path(spec.submodule_search_locations[0]).joinpath(*MESH_FOLDER)
    )
    if folder is None or not folder.is_dir():
        raise RuntimeError(
            f'the Panda meshes come from the {MESH_PACKAGE} package, which is '
            f'not installed here (pip install {MESH_PACKAGE})'
        )
    return folder


def mesh_version():
    """Version of the package the meshes come from."""
    return importlib.metadata.version(MESH_PACKAGE)


def mesh_file(name, detail=DEFAULT_MESH_DETAIL):
    """Absolute path of the mesh file `name` (as panda.xml names it) at `detail`."""
    if detail not in MESH_DETAILS:
        raise ValueError(f'mesh detail must be one of {MESH_DETAILS}, got {detail!r}')
    kind = 'visual' if detail == 'full' or name in _DETAILED else 'collision'
    path = mesh_dir() / kind / name
    if not path.is_file():
        raise RuntimeError(f'{MESH_PACKAGE} {mesh_version()} has no mesh {kind}/{name}')
    return path


def _spec(path, detail):
    spec = mujoco.MjSpec.from_file(str(path))
    for mesh in spec.meshes:
        mesh.file = str(mesh_file(Path(mesh.file).name, detail))
    return spec


def scene_spec(detail=DEFAULT_MESH_DETAIL):
    """Return the MjSpec of the pick-cube scene with its mesh files resolved (compile it)."""
    return _spec(SCENE_XML, detail)


def robot_spec(detail=DEFAULT_MESH_DETAIL):
    """Return the MjSpec of the robot alone with its mesh files resolved."""
    return _spec(ROBOT_XML, detail)


def load_scene(detail=DEFAULT_MESH_DETAIL):
    """Compile the pick-cube scene (robot, floor, cube, cameras, controller actuators)."""
    return scene_spec(detail).compile()


def load_robot(detail=DEFAULT_MESH_DETAIL):
    """Compile the robot alone, as robot_description describes it."""
    return robot_spec(detail).compile()


def robot_bodies(model):
    """Ids of panda_link0 and all bodies below it, parents before children."""
    root = model.body(BASE_LINK).id
    ids = [root]
    for body in range(root + 1, model.nbody):
        if model.body_parentid[body] in ids:
            ids.append(body)
    return ids


@contextmanager
def cube_hidden(model):
    """Make the cube invisible to every camera inside the block; it stays in the physics."""
    material, geom = model.material(BLOCK_BODY).id, model.geom(BLOCK_BODY).id
    alphas = model.mat_rgba[material, 3], model.geom_rgba[geom, 3]
    model.mat_rgba[material, 3] = model.geom_rgba[geom, 3] = 0.0
    try:
        yield
    finally:
        model.mat_rgba[material, 3], model.geom_rgba[geom, 3] = alphas
