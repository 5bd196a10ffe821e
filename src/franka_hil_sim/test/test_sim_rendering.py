# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Headless camera frames: backend choice, lazy context, and what the cameras actually show."""

import os
import sys

import franka_hil_sim  # noqa: F401  (chooses the GL backend)
from franka_hil_sim.core import robot
from franka_hil_sim.core.gl_backend import select_gl_backend
from franka_hil_sim.core.pick_cube import PickCubeSim
import gymnasium as gym
import mujoco
import numpy as np
import pytest


def _red(image):
    return (image[..., 0] > 150) & (image[..., 1] < 80) & (image[..., 2] < 80)


def _dark(image):
    return image.max(axis=2) < 60


@pytest.fixture(scope='module')
def sim():
    sim = PickCubeSim()
    yield sim
    sim.close()


def test_front_camera_sees_the_cube(sim):
    sim.reset(np.random.default_rng(0))
    front = sim.render('front')
    assert front.shape == (128, 128, 3) and front.dtype == np.uint8
    assert front.std() > 10  # not blank
    rows, cols = np.nonzero(_red(front))
    assert len(rows) >= 10  # a 4 cm cube seen from 1.5 m
    assert 40 < cols.mean() < 88  # the cube at y = 0 is mid-image


def test_wrist_camera_sees_fingers_and_cube(sim):
    sim.reset(np.random.default_rng(0))
    wrist = sim.render('wrist')
    dark = _dark(wrist)
    assert dark[:, :32].mean() > 0.05 and dark[:, -32:].mean() > 0.05  # a finger each side
    assert not dark[:, 48:80].any()
    assert _red(wrist)[:, 32:96].sum() > 200  # the cube between them


def _pixels_per_body(sim, camera):
    """Pixels of each body's mesh / primitive geoms in `camera`'s view, by segmentation."""
    model = sim.model
    with mujoco.Renderer(model, 128, 128) as renderer:
        renderer.enable_segmentation_rendering()
        renderer.update_scene(sim.data, camera)  # default geom groups, as the sim renders
        segmentation = renderer.render()
    ids, types = segmentation[..., 0], segmentation[..., 1]
    counts = {}
    for geom in ids[types == mujoco.mjtObj.mjOBJ_GEOM]:
        body = model.body(model.geom_bodyid[geom]).name
        kind = 'mesh' if model.geom_type[geom] == mujoco.mjtGeom.mjGEOM_MESH else 'primitive'
        counts[body, kind] = counts.get((body, kind), 0) + 1
    return counts


def test_front_view_shows_the_link_meshes(sim):
    sim.reset(np.random.default_rng(0))
    counts = _pixels_per_body(sim, 'front')
    robot_bodies = {sim.model.body(b).name for b in robot.robot_bodies(sim.model)}
    shown = {body: n for (body, kind), n in counts.items() if body in robot_bodies}
    assert all(kind == 'mesh' for body, kind in counts if body in robot_bodies)  # no collisions
    assert sum(shown.values()) > 1000  # the arm fills a good part of the view
    for body in ('panda_link5', 'panda_link6', 'panda_link7', 'panda_hand'):
        assert shown.get(body, 0) > 100, (body, shown)
    assert shown.get('panda_leftfinger', 0) > 5 and shown.get('panda_rightfinger', 0) > 5
    assert counts[robot.BLOCK_BODY, 'primitive'] >= 30


def test_wrist_view_shows_both_fingers_and_the_cube_not_the_hand(sim):
    sim.reset(np.random.default_rng(0))
    counts = _pixels_per_body(sim, 'wrist')
    assert counts.get(('panda_leftfinger', 'mesh'), 0) > 200
    assert counts.get(('panda_rightfinger', 'mesh'), 0) > 200
    assert counts[robot.BLOCK_BODY, 'primitive'] > 300
    assert counts.get(('panda_hand', 'mesh'), 0) < 128 * 128 * 0.05  # not inside the hand
    assert counts['world', 'primitive'] > 128 * 128 / 2  # the floor around them


def test_floor_is_textured(sim):
    sim.reset(np.random.default_rng(0))
    front = sim.render('front').astype(int)
    floor = front[100:, :]  # the lower rows are floor only
    assert np.ptp(floor.sum(axis=2)) > 60  # checker squares, not one flat grey


def test_cube_moves_in_the_front_image_when_it_moves(sim):
    sim.reset(np.random.default_rng(0))
    before = np.nonzero(_red(sim.render('front')))[1].mean()
    block = sim.model.joint('block').qposadr[0]
    sim.data.qpos[block + 1] = 0.15  # +y: to the image's right
    sim.step(np.zeros(7))
    after = np.nonzero(_red(sim.render('front')))[1].mean()
    assert after > before + 5


def test_state_env_never_creates_a_gl_context():
    env = gym.make('franka_hil/PandaPickCube-v0')
    env.reset(seed=0)
    for _ in range(3):
        env.step(np.array([0, 0, 0, 1], np.float32))
    assert not env.unwrapped.sim.rendering_active
    env.render()
    assert env.unwrapped.sim.rendering_active
    env.close()


def test_image_env_observation_matches_render():
    env = gym.make('franka_hil/PandaPickCube-v0', image_obs=True)
    obs, _ = env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (128, 256, 3)
    np.testing.assert_array_equal(frame[:, :128], obs['pixels']['front'])
    np.testing.assert_array_equal(frame[:, 128:], obs['pixels']['wrist'])
    env.close()


def test_backend_choice(monkeypatch):
    monkeypatch.delenv('DISPLAY', raising=False)
    monkeypatch.delenv('WAYLAND_DISPLAY', raising=False)
    found = {'EGL': 'libEGL.so.1', 'OSMesa': 'libOSMesa.so'}.get
    assert select_gl_backend({}, found) == 'egl'
    assert select_gl_backend({}, {'OSMesa': 'x'}.get) == 'osmesa'
    assert select_gl_backend({'MUJOCO_GL': 'osmesa'}, found) == 'osmesa'


def test_headless_process_picks_egl_by_itself(run_process):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ('MUJOCO_GL', 'PYOPENGL_PLATFORM', 'DISPLAY', 'WAYLAND_DISPLAY')
    }
    code = (
        'import os, franka_hil_sim.core.pick_cube as p; s = p.PickCubeSim(); '
        'im = s.render("front"); print(os.environ["MUJOCO_GL"], int(im.std() > 10))'
    )
    out = run_process(
        [sys.executable, '-c', code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ['egl', '1']


def test_a_frame_does_not_depend_on_what_was_rendered_before():
    # Frames of the same state must match wherever they are rendered (the sim node renders every
    # step, a direct env only when asked): no scene element may follow the last camera.
    sims = [PickCubeSim(), PickCubeSim()]
    for sim in sims:
        sim.reset(np.random.default_rng(4))
    sims[0].render('wrist')
    sims[0].step(np.zeros(7))
    sims[1].step(np.zeros(7))
    for camera in ('front', 'wrist', 'front'):
        np.testing.assert_array_equal(sims[0].render(camera), sims[1].render(camera))
    for sim in sims:
        sim.close()
