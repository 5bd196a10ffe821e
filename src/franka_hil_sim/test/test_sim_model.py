# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The Panda model: ROS names, published kinematics and inertia, meshes, URDF from the MJCF."""

from pathlib import Path
from urllib.parse import unquote, urlparse
import xml.etree.ElementTree as ET

from franka_hil_common.observation import CAMERAS
from franka_hil_sim.core import robot
from franka_hil_sim.core.mjcf_to_urdf import robot_description, urdf_from_model
from franka_hil_sim.core.opspace import OpSpaceController
from franka_hil_sim.core.pick_cube import HOME_QPOS
import mujoco
import numpy as np
import pytest

LINKS = [f'panda_link{i}' for i in range(9)] + [
    'panda_hand',
    'panda_leftfinger',
    'panda_rightfinger',
    'panda_hand_tcp',
]
MESH_LINKS = LINKS[:8] + ['panda_hand', 'panda_leftfinger', 'panda_rightfinger']


@pytest.fixture(scope='module')
def urdf():
    return ET.fromstring(robot_description().split('\n', 1)[1])


def _dh_flange(q):
    """Franka's published modified-DH chain (a, d, alpha) up to the flange."""
    params = [
        (0, 0.333, 0),
        (0, 0, -np.pi / 2),
        (0, 0.316, np.pi / 2),
        (0.0825, 0, np.pi / 2),
        (-0.0825, 0.384, -np.pi / 2),
        (0, 0, np.pi / 2),
        (0.088, 0, np.pi / 2),
        (0, 0.107, 0),
    ]
    pose = np.eye(4)
    for (a, d, alpha), theta in zip(params, list(q) + [0.0]):
        ca, sa, ct, st = np.cos(alpha), np.sin(alpha), np.cos(theta), np.sin(theta)
        pose = pose @ np.array(
            [
                [ct, -st, 0, a],
                [st * ca, ct * ca, -sa, -d * sa],
                [st * sa, ct * sa, ca, d * ca],
                [0, 0, 0, 1],
            ]
        )
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
        np.testing.assert_allclose(
            data.body('panda_link8').xmat.reshape(3, 3), pose[:3, :3], atol=1e-9
        )


def test_home_pose_points_the_tool_down_over_the_workspace():
    model = robot.load_robot()
    data = mujoco.MjData(model)
    data.qpos[:7] = HOME_QPOS
    mujoco.mj_kinematics(model, data)
    tcp = data.body('panda_hand_tcp')
    np.testing.assert_allclose(tcp.xpos[:2], (0.49, 0.0), atol=0.01)
    assert tcp.xmat.reshape(3, 3)[2, 2] < -0.999  # tool z axis points at the floor
    flange_to_tcp = tcp.xpos - data.body('panda_link8').xpos
    assert np.linalg.norm(flange_to_tcp) == pytest.approx(0.1034)


def test_published_masses_and_limits():
    model = robot.load_robot()
    masses = [model.body(f'panda_link{i}').mass[0] for i in range(1, 8)]
    np.testing.assert_allclose(
        masses, [4.970684, 0.646926, 3.228604, 3.587895, 1.225946, 1.666555, 0.735522]
    )
    assert model.body('panda_hand').mass[0] == pytest.approx(0.73)
    efforts = [model.jnt_actfrcrange[model.joint(name).id][1] for name in robot.ARM_JOINTS]
    assert efforts == [87.0] * 4 + [12.0] * 3
    np.testing.assert_allclose(model.joint('panda_joint4').range, (-3.0718, -0.0698))
    np.testing.assert_allclose(model.joint('panda_finger_joint1').range, (0.0, 0.04))


def test_urdf_has_ros_names_and_matches_the_model(urdf):
    model = robot.load_robot()
    assert [link.get('name') for link in urdf.findall('link')] == LINKS[:9] + [
        'panda_hand',
        'panda_leftfinger',
        'panda_rightfinger',
        'panda_hand_tcp',
    ]
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


def test_urdf_draws_the_link_meshes_and_keeps_primitive_collisions(urdf):
    for name in MESH_LINKS:
        link = urdf.find(f"link[@name='{name}']")
        visuals = link.findall('visual')
        assert len(visuals) == 1, name
        mesh = visuals[0].find('geometry/mesh')
        uri = urlparse(mesh.get('filename'))
        assert uri.scheme == 'file'
        path = Path(unquote(uri.path))
        assert path.is_file() and path.parent.name == 'visual', path  # full detail for rviz
        stem = {
            'panda_hand': 'hand',
            'panda_leftfinger': 'finger',
            'panda_rightfinger': 'finger',
        }.get(name, name[len('panda_') :])
        assert path.name == f'{stem}.stl'
        # the meshes are given in the link frames: no offset
        origin = visuals[0].find('origin')
        assert [float(v) for v in origin.get('xyz').split()] == [0.0, 0.0, 0.0]
        assert [abs(float(v)) for v in origin.get('rpy').split()] == [0.0, 0.0, 0.0]
        assert link.findall('collision'), name
        for collision in link.findall('collision'):
            assert {c.tag for c in collision.find('geometry')} <= {'box', 'cylinder', 'sphere'}


def _visual_only(model, geom):
    return model.geom_contype[geom] == 0 and model.geom_conaffinity[geom] == 0


def test_the_urdf_is_kept_in_the_cache_under_its_inputs(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    made = robot_description()
    (kept,) = (tmp_path / 'franka_hil' / 'urdf').iterdir()
    assert kept.read_text() == made == urdf_from_model(robot.load_robot('full'))
    kept.write_text('<robot name="from the cache"/>')
    assert robot_description() == '<robot name="from the cache"/>'
    monkeypatch.setattr(mujoco, '__version__', 'another')  # another input: made again
    assert robot_description() == made
    assert len(list(kept.parent.iterdir())) == 2


@pytest.mark.parametrize('detail', robot.MESH_DETAILS)
def test_meshes_are_visual_only_and_collisions_are_hidden(detail):
    model = robot.load_robot(detail)
    meshes = {}
    for geom in range(model.ngeom):
        body = model.body(model.geom_bodyid[geom]).name
        if _visual_only(model, geom):
            assert model.geom_type[geom] == mujoco.mjtGeom.mjGEOM_MESH, body
            assert model.geom_group[geom] == 1
            meshes[body] = model.geom_dataid[geom]
        else:
            assert model.geom_group[geom] == 3, body  # cameras (groups 0-2) never draw it
    assert sorted(meshes) == sorted(MESH_LINKS)
    files = {
        Path(model.paths[model.mesh_pathadr[m] :].split(b'\0', 1)[0].decode())
        for m in meshes.values()
    }
    assert all(path.is_file() and path.is_relative_to(robot.mesh_dir()) for path in files)
    folders = {path.name: path.parent.name for path in files}
    assert folders['hand.stl'] == folders['finger.stl'] == 'visual'
    assert folders['link3.stl'] == ('visual' if detail == 'full' else 'collision')


def _without_visuals():
    """Compile the scene with every visual-only geom and every mesh removed."""
    spec = robot.scene_spec()
    for geom in list(spec.geoms):
        if geom.contype == 0 and geom.conaffinity == 0 and geom.parent.name in MESH_LINKS:
            spec.delete(geom)
    for mesh in list(spec.meshes):
        spec.delete(mesh)
    return spec.compile()


def _trajectory(model):
    """Reach down to the cube, grasp it and lift it: contacts of fingers, cube and floor."""
    data = mujoco.MjData(model)
    data.qpos[:7] = HOME_QPOS
    data.qpos[7:9] = robot.FINGER_OPEN
    mujoco.mj_forward(model, data)
    controller = OpSpaceController(model, data, HOME_QPOS)
    states, contacts = [], 0
    for step in range(40):
        data.mocap_pos[0] = (0.5, 0.0, 0.02 if step < 25 else 0.1)
        data.ctrl[model.actuator(robot.GRIPPER_ACTUATOR).id] = 1.0 if step >= 15 else 0.0
        controller.step(25)
        states.append(np.concatenate([data.qpos, data.qvel, data.qacc_warmstart]))
        contacts = max(contacts, data.ncon)
    return np.array(states), contacts


def test_mesh_visuals_leave_the_physics_unchanged():
    bare = _without_visuals()
    assert bare.nmesh == 0 and bare.ngeom < robot.load_scene().ngeom
    reference, contacts = _trajectory(bare)
    assert contacts >= 4  # the fingers hold the cube
    for detail in robot.MESH_DETAILS:
        model = robot.load_scene(detail)
        for field in (
            'body_mass',
            'body_inertia',
            'body_ipos',
            'body_iquat',
            'body_pos',
            'body_quat',
            'body_subtreemass',
        ):
            np.testing.assert_array_equal(getattr(model, field), getattr(bare, field), field)
        states, _ = _trajectory(model)
        np.testing.assert_array_equal(states, reference)


def test_missing_mesh_package_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(robot.importlib.util, 'find_spec', lambda name: None)
    with pytest.raises(RuntimeError, match='gymnasium-robotics package, which is not installed'):
        robot.load_scene()
    with pytest.raises(ValueError, match='mesh detail'):
        robot.mesh_file('hand.stl', 'medium')


def test_scene_has_the_task_objects():
    model = robot.load_scene()
    for camera in CAMERAS:
        assert model.camera(camera).id >= 0
    assert model.camera('front').fovy[0] == pytest.approx(45.0)
    np.testing.assert_allclose(model.cam_pos[model.camera('front').id], (1.3, 0.0, 0.7))
    # gym-hil's orientation too: image x along world +y, looking 25 degrees below the horizon
    axes = model.cam_mat0[model.camera('front').id].reshape(3, 3)
    tilt = np.radians(25.0)
    np.testing.assert_allclose(axes[:, 0], (0.0, 1.0, 0.0), atol=1e-6)
    np.testing.assert_allclose(axes[:, 1], (-np.sin(tilt), 0.0, np.cos(tilt)), atol=1e-6)
    np.testing.assert_allclose(model.geom(robot.BLOCK_BODY).size, (0.02, 0.02, 0.02))
    assert model.opt.timestep == pytest.approx(0.002)
