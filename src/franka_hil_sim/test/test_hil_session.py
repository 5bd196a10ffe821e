# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
HilSession without ROS: it must be the direct env plus the human, nothing else.

Every test compares against gym.make('franka_hil/PandaPickCube-v0') (or the base id) fed the
actions the session reports as executed, so arbitration and episode rules are checked on real
physics. Interventions are dated with an injected clock: no test waits for wall time.
"""

import threading

from franka_hil_common import actions
from franka_hil_common.events import FAILURE, RERECORD, SUCCESS
from franka_hil_common.task import CONTROL_DT, SessionConfig
import franka_hil_sim  # noqa: F401  (registers the ids)
from franka_hil_sim.core.session import HilSession, Refused
from franka_hil_sim.node import telemetry
from franka_hil_sim.node.messages import parse_options
import gymnasium as gym
import mujoco
import numpy as np
import pytest

EE_ID, BASE_ID = 'franka_hil/PandaPickCube-v0', 'franka_hil/PandaPickCubeBase-v0'
HOLD = np.array([0.0, 0.0, 0.0, 1.0], dtype=np.float32)


class FakeClock:
    """Monotonic seconds the test sets by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def make(clock=None, **config):
    session = HilSession(SessionConfig(**config), clock=clock or FakeClock())
    return session


def env_for(session):
    c = session.config
    kwargs = {
        'image_obs': c.image_obs,
        'reward_type': c.reward_type,
        'seed': c.seed,
        'random_block_position': c.random_block_position,
    }
    if c.action_space == 'ee':
        return gym.make(
            EE_ID, use_gripper=c.use_gripper, gripper_penalty=c.gripper_penalty, **kwargs
        )
    return gym.make(BASE_ID, **kwargs)


def assert_same_observation(a, b):
    assert a.keys() == b.keys()
    for key in a:
        if key == 'pixels':
            assert_same_observation(a[key], b[key])
        else:
            np.testing.assert_array_equal(a[key], b[key])


def random_actions(seed, count, shape=(4,), scale=1.0):
    """Seeded actions; base actions move like EE ones (metres, grasp in {-1, 0, 1})."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        action = rng.uniform(-scale, scale, shape).astype(np.float32)
        if shape == (4,):
            action[3] = rng.integers(0, 3)
        if shape == (7,):
            action[:3] *= actions.EE_STEP
            action[6] = rng.integers(-1, 2)
        yield action


@pytest.mark.parametrize(
    'config',
    [
        {'random_block_position': True, 'seed': 5},
        {'action_space': 'base', 'reward_type': 'dense', 'random_block_position': True},
        {'use_gripper': False, 'gripper_penalty': -0.02},
    ],
)
def test_session_is_the_direct_env_step_for_step(config):
    session = make(**config)
    env = env_for(session)
    shape = session.action_shape
    # First reset without a seed uses config.seed; the second continues the stream; the third
    # is seeded explicitly; the first episode (small moves) runs into the TimeLimit.
    for episode, seed in enumerate((None, None, 11)):
        observation, info = session.reset(seed=seed)
        expected, _ = env.reset(seed=seed)
        assert_same_observation(observation, expected)
        assert info['episode'] == episode + 1
        assert info['block_start'] == pytest.approx(
            expected.get('environment_state', session.sim.block_pos).tolist(), abs=1e-6
        )
        actions = (
            random_actions(episode, 100, shape, 0.2)
            if episode == 0
            else random_actions(episode, 15, shape)
        )
        for count, action in enumerate(actions, start=1):
            outcome = session.step(action)
            obs, reward, terminated, truncated, env_info = env.step(action)
            assert_same_observation(outcome.observation, obs)
            assert (outcome.reward, outcome.terminated, outcome.truncated) == (
                reward,
                terminated,
                truncated,
            )
            assert outcome.info['succeed'] == env_info['succeed']
            assert outcome.info['discrete_penalty'] == env_info.get('discrete_penalty', 0.0)
            assert not outcome.info['is_intervention']
            np.testing.assert_array_equal(outcome.info['teleop_action'], action)
            np.testing.assert_array_equal(outcome.info['policy_action'], action)
            assert (outcome.episode, outcome.step) == (episode + 1, count)
            if terminated or truncated:
                assert outcome.info['next.success'] == env_info['succeed']
                break
            assert 'next.success' not in outcome.info
        if episode == 0:
            assert outcome.truncated and outcome.step == 100
    env.close()
    session.close()


def test_first_reset_uses_the_configured_seed():
    a, b = make(random_block_position=True, seed=42), make(random_block_position=True)
    obs_a, info_a = a.reset()
    obs_b, _ = b.reset(seed=42)
    assert info_a['seed'] == 42
    assert_same_observation(obs_a, obs_b)
    a.close()
    b.close()


def test_sim_clock_advances_a_control_period_per_step_and_reset_never_back():
    session = make(max_episode_steps=3)
    period = session.control_dt_ns
    assert period == 100_000_000 and session.sim_time_ns == 0
    stamps = []
    for _ in range(3):
        session.reset()
        stamps.append(session.sim_time_ns)
        while session.episode_running:
            stamps.append(session.step(HOLD).stamp_ns)
    assert np.all(np.diff(stamps) == period) and len(stamps) == 12
    session.close()


@pytest.mark.parametrize(
    'action_space, use_gripper', [('ee', True), ('ee', False), ('base', True)]
)
def test_fresh_intervention_replaces_the_policy_action(action_space, use_gripper):
    clock = FakeClock()
    session = make(
        clock, action_space=action_space, use_gripper=use_gripper, intervention_timeout=0.5
    )
    env = env_for(session)
    session.reset()
    env.reset()
    policy = session.hold_action()
    linear, gripper = (0.1, -0.05, 0.3), actions.GRIPPER_CLOSE
    session.set_intervention(True, linear, gripper)
    ee = actions.twist_to_action(
        linear,
        gripper,
        actions.EE_STEP,
        CONTROL_DT,
        use_gripper=use_gripper or action_space == 'base',
    )
    human = actions.ee_to_base(ee).astype(np.float32) if action_space == 'base' else ee
    np.testing.assert_allclose(ee[:3], (0.4, -0.2, 1.0), rtol=1e-6)  # 0.3 m/s clips to 1
    for age in (0.0, 0.5):  # fresh up to and including the timeout
        clock.now += age
        outcome = session.step(policy)
        expected, reward, *_ = env.step(human)
        assert outcome.info['is_intervention']
        np.testing.assert_array_equal(outcome.info['teleop_action'], human)
        np.testing.assert_array_equal(outcome.info['action_intervention'], human)
        np.testing.assert_array_equal(outcome.info['policy_action'], policy)
        assert_same_observation(outcome.observation, expected)
    clock.now += 0.01  # now older than the timeout: released
    outcome = session.step(policy)
    expected, *_ = env.step(policy)
    assert not outcome.info['is_intervention']
    np.testing.assert_array_equal(outcome.info['teleop_action'], policy)
    assert_same_observation(outcome.observation, expected)
    session.set_intervention(False)  # an explicit release, fresh
    assert not session.step(policy).info['is_intervention']
    session.close()
    env.close()


def test_a_silent_command_drives_the_steps_that_start_within_its_timeout_of_sim_time():
    session = make(FakeClock(), intervention_timeout=0.5)  # the wall clock stands still
    session.reset()
    session.set_intervention(True, (0.1, 0.0, 0.0))
    overridden = [session.step(session.hold_action()).info['is_intervention'] for _ in range(8)]
    # Steps starting 0.0 .. 0.4 s after it arrived: 0.5 s of sim time, not a sixth step at 0.5.
    assert overridden == [True] * 5 + [False] * 3
    session.close()


def test_an_override_belongs_to_its_episode():
    session = make(FakeClock(), intervention_timeout=0.5)
    session.reset()
    session.step(session.hold_action())
    answered = session.sim_time_ns  # the state a human answers, late
    assert session.set_intervention(True, (0.1, 0.0, 0.0), stamp_ns=answered)
    session.reset()  # the held override, fresh by both clocks, is dropped
    assert not session.step(session.hold_action()).info['is_intervention']
    # One answering a state of the episode before is not taken; one of this episode is.
    assert not session.set_intervention(True, (0.1, 0.0, 0.0), stamp_ns=answered)
    assert not session.step(session.hold_action()).info['is_intervention']
    assert session.set_intervention(True, (0.1, 0.0, 0.0), stamp_ns=session.sim_time_ns)
    assert session.step(session.hold_action()).info['is_intervention']
    session.close()


def test_an_override_taken_before_the_first_episode_is_for_it():
    session = make()
    # A person who takes over as the simulator starts (wall-clock stamps, or none) drives it.
    assert session.set_intervention(True, (0.1, 0.0, 0.0), stamp_ns=1_800_000_000 * 10**9)
    session.reset()
    assert session.step(session.hold_action()).info['is_intervention']
    # Between two episodes an override is the ended one's, even a held one: a reset drops it.
    while not session.step(session.hold_action()).truncated:
        pass
    assert session.set_intervention(True, (0.1, 0.0, 0.0))
    session.reset()
    assert not session.step(session.hold_action()).info['is_intervention']
    session.close()


def test_bad_intervention_is_refused_and_keeps_the_previous_one():
    session = make()
    session.reset()
    session.set_intervention(True, (0.25, 0.0, 0.0), actions.GRIPPER_STAY)
    for linear, gripper in (((np.nan, 0, 0), 1), ((0, 0), 1), ((0, 0, 0), 7)):
        with pytest.raises(Refused, match='intervention refused'):
            session.set_intervention(True, linear, gripper)
    outcome = session.step(HOLD)
    assert outcome.info['is_intervention'] and outcome.info['teleop_action'][0] == 1.0
    session.close()


@pytest.mark.parametrize('event, reward, success', [(SUCCESS, 1.0, True), (FAILURE, 0.0, False)])
def test_human_verdict_ends_the_episode_at_the_next_step(event, reward, success):
    session = make(reward_type='dense')  # dense: the task's own reward is never 0 or 1
    session.reset()
    assert session.step(HOLD).reward not in (0.0, 1.0)
    assert session.queue_event(event)
    outcome = session.step(HOLD)
    assert outcome.terminated and not outcome.truncated
    assert outcome.reward == reward
    assert outcome.info['succeed'] is success and outcome.info['next.success'] is success
    assert outcome.info['human_event'] == event and not outcome.info['rerecord_episode']
    with pytest.raises(Refused, match=r'ended by the human .* call reset'):
        session.step(HOLD)
    session.close()


def test_rerecord_and_event_queue_rules():
    session = make()
    assert not session.queue_event(SUCCESS)  # no episode yet: ignored, logged
    session.reset()
    assert session.queue_event(RERECORD) and session.queue_event(SUCCESS)
    outcome = session.step(HOLD)
    assert outcome.terminated and outcome.info['rerecord_episode']
    assert outcome.info['human_event'] == RERECORD and outcome.ignored_events == ['success']
    assert not session.queue_event(FAILURE)  # the episode has ended
    with pytest.raises(Refused, match='unknown episode event'):
        session.queue_event(9)
    session.reset()
    assert not session.step(HOLD).terminated  # nothing left over from the last episode
    assert session.queue_event(SUCCESS)
    session.reset()  # an event queued but never stepped is dropped at reset
    assert session.step(HOLD).info['human_event'] == 0
    session.close()


def state_of(session):
    sim = session.sim
    return (
        sim.agent_pos(),
        sim.block_pos,
        sim.target_pos,
        session.sim_time_ns,
        session.step_count,
        session.episode,
    )


def assert_untouched(before, after):
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    'bad, message',
    [
        ([0.0, 0.0, 1.0], r'shape must be \(4,\)'),
        ([0.0, 0.0, np.nan, 1.0], 'non-finite'),
        ([np.inf, 0.0, 0.0, 1.0], 'non-finite'),
        (['a', 'b', 'c', 'd'], 'dtype'),
    ],
)
def test_bad_actions_are_refused_and_leave_the_state_untouched(bad, message):
    session = make()
    with pytest.raises(Refused, match='no episode running yet'):
        session.step(HOLD)
    session.reset()
    session.step(np.array([0.5, 0.2, -0.3, 2.0], dtype=np.float32))
    before = state_of(session)
    with pytest.raises(Refused, match=message):
        session.step(bad)
    assert_untouched(before, state_of(session))
    session.step(HOLD)  # still serving
    session.close()


@pytest.mark.parametrize(
    'seed, options, message',
    [
        (-1, None, 'seed must be'),
        (1.5, None, 'seed must be'),
        (True, None, 'seed must be'),
        (None, [1], 'options must be a dict'),
    ],
)
def test_bad_resets_are_refused(seed, options, message):
    session = make()
    session.reset()
    before = state_of(session)
    with pytest.raises(Refused, match=message):
        session.reset(seed=seed, options=options)
    assert_untouched(before, state_of(session))
    session.close()


def test_parse_options():
    assert parse_options('') is None and parse_options('  ') is None
    assert parse_options('{"a": 1}') == {'a': 1}
    with pytest.raises(ValueError, match='not valid JSON'):
        parse_options('{a')
    with pytest.raises(ValueError, match='JSON object'):
        parse_options('[1]')
    with pytest.raises(ValueError, match='not valid JSON'):
        parse_options('[' * 100_000 + ']' * 100_000)


def test_physics_blow_up_ends_the_episode_and_reset_recovers():
    session = make()
    env = env_for(session)
    session.reset(seed=3)
    session.sim.data.qvel[:7] = 1e12
    outcome = session.step(HOLD)
    assert outcome.terminated and outcome.info['physics_error'] and outcome.reward == 0.0
    assert np.isfinite(outcome.observation['agent_pos']).all()
    with pytest.raises(Refused, match='physics error'):
        session.step(HOLD)
    observation, _ = session.reset(seed=3)
    assert_same_observation(observation, env.reset(seed=3)[0])
    for action in random_actions(1, 5):
        assert_same_observation(session.step(action).observation, env.step(action)[0])
    session.close()
    env.close()


def test_invalid_configuration_names_every_problem():
    config = SessionConfig(
        reward_type='shaped',
        action_space='joint',
        seed=-3,
        max_episode_steps=0,
        gripper_penalty=0.5,
        intervention_timeout=float('nan'),
        use_gripper='yes',
    )
    problems = config.problems()
    for name in (
        'reward_type',
        'action_space',
        'seed',
        'max_episode_steps',
        'gripper_penalty',
        'intervention_timeout',
        'use_gripper',
    ):
        assert any(p.startswith(name) for p in problems), name
    with pytest.raises(ValueError, match='invalid session configuration'):
        HilSession(config)
    assert SessionConfig().problems() == []


def test_static_transforms_put_the_optical_frames_on_the_cameras():
    session = make()
    session.reset()
    poses = session.sim.body_poses()
    frames = {
        child: (parent, pos, quat)
        for parent, child, pos, quat in telemetry.static_transforms(
            session.sim, ('front', 'wrist')
        )
    }
    assert frames['panda_link0'][0] == 'world'
    for camera, parent in (('front', 'world'), ('wrist', 'panda_hand')):
        got_parent, pos, quat = frames[f'{camera}_optical_frame']
        assert got_parent == parent
        parent_pos, parent_quat = (
            poses[parent] if parent != 'world' else (np.zeros(3), np.array([1.0, 0.0, 0.0, 0.0]))
        )
        world_pos = parent_pos + rotate(parent_quat, pos)
        world_quat = np.zeros(4)
        mujoco.mju_mulQuat(world_quat, parent_quat, quat)
        cam = session.sim.data.camera(camera)
        np.testing.assert_allclose(world_pos, cam.xpos, atol=1e-6)
        # REP-103 optical frame: z along the MuJoCo camera's view (-z), y down (-y).
        mujoco_axes = cam.xmat.reshape(3, 3)
        np.testing.assert_allclose(rotate(world_quat, (0, 0, 1)), -mujoco_axes[:, 2], atol=1e-6)
        np.testing.assert_allclose(rotate(world_quat, (0, 1, 0)), -mujoco_axes[:, 1], atol=1e-6)
    session.close()


def rotate(quat, vector):
    out = np.zeros(3)
    mujoco.mju_rotVecQuat(out, np.asarray(vector, float), np.asarray(quat, float))
    return out


def test_rendering_works_from_any_thread():
    # Executor threads vary; an OpenGL context is current on one thread only.
    session = make()
    session.reset()
    images = []

    def render():
        with session.lock:
            images.append(telemetry.snapshot(session, ('front', 'wrist'), (96, 64)).images)

    for _ in range(2):
        thread = threading.Thread(target=render)
        thread.start()
        thread.join(timeout=60)
    images.append(telemetry.snapshot(session, ('front',)).images)
    assert [tuple(i['front'].shape) for i in images] == [(64, 96, 3), (64, 96, 3), (128, 128, 3)]
    assert images[0]['wrist'].std() > 0 and np.array_equal(images[0]['front'], images[1]['front'])
    session.close()


def test_intrinsics_scale_with_the_image_size():
    session = make()
    base = telemetry.camera_intrinsics(session.sim, 'front', (128, 128))
    wide = telemetry.camera_intrinsics(session.sim, 'front', (256, 64))
    assert wide['fy'] == pytest.approx(base['fy'] / 2) and wide['fx'] == wide['fy']
    assert (wide['cx'], wide['cy']) == (127.5, 31.5)
    session.close()
