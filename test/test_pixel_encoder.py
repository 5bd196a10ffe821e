# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pixel encoder's identity and refusals, its labelled frames, its env wrapper: without torch.

The network itself needs torch (the SB3 venv); everything that decides whether an encoder may
see an image, and what it is trained on, is numpy and the simulator, tested here in the
workspace's venv.
"""

import json
import shutil

import franka_hil_sim  # noqa: F401  (registers the ids)
from franka_hil_sim.core import scene_id
from franka_hil_training import settings
from franka_hil_training.sb3.envs import EncodedPixels
from franka_hil_training.vision import frames
from franka_hil_training.vision import manifest as mf
import gymnasium as gym
import numpy as np
import pytest

CAMERAS = ('front', 'wrist')
SETTINGS = settings.load('pixel_encoder')


def _pixels(size=128, cameras=CAMERAS, dtype=np.uint8):
    rng = np.random.default_rng(0)
    return {c: rng.integers(0, 256, (size, size, 3)).astype(dtype) for c in cameras}


def _refused(call, *args):
    with pytest.raises(mf.EncoderRefused) as error:
        call(*args)
    message = str(error.value)
    assert '\n' not in message and message.startswith('encoder refused: ')
    return message


def test_a_changed_camera_in_the_mjcf_changes_the_scene_hash_and_the_cache_folder(
    tmp_path, monkeypatch
):
    before = scene_id.scene_hash()
    assert scene_id.scene_hash() == before  # stable
    models = tmp_path / 'models'
    shutil.copytree(scene_id.MODEL_DIR, models)
    scene = models / 'scene.xml'
    scene.write_text(scene.read_text().replace('fovy="45"', 'fovy="50"'))
    monkeypatch.setattr(scene_id, 'MODEL_DIR', models)
    after = scene_id.scene_hash()
    assert after != before
    keys = {
        mf.encoder_key(before, CAMERAS, 128, SETTINGS),
        mf.encoder_key(after, CAMERAS, 128, SETTINGS),  # another scene
        mf.encoder_key(before, ('front',), 128, SETTINGS),  # another camera set
        mf.encoder_key(before, CAMERAS, 96, SETTINGS),  # another image size
        mf.encoder_key(before, CAMERAS, 128, dict(SETTINGS, epochs=1)),  # another setting
    }
    assert len(keys) == 5 and len({mf.cache_dir(tmp_path, k) for k in keys}) == 5


def test_a_mismatched_scene_hash_or_identity_is_refused_in_one_line():
    expected = mf.new_manifest('a' * 64, CAMERAS, 128, SETTINGS)
    mf.check_manifest(dict(expected, heldout={'cube_mm_mean': 3.0}), expected)  # fits
    message = _refused(mf.check_manifest, dict(expected, scene_hash='b' * 64), expected)
    assert 'bbbbbbbbbbbb' in message and 'aaaaaaaaaaaa' in message
    _refused(mf.check_manifest, dict(expected, cameras=['front']), expected)
    _refused(mf.check_manifest, dict(expected, settings=dict(SETTINGS, shift=0)), expected)


def test_a_wrong_image_size_a_missing_camera_or_dtype_is_refused_in_one_line():
    assert 'wrist' in _refused(mf.encoder_input, _pixels(cameras=('front',)), CAMERAS, 128, 64)
    assert '[64, 64, 3]' in _refused(mf.encoder_input, _pixels(64), CAMERAS, 128, 64)
    assert 'float32' in _refused(mf.encoder_input, _pixels(dtype=np.float32), CAMERAS, 128, 64)


def test_encoder_input_averages_each_camera_down():
    pixels = _pixels()
    frame = mf.encoder_input(pixels, CAMERAS, 128, 64)
    assert frame.shape == (2, 64, 64, 3) and frame.dtype == np.uint8
    block = pixels['wrist'][2:4, 6:8].reshape(-1, 3).mean(0)
    np.testing.assert_array_equal(frame[1, 1, 3], np.floor(block + 0.5))


def test_an_incomplete_cache_folder_holds_no_encoder(tmp_path):
    assert mf.read_manifest(tmp_path) is None
    (tmp_path / mf.MANIFEST).write_text('{}')
    assert mf.read_manifest(tmp_path) is None  # no weights: trained again, not half-used
    (tmp_path / mf.WEIGHTS).write_bytes(b'')
    assert mf.read_manifest(tmp_path) == {}


def test_labelled_frames_are_both_cameras_and_what_the_simulator_knew():
    rendered = frames.render_frames(12, seed=3, input_size=32)
    assert rendered['images'].shape == (12, 2, 32, 32, 3)
    labels = rendered['labels']
    assert labels.shape == (12, len(frames.LABELS))
    assert np.all((labels[:, 0] > 0.25) & (labels[:, 0] < 0.55))  # the cube, on the table
    assert np.allclose(labels[:, 2], 0.02, atol=0.005)
    assert np.all(labels[:, 6] > 0.0)  # the fingers' opening


class _Stub:
    """An encoder stand-in: the mean red of each camera."""

    size = 2

    def __call__(self, pixels, agent_pos):
        return np.array([pixels[c][..., 0].mean() for c in CAMERAS], np.float32)


def test_encoded_pixels_gives_the_policy_agent_pos_and_the_encoders_output_only():
    env = EncodedPixels(gym.make('franka_hil/PandaPickCubePixelsRandom-v0'), _Stub())
    obs, _ = env.reset(seed=0)
    assert env.observation_space.shape == (20,) and obs.shape == (20,) and obs.dtype == np.float32
    raw = env.unwrapped._observation()
    np.testing.assert_array_equal(obs[:18], raw['agent_pos'])
    np.testing.assert_allclose(obs[18:], _Stub()(raw['pixels'], raw['agent_pos']))
    env.close()


@pytest.fixture(scope='module')
def small_encoder():
    """Return an encoder fitted on a few frames (fewer steps than a run), and held-out frames."""
    from franka_hil_training.vision import encoder as enc
    from franka_hil_training.vision import pretrain

    manifest = pretrain.expected_manifest(dict(SETTINGS, head_steps=1500, pixel_samples=5000))
    train = frames.render_frames(250, seed=7, input_size=SETTINGS['input_size'])
    heldout = frames.render_frames(60, seed=8, input_size=SETTINGS['input_size'])
    encoder, _ = enc.fit(train, manifest)
    return encoder, heldout


def test_the_encoder_reads_the_cube_from_pixels_better_than_a_guess(small_encoder):
    from franka_hil_training.vision import pretrain

    encoder, heldout = small_encoder
    error = pretrain.heldout_error(encoder, heldout)
    guess = np.linalg.norm(heldout['labels'][:, :3] - [0.4, 0.0, 0.02], axis=1).mean() * 1000
    assert error['cube_mm_mean'] < 0.5 * guess, (error, guess)


def test_a_kept_encoder_is_found_by_its_hash_and_a_changed_scene_retrains(
    small_encoder, tmp_path, monkeypatch
):
    from franka_hil_training.vision import pretrain

    encoder, _ = small_encoder
    expected = pretrain.expected_manifest()
    folder = mf.cache_dir(tmp_path, expected['key'])
    folder.mkdir()
    np.savez(folder / mf.WEIGHTS, **encoder.arrays())
    (folder / mf.MANIFEST).write_text(json.dumps(dict(expected, heldout={})))
    loaded, report = pretrain.encoder_for_run(tmp_path)
    assert report['cached'] and report['directory'] == str(folder)
    obs, _ = (env := gym.make('franka_hil/PandaPickCubePixelsRandom-v0')).reset(seed=2)
    np.testing.assert_array_equal(
        loaded(obs['pixels'], obs['agent_pos']), encoder(obs['pixels'], obs['agent_pos'])
    )
    env.close()
    # the scene changed: the kept encoder is refused by hash, and a run trains a new one
    monkeypatch.setattr(pretrain, 'scene_hash', lambda: 'f' * 64)
    assert 'ffffffffffff' in _refused(pretrain.load, folder, pretrain.expected_manifest())
    trained = []
    monkeypatch.setattr(pretrain, 'pretrain', lambda d, m: trained.append(d) or encoder)
    pretrain.encoder_for_run(tmp_path)
    assert trained and trained[0] != folder
