# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The franka_hil/ Gymnasium envs against the gym-hil contract."""

import warnings

import franka_hil_sim  # noqa: F401  (registers the ids)
from franka_hil_sim.core import pick_cube
import gymnasium as gym
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env
import numpy as np
import pytest

BASE, EE = 'franka_hil/PandaPickCubeBase-v0', 'franka_hil/PandaPickCube-v0'
AGENT = spaces.Box(-np.inf, np.inf, (18,), dtype=np.float32)
IMAGE = spaces.Box(0, 255, (128, 128, 3), dtype=np.uint8)


def _make(env_id=EE, **kwargs):
    return gym.make(env_id, **kwargs)


@pytest.mark.parametrize('env_id', [BASE, EE])
@pytest.mark.parametrize('image_obs', [False, True])
def test_check_env_and_contract_spaces(env_id, image_obs):
    env = _make(env_id, image_obs=image_obs)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the contract's inf bounds and [0, 2] gripper range
        check_env(env.unwrapped, skip_render_check=False)
    if image_obs:
        expected = spaces.Dict(
            {'agent_pos': AGENT, 'pixels': spaces.Dict({'front': IMAGE, 'wrist': IMAGE})}
        )
    else:
        expected = spaces.Dict(
            {
                'agent_pos': AGENT,
                'environment_state': spaces.Box(-np.inf, np.inf, (3,), dtype=np.float32),
            }
        )
    assert env.observation_space == expected
    if env_id == BASE:
        assert env.action_space == spaces.Box(-1.0, 1.0, (7,), dtype=np.float32)
    else:
        assert env.action_space == spaces.Box(
            np.array([-1, -1, -1, 0], dtype=np.float32),
            np.array([1, 1, 1, 2], dtype=np.float32),
            dtype=np.float32,
        )
    assert env.spec.max_episode_steps == 100
    obs, info = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    env.close()


def test_no_gripper_variant_is_3d():
    env = _make(use_gripper=False)
    assert env.action_space == spaces.Box(-1.0, 1.0, (3,), dtype=np.float32)
    env.reset(seed=0)
    _, _, _, _, info = env.step(np.zeros(3, dtype=np.float32))
    assert 'discrete_penalty' not in info
    env.close()


def _rollout(env, seed, actions):
    obs, _ = env.reset(seed=seed)
    trace = [obs['agent_pos'].copy(), obs['environment_state'].copy()]
    for action in actions:
        obs, reward, *_ = env.step(action)
        trace += [obs['agent_pos'].copy(), obs['environment_state'].copy(), reward]
    return trace


def test_seed_reproduces_cube_and_trajectory():
    env = _make(random_block_position=True)
    rng = np.random.default_rng(7)
    actions = [
        np.append(rng.uniform(-1, 1, 3), rng.integers(0, 3)).astype(np.float32) for _ in range(15)
    ]
    first = _rollout(env, 11, actions)
    _rollout(env, 12, actions)
    again = _rollout(env, 11, actions)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    starts = set()
    for seed in range(5):
        obs, _ = env.reset(seed=seed)
        xy = obs['environment_state'][:2]
        assert 0.3 <= xy[0] <= 0.5 and -0.15 <= xy[1] <= 0.15
        starts.add(tuple(xy))
    assert len(starts) == 5
    env.close()


def test_constructor_seed_and_fixed_start():
    a, b = _make(seed=3, random_block_position=True), _make(seed=3, random_block_position=True)
    np.testing.assert_array_equal(
        a.reset()[0]['environment_state'], b.reset()[0]['environment_state']
    )
    fixed = _make()
    np.testing.assert_allclose(
        fixed.reset(seed=1)[0]['environment_state'], (0.5, 0.0, 0.02), atol=1e-6
    )
    for env in (a, b, fixed):
        env.close()


def test_agent_pos_layout_and_gripper_scale():
    env = _make()
    obs, _ = env.reset(seed=0)
    sim = env.unwrapped.sim
    np.testing.assert_allclose(obs['agent_pos'][:7], pick_cube.HOME_QPOS, atol=1e-6)
    np.testing.assert_allclose(obs['agent_pos'][15:18], sim.tcp_pos, atol=1e-6)
    assert obs['agent_pos'][14] == 0.0
    obs, *_ = env.step(np.array([0, 0, 0, 2], dtype=np.float32))
    assert obs['agent_pos'][14] == 255.0
    obs, *_ = env.step(np.array([0, 0, 0, 1], dtype=np.float32))
    assert obs['agent_pos'][14] == 255.0
    obs, *_ = env.step(np.array([0, 0, 0, 0], dtype=np.float32))
    assert obs['agent_pos'][14] == 0.0
    env.close()


def test_ee_action_moves_the_tcp_by_its_step_and_is_bounded():
    env = _make()
    obs, _ = env.reset(seed=0)
    start = obs['agent_pos'][15:18].copy()
    for _ in range(4):
        obs, *_ = env.step(np.array([0, 1, 0, 1], dtype=np.float32))
    for _ in range(5):
        obs, *_ = env.step(np.array([0, 0, 0, 1], dtype=np.float32))
    np.testing.assert_allclose(obs['agent_pos'][15:18] - start, (0, 4 * 0.025, 0), atol=3e-3)
    for _ in range(30):  # far past the workspace edge: the target stops at y = 0.3
        obs, *_ = env.step(np.array([0, 1, 1, 1], dtype=np.float32))
    np.testing.assert_allclose(env.unwrapped.sim.target_pos[1:], (0.3, 0.5))
    env.close()


def test_out_of_range_actions_are_clipped():
    env = _make()
    env.reset(seed=0)
    sim = env.unwrapped.sim
    before = sim.target_pos
    env.step(np.array([5.0, 0, 0, 7.0], dtype=np.float32))
    np.testing.assert_allclose(sim.target_pos - before, (0.025, 0, 0))
    assert sim.gripper_command == 1.0
    base = _make(BASE)
    base.reset(seed=0)
    before = base.unwrapped.sim.target_pos
    base.step(np.array([0, 0, -3.0, 0, 0, 0, -4.0]))
    np.testing.assert_allclose(base.unwrapped.sim.target_pos[2], max(before[2] - 1.0, 0.0))
    assert base.unwrapped.sim.gripper_command == 0.0
    env.close()
    base.close()


def test_gripper_penalty_only_on_flips():
    env = _make(gripper_penalty=-0.07)
    env.reset(seed=0)
    penalties = []
    for g in (1, 0, 2, 2, 1, 0, 0, 2):
        *_, info = env.step(np.array([0, 0, 0, g], dtype=np.float32))
        penalties.append(info['discrete_penalty'])
    assert penalties == [0.0, 0.0, -0.07, 0.0, 0.0, -0.07, 0.0, -0.07]
    env.close()


@pytest.mark.parametrize(
    'bad, message',
    [
        (np.array([np.nan, 0, 0, 1], dtype=np.float32), 'non-finite'),
        (np.array([0, np.inf, 0, 1]), 'non-finite'),
        (np.zeros(5, dtype=np.float32), 'shape'),
        (np.zeros((1, 4)), 'shape'),
        (np.array(['a', 'b', 'c', 'd']), 'dtype'),
        (np.array([0, 0, 0, 1], dtype=complex), 'dtype'),
    ],
)
def test_bad_actions_raise_and_leave_state_untouched(bad, message):
    env = _make()
    env.reset(seed=0)
    sim = env.unwrapped.sim
    state = (sim.joint_positions(), sim.target_pos, sim.gripper_command, sim.time)
    with pytest.raises(ValueError, match=message):
        env.step(bad)
    after = (sim.joint_positions(), sim.target_pos, sim.gripper_command, sim.time)
    for a, b in zip(state, after):
        np.testing.assert_array_equal(a, b)
    env.close()


def test_physics_blow_up_ends_the_episode_with_a_flag():
    env = _make()
    env.reset(seed=0)
    env.unwrapped.sim.data.qvel[:7] = 1e12
    obs, reward, terminated, truncated, info = env.step(np.array([0, 0, 0, 1], dtype=np.float32))
    assert info['physics_error'] and terminated and reward == 0.0 and not info['succeed']
    assert np.isfinite(obs['agent_pos']).all() and np.isfinite(obs['environment_state']).all()
    env.close()


def _lift_cube(env, height):
    sim = env.unwrapped.sim
    block = sim.model.joint('block').qposadr[0]
    sim.data.qpos[block + 2] += height
    sim.data.qvel[sim.model.joint('block').dofadr[0] + 2] = 0.0


def test_sparse_reward_success_and_termination():
    env = _make()
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(np.array([0, 0, 1, 1], np.float32))
    assert (reward, terminated, info['succeed']) == (0.0, False, False)
    sim = env.unwrapped.sim
    sim.model.opt.gravity[:] = 0.0  # hold the cube where we put it
    _lift_cube(env, 0.15)
    obs, reward, terminated, truncated, info = env.step(np.array([0, 0, 1, 1], np.float32))
    assert (reward, terminated, info['succeed']) == (1.0, True, True)
    env.close()


def test_dense_reward_formula():
    env = _make(reward_type='dense')
    env.reset(seed=0)
    _, reward, *_ = env.step(np.array([0, 0, 0, 1], np.float32))
    sim = env.unwrapped.sim
    distance = np.linalg.norm(sim.block_pos - sim.tcp_pos)
    lift = np.clip(sim.lift / 0.1, 0, 1)
    assert reward == pytest.approx(0.3 * np.exp(-20 * distance) + 0.7 * lift)
    assert 0.0 < reward < 0.3
    env.close()


def test_cube_leaving_the_table_area_terminates():
    env = _make()
    env.reset(seed=0)
    sim = env.unwrapped.sim
    sim.data.qpos[sim.model.joint('block').qposadr[0] + 1] = 0.21  # y beyond 0.2
    _, reward, terminated, _, info = env.step(np.array([0, 0, 0, 1], np.float32))
    assert terminated and reward == 0.0 and not info['succeed']
    env.close()


def test_time_limit_truncates_at_100_steps():
    env = _make()
    env.reset(seed=0)
    for step in range(1, 101):
        _, _, terminated, truncated, _ = env.step(np.array([0, 0, 0, 1], np.float32))
        assert not terminated
        assert truncated == (step == 100)
    env.close()


def test_human_outcome_ends_the_episode():
    sim = pick_cube.PickCubeSim()
    assert sim.end_episode(True) == pick_cube.StepResult(1.0, True, True, {'succeed': True})
    assert sim.end_episode(False).reward == 0.0
    sim.close()


def test_bad_kwargs():
    with pytest.warns(UserWarning, match='unknown arguments'):
        env = gym.make(EE, use_viewer=True, image_obs=False)
    env.close()
    with pytest.raises(ValueError, match='reward_type'):
        gym.make(EE, reward_type='shaped')
    with pytest.raises(ValueError, match='control_dt'):
        gym.make(EE, control_dt=0.0)
    with pytest.raises(ValueError, match='render_mode'), warnings.catch_warnings():
        warnings.simplefilter('ignore')  # gymnasium's own note about the unknown mode
        gym.make(EE, render_mode='video')


def test_human_render_needs_a_display(monkeypatch):
    monkeypatch.delenv('DISPLAY', raising=False)
    monkeypatch.delenv('WAYLAND_DISPLAY', raising=False)
    with pytest.raises(RuntimeError, match='needs a display'):
        gym.make(EE, render_mode='human')


def test_control_dt_sets_the_substeps():
    env = _make(control_dt=0.05)
    assert env.unwrapped.sim.substeps == 25 and env.metadata['render_fps'] == 20
    env.reset(seed=0)
    env.step(np.array([0, 0, 0, 1], np.float32))
    assert env.unwrapped.sim.time == pytest.approx(0.05)
    env.close()
