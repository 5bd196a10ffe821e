# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Where the Panda model lives and the names every layer (sim, node, URDF) agrees on."""

from pathlib import Path

from franka_hil_common.names import BASE_FRAME
import mujoco

MODEL_DIR = Path(__file__).resolve().parent / 'models'
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


def load_scene():
    """Compile the pick-cube scene (robot, floor, cube, cameras, controller actuators)."""
    return mujoco.MjModel.from_xml_path(str(SCENE_XML))


def load_robot():
    """Compile the robot alone, as robot_description describes it."""
    return mujoco.MjModel.from_xml_path(str(ROBOT_XML))


def robot_bodies(model):
    """Ids of panda_link0 and all bodies below it, parents before children."""
    root = model.body(BASE_LINK).id
    ids = [root]
    for body in range(root + 1, model.nbody):
        if model.body_parentid[body] in ids:
            ids.append(body)
    return ids
