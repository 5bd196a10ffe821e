# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The Panda model: ROS names, published kinematics and inertia, URDF generated from the MJCF."""

import xml.etree.ElementTree as ET

from franka_hil_common.observation import CAMERAS
from franka_hil_sim.core import robot
from franka_hil_sim.core.pick_cube import HOME_QPOS
from franka_hil_sim.core.urdf import robot_description
import mujoco
import numpy as np
import pytest

LINKS = [f'panda_link{i}' for i in range(9)] + [
    'panda_hand', 'panda_leftfinger', 'panda_rightfinger', 'panda_hand_tcp']


@pytest.fixture(scope='module')
def urdf():
    return ET.fromstring(robot_description().split('\n', 1)[1])


def _dh_flange(q):
    """Franka's published modified-DH chain (a, d, alpha) up to the flange."""
    params = [(0, 0.333, 0), (0, 0, -np.pi / 2), (0, 0.316, np.pi / 2),
              (0.0825, 0, np.pi / 2), (-0.0825, 0.384, -np.pi / 2), (0, 0, np.pi / 2),
              (0.088, 0, np.pi / 2), (0, 0.107, 0)]
    pose = np.eye(4)
    for (a, d, alpha), theta in zip(params, list(q) + [0.0]):
        ca, sa, ct, st = np.cos(alpha), np.sin(alpha), np.cos(theta), np.sin(theta)
        pose = pose @ np.array([[ct, -st, 0, a], [st * ca, ct * ca, -sa, -d * sa],
                                [st * sa, ct * sa, ca, d * ca], [0, 0, 0, 1]])
    return pose


def test_kinematics_follow_franka_dh():
    model = robot.load_robot()
    data = mujoco.MjData(model)
    rng = np.random.default_rng(1)
    for _ in range(5):
        low, high = model.jnt_range[:7].T
        q = rng.uniform(low, high)
        data.qpos[:7] = q
        mujoco.mj_kinematics(model, data)
        pose = _dh_flange(q)
        np.testing.assert_allclose(data.body('panda_link8').xpos, pose[:3, 3], atol=1e-9)
        np.testing.assert_allclose(data.body('panda_link8').xmat.reshape(3, 3), pose[:3, :3],
                                   atol=1e-9)


def test_home_pose_points_the_tool_down_over_the_workspace():
    model = robot.load_robot()
    data = mujoco.MjData(model)
    data.qpos[:7] = HOME_QPOS
    mujoco.mj_kinematics(model, data)
    tcp = data.body('panda_hand_tcp')
    np.testing.assert_allclose(tcp.xpos[:2], (0.49, 0.0), atol=0.01)
    assert tcp.xmat.reshape(3, 3)[2, 2] < -0.999   # tool z axis points at the floor
    flange_to_tcp = tcp.xpos - data.body('panda_link8').xpos
    assert np.linalg.norm(flange_to_tcp) == pytest.approx(0.1034)


def test_published_masses_and_limits():
    model = robot.load_robot()
    masses = [model.body(f'panda_link{i}').mass[0] for i in range(1, 8)]
    np.testing.assert_allclose(masses, [4.970684, 0.646926, 3.228604, 3.587895, 1.225946,
                                        1.666555, 0.735522])
    assert model.body('panda_hand').mass[0] == pytest.approx(0.73)
    efforts = [model.jnt_actfrcrange[model.joint(name).id][1] for name in robot.ARM_JOINTS]
    assert efforts == [87.0] * 4 + [12.0] * 3
    np.testing.assert_allclose(model.joint('panda_joint4').range, (-3.0718, -0.0698))
    np.testing.assert_allclose(model.joint('panda_finger_joint1').range, (0.0, 0.04))


def test_urdf_has_ros_names_and_matches_the_model(urdf):
    model = robot.load_robot()
    assert [link.get('name') for link in urdf.findall('link')] == LINKS[:9] + [
        'panda_hand', 'panda_leftfinger', 'panda_rightfinger', 'panda_hand_tcp']
    joints = {j.get('name'): j for j in urdf.findall('joint')}
    for name in robot.ARM_JOINTS + robot.FINGER_JOINTS:
        limit = joints[name].find('limit')
        low, high = model.joint(name).range
        assert float(limit.get('lower')) == pytest.approx(low)
        assert float(limit.get('upper')) == pytest.approx(high)
    assert joints['panda_joint8'].get('type') == 'fixed'
    assert joints['panda_hand_tcp_joint'].find('parent').get('link') == 'panda_hand'
    assert joints['panda_finger_joint2'].find('mimic').get('joint') == 'panda_finger_joint1'
    assert joints['panda_finger_joint1'].get('type') == 'prismatic'
    for link in urdf.findall('link'):
        inertial = link.find('inertial')
        if inertial is not None:
            mass = float(inertial.find('mass').get('value'))
            assert mass == pytest.approx(model.body(link.get('name')).mass[0])


def test_urdf_geometry_is_primitives_with_collisions(urdf):
    shapes = {child.tag for geometry in urdf.iter('geometry') for child in geometry}
    assert shapes <= {'box', 'cylinder', 'sphere'}
    for name in LINKS[:8] + ['panda_hand', 'panda_leftfinger']:
        link = urdf.find(f"link[@name='{name}']")
        assert link.findall('visual') and link.findall('collision'), name


def test_scene_has_the_task_objects():
    model = robot.load_scene()
    for camera in CAMERAS:
        assert model.camera(camera).id >= 0
    assert model.camera('front').fovy[0] == pytest.approx(45.0)
    np.testing.assert_allclose(model.cam_pos[model.camera('front').id], (1.3, 0.0, 0.7))
    np.testing.assert_allclose(model.geom(robot.BLOCK_BODY).size, (0.02, 0.02, 0.02))
    assert model.opt.timestep == pytest.approx(0.002)
