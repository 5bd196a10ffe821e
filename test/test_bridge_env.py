# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The gym bridge against real sim nodes over DDS.

The contract, determinism against the direct env, the synthetic human overriding through `joy`
alone, and every failure mode the issue names: no sim, a mismatched sim, a dying sim, close().
"""

import os
import signal
import sys
import threading
import time
import warnings

from franka_hil_common import actions as ee_action
from franka_hil_gym_bridge.env import FrankaHilRosEnv
from franka_hil_gym_bridge.remote_sim import SimMismatch
from franka_hil_gym_bridge.remote_sim_link import LinkClosed, SimUnavailable
import franka_hil_msgs.msg as hil
from franka_hil_sim.bringup.supervisor import parameter_text
from franka_hil_sim.node.messages import intervention_command
import gymnasium as gym
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env
import numpy as np
import pytest

ENV_ID = 'franka_hil_ros/PandaPickCube-v0'
AGENT = spaces.Box(-np.inf, np.inf, (18,), dtype=np.float32)
IMAGE = spaces.Box(0, 255, (128, 128, 3), dtype=np.uint8)
EE_ACTIONS = spaces.Box(
    np.array([-1, -1, -1, 0], dtype=np.float32),
    np.array([1, 1, 1, 2], dtype=np.float32),
    dtype=np.float32,
)
ZERO = np.zeros(4, dtype=np.float32)
HUMAN_TIMEOUT_S = 10.0
# sim_node (multi-threaded executor) stalls up to seconds per step while a human publishes.
SLOW_STEP_S = 30.0
CONTROL_DT = 0.1


def namespace(name):
    """Return a namespace no other test run uses."""
    return f'/bridge_{os.getpid()}_{name}'


def start_node(start_process, module, ns, **parameters):
    """Start the node `package.module` in `ns` with `parameters`."""
    args = [sys.executable, '-m', module, '--ros-args', '-r', f'__ns:={ns}']
    for name, value in parameters.items():
        args += ['-p', f'{name}:={parameter_text(value)}']
    return start_process(args, name=module.rpartition('.')[2])


def start_sim(start_process, ns, **parameters):
    """Start sim_node in `ns` with `parameters`; return once it serves."""
    sim = start_node(start_process, 'franka_hil_sim.node.sim_node', ns, **parameters)
    sim.wait_for_output('ready:', timeout=60)
    return sim


def start_human(start_process, ns):
    """
    Start teleop_node and the synthetic human in `ns`; return the human's process.

    A loaded machine may stall a step for longer than the default 0.5 s timeouts of the override;
    the tests check what the bridge reports, so they give the human 10 s.
    """
    start_node(start_process, 'franka_hil_teleop.teleop_node', ns, joy_timeout=HUMAN_TIMEOUT_S)
    return start_node(start_process, 'franka_hil_teleop.synthetic_human_node', ns)


def random_actions(seed, count):
    rng = np.random.default_rng(seed)
    return [rng.uniform([-1, -1, -1, 0], [1, 1, 1, 2]).astype(np.float32) for _ in range(count)]


def assert_same(obs, expected):
    assert obs.keys() == expected.keys()
    for key, value in obs.items():
        if isinstance(value, dict):
            assert_same(value, expected[key])
        else:
            assert value.dtype == expected[key].dtype
            np.testing.assert_array_equal(value, expected[key], err_msg=key)


# Contract and determinism ----------------------------------------------------------------------


@pytest.mark.parametrize('image_obs', [False, True])
def test_check_env_contract_spaces_and_same_run_as_direct(start_process, image_obs):
    ns = namespace(f'contract_{int(image_obs)}')
    start_sim(start_process, ns, image_obs=image_obs, random_block_position=True)
    env = gym.make(
        ENV_ID,
        namespace=ns,
        image_obs=image_obs,
        random_block_position=True,
        render_mode='rgb_array',
    )
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the contract's inf bounds and [0, 2] gripper range
        check_env(env.unwrapped, skip_render_check=False)
    if image_obs:
        expected_space = spaces.Dict(
            {'agent_pos': AGENT, 'pixels': spaces.Dict({'front': IMAGE, 'wrist': IMAGE})}
        )
    else:
        expected_space = spaces.Dict(
            {
                'agent_pos': AGENT,
                'environment_state': spaces.Box(-np.inf, np.inf, (3,), dtype=np.float32),
            }
        )
    assert env.observation_space == expected_space
    assert env.action_space == EE_ACTIONS

    direct = gym.make(
        'franka_hil/PandaPickCube-v0',
        image_obs=image_obs,
        random_block_position=True,
        render_mode='rgb_array',
    )
    for seed in (3, 4):
        obs, info = env.reset(seed=seed)
        expected, _ = direct.reset(seed=seed)
        assert_same(obs, expected)
        assert info['seed'] == seed
        for action in random_actions(seed, 12):
            obs, reward, terminated, truncated, info = env.step(action)
            expected, reward_d, terminated_d, truncated_d, info_d = direct.step(action)
            assert_same(obs, expected)
            assert (reward, terminated, truncated) == (reward_d, terminated_d, truncated_d)
            assert info['succeed'] == info_d['succeed']
            assert info['discrete_penalty'] == pytest.approx(info_d['discrete_penalty'])
            assert not info['is_intervention'] and not info['rerecord_episode']
            np.testing.assert_array_equal(info['teleop_action'], action)
            np.testing.assert_array_equal(info['action_intervention'], action)
        np.testing.assert_array_equal(env.render(), direct.render())
    env.close()
    direct.close()


def test_truncation_once_and_the_sims_gripper_penalty(start_process):
    ns = namespace('truncation')
    start_sim(start_process, ns, gripper_penalty=-0.02)
    with pytest.raises(SimMismatch, match=r'gripper_penalty=-0.02 \(the env wants -0.05\)'):
        gym.make(ENV_ID, namespace=ns)  # the penalty is the sim's: it must be the env's too
    env = gym.make(ENV_ID, namespace=ns, gripper_penalty=-0.02)
    env.reset(seed=0)
    close, hold, open_ = (np.array([0, 0, 0, g], dtype=np.float32) for g in (2, 1, 0))
    penalties = [env.step(a)[4]['discrete_penalty'] for a in (close, close, hold, open_, open_)]
    assert penalties == [-0.02, 0.0, 0.0, -0.02, 0.0]  # exactly, as gym-hil's Python float

    env.reset(seed=0)
    ends = []
    for step in range(1, 101):
        _, _, terminated, truncated, info = env.step(hold)
        if terminated or truncated:
            ends.append((step, terminated, truncated, info['next.success']))
    assert ends == [(100, False, True, False)]
    with pytest.raises(RuntimeError, match='call reset'):
        env.unwrapped.step(hold)  # the sim refuses; gymnasium's TimeLimit would not see it
    env.reset()
    assert not env.step(hold)[3]
    env.close()
    with pytest.warns(UserWarning, match=f'nobody publishes {ns}/intervention'):
        gym.make('franka_hil_ros/PandaPickCubeGamepad-v0', namespace=ns).close()


# The human in the graph --------------------------------------------------------------------------


class GraphWatcher:
    """The test's view of a namespace: interventions and step_info as the sim publishes them."""

    def __init__(self, ros_node, spin, ns):
        self.node, self.spin, self.ns = ros_node, spin, ns
        self.interventions = []
        self.step_infos = {}
        ros_node.create_subscription(
            hil.Intervention, f'{ns}/intervention', self.interventions.append, 100
        )
        ros_node.create_subscription(
            hil.StepInfo,
            f'{ns}/step_info',
            lambda m: self.step_infos.__setitem__((m.episode, m.step), m),
            100,
        )
        self.events = ros_node.create_publisher(hil.EpisodeEvent, f'{ns}/episode_event', 100)
        self.next_step = 0.0

    def wait_for_intervention(self, count, what, timeout=15):
        self.spin(self.node, lambda: len(self.interventions) > count, timeout=timeout, what=what)

    def pace(self, count, what, timeout=15):
        """
        Wait for the human's next command, then for the next control period.

        The env is stepped at its control rate, as LeRobot's actor does, so the human reacts to
        each observation before the next step (faster, its commands would lag behind).
        """
        self.wait_for_intervention(count, what, timeout)
        self.spin(
            self.node,
            lambda: time.monotonic() >= self.next_step,
            timeout=15,
            what='the next control period',
        )
        self.next_step = time.monotonic() + CONTROL_DT

    def wait_for_human(self, env, timeout=30):
        """
        Play a warm-up episode: step until the sim executes a human command, then to its end.

        Once the sim executes one, the whole chain is connected; a finished episode also lets
        the synthetic human see the next reset as a new episode.
        """
        deadline = time.monotonic() + timeout
        env.reset()
        while True:
            count = len(self.interventions)
            _, _, terminated, truncated, info = env.step(ZERO)
            if terminated or truncated:
                if info['is_intervention']:
                    return
                env.reset()
            try:
                self.pace(count, 'the human', timeout=0.5)
            except AssertionError:
                if time.monotonic() > deadline:
                    raise

    def wait_for_command(self, first, action, step):
        """Wait until the human's commands since index `first` include `action`."""
        self.spin(
            self.node,
            lambda: any(
                np.array_equal(action, human_action(m))
                for m in self.interventions[first:]
                if m.active
            ),
            timeout=15,
            what=lambda: f'the human command {action} executed at step {step}',
        )

    def step_info(self, episode, step):
        self.spin(
            self.node,
            lambda: (episode, step) in self.step_infos,
            timeout=15,
            what=f'step_info of episode {episode} step {step}',
        )
        return self.step_infos[(episode, step)]


def human_action(msg):
    """Return the EE action an Intervention commands (what the sim executes for it)."""
    _, linear, gripper = intervention_command(msg)
    return ee_action.twist_to_action(linear, gripper)


def play_episode_with_human(env, watcher, seed):
    """
    Send zero actions, one per human reaction, and check info against the graph at every step.

    The executed action must be one the human commanded (it may reach this test after the sim).
    Returns (steps, final reward, final info).
    """
    first = max(0, len(watcher.interventions) - 2)
    count = len(watcher.interventions)
    _, info = env.reset(seed=seed)
    episode = info['episode']
    watcher.pace(count, 'the human to react to the reset')
    for step in range(1, 101):
        count = len(watcher.interventions)
        _, reward, terminated, truncated, info = env.step(ZERO)
        published = watcher.step_info(episode, step)
        assert info['is_intervention'] and published.is_intervention, step
        np.testing.assert_array_equal(info['teleop_action'], published.action)
        np.testing.assert_array_equal(info['action_intervention'], info['teleop_action'])
        np.testing.assert_array_equal(info['policy_action'], ZERO)
        assert (reward, terminated, truncated) == (
            published.reward,
            published.terminated,
            published.truncated,
        )
        assert info['discrete_penalty'] == pytest.approx(published.discrete_penalty)
        watcher.wait_for_command(first, info['teleop_action'], step)
        watcher.pace(count, f'the human to react to step {step}')
        if terminated or truncated:
            return step, reward, info
    raise AssertionError('the episode did not end within 100 steps')


def test_synthetic_human_drives_episodes_through_joy_alone(start_process, ros_node, spin):
    ns = namespace('human')
    start_sim(start_process, ns, random_block_position=True, intervention_timeout=HUMAN_TIMEOUT_S)
    human = start_human(start_process, ns)
    watcher = GraphWatcher(ros_node, spin, ns)
    env = gym.make(ENV_ID, namespace=ns, random_block_position=True, timeout=SLOW_STEP_S)
    watcher.wait_for_human(env)
    for seed in (1, 2):
        steps, reward, info = play_episode_with_human(env, watcher, seed)
        assert reward == 1.0 and info['succeed'] and info['next.success'], (steps, info)
        assert not info['rerecord_episode']

    # The human lets go: the policy's actions run again, reported as such.
    human.stop(signal.SIGINT)
    spin(
        ros_node,
        lambda: not watcher.interventions[-1].active,
        timeout=15,
        what='the released intervention',
    )
    policy = np.array([0.5, 0.0, 0.0, 1.0], dtype=np.float32)
    env.reset(seed=3)
    _, _, _, _, info = env.step(policy)
    assert not info['is_intervention']
    np.testing.assert_array_equal(info['teleop_action'], policy)

    # Human episode events end the episode per contract: failure pays 0, re-record is flagged.
    spin(
        ros_node,
        lambda: watcher.events.get_subscription_count() > 0,
        timeout=15,
        what='the sim to subscribe to episode_event',
    )
    for event, check in (
        (hil.EpisodeEvent.FAILURE, lambda r, i: r == 0.0 and not i['succeed']),
        (hil.EpisodeEvent.RERECORD, lambda r, i: i['rerecord_episode']),
    ):
        env.reset()
        watcher.events.publish(hil.EpisodeEvent(event=event, source='test'))
        for _ in range(50):
            _, reward, terminated, truncated, info = env.step(policy * 0)
            if terminated or truncated:
                break
        assert terminated and not truncated and info['human_event'] == event
        assert check(reward, info) and 'next.success' in info
    env.close()


def test_embedded_sim_node_publishes_and_takes_the_human_override(start_process, ros_node, spin):
    ns = namespace('hosted')
    env = FrankaHilRosEnv(
        backend='embedded',
        publish=True,
        namespace=ns,
        random_block_position=True,
        intervention_timeout=HUMAN_TIMEOUT_S,
    )
    start_human(start_process, ns)
    watcher = GraphWatcher(ros_node, spin, ns)
    watcher.wait_for_human(env)
    steps, reward, info = play_episode_with_human(env, watcher, seed=5)
    assert reward == 1.0 and info['succeed'] and info['next.success'], (steps, info)
    env.close()


# Failure modes ---------------------------------------------------------------------------------


def test_no_sim_is_an_error_within_5_s_naming_the_service(ros_env):
    ns = namespace('nobody')
    start = time.monotonic()
    with pytest.raises(SimUnavailable) as error:
        ros_env(gym.make, ENV_ID, namespace=ns)
    assert time.monotonic() - start < 5.0
    message = str(error.value)
    assert f'{ns}/step' in message and f'{ns}/reset' in message
    assert 'bringup' in message and 'sim_node' in message and 'pick_cube.launch.py' in message


def test_mismatched_sim_parameters_are_refused(start_process):
    ns = namespace('mismatch')
    start_sim(start_process, ns)
    with pytest.raises(SimMismatch) as error:
        gym.make(ENV_ID, namespace=ns, image_obs=True, reward_type='dense')
    message = str(error.value)
    assert 'image_obs=False (the env wants True)' in message
    assert "reward_type='sparse' (the env wants 'dense')" in message
    assert f'sim_node --ros-args -r __ns:={ns} -p image_obs:=true -p reward_type:=dense' in message


def test_sim_death_is_an_error_within_5_s_and_a_restarted_sim_resets(start_process):
    ns = namespace('death')
    sim = start_sim(start_process, ns, random_block_position=True)
    env = gym.make(ENV_ID, namespace=ns, random_block_position=True)
    env.reset(seed=1)
    for action in random_actions(0, 5):
        env.step(action)
    sim.proc.kill()
    start = time.monotonic()
    with pytest.raises(SimUnavailable, match=f'{ns}/step'):
        env.step(ZERO)
    elapsed = time.monotonic() - start
    print(f'sim killed -> SimUnavailable after {elapsed:.2f} s')
    assert elapsed < 5.0

    start_sim(start_process, ns, random_block_position=True)
    direct = gym.make('franka_hil/PandaPickCube-v0', random_block_position=True)
    obs, _ = env.reset(seed=9)
    assert_same(obs, direct.reset(seed=9)[0])
    for action in random_actions(9, 5):
        assert_same(env.step(action)[0], direct.step(action)[0])
    env.close()
    direct.close()


def test_a_step_that_timed_out_never_runs_later(start_process, ros_node, spin):
    ns = namespace('paused')
    sim = start_sim(start_process, ns)
    infos = []
    ros_node.create_subscription(hil.StepInfo, f'{ns}/step_info', infos.append, 100)
    env = gym.make(ENV_ID, namespace=ns, timeout=1.0)
    env.reset(seed=0)
    hold = np.array([0, 0, 0, 1], dtype=np.float32)

    steps = []

    def stepped():  # until the sim has discovered the test's subscription
        env.step(hold)
        steps.append(1)
        ros_node.executor_for_test.spin_once(timeout_sec=0.2)
        return infos

    spin(ros_node, stepped, 20, 'a step_info')
    last = len(steps)
    spin(ros_node, lambda: infos[-1].step == last, 10, 'the step_info of the last step')
    sim.proc.send_signal(signal.SIGSTOP)  # the simulator hangs ...
    spin(ros_node, sim.halted, 10, 'the simulator to stop')  # ... before
    start = time.monotonic()
    try:
        with pytest.raises(SimUnavailable, match='did not answer'):
            env.step(np.array([1, 0, 0, 1], dtype=np.float32))
        waited = time.monotonic() - start
    finally:
        sim.proc.send_signal(signal.SIGCONT)
    print(f'paused simulator -> SimUnavailable after {waited:.2f} s (timeout 1.0 s)')
    assert waited < 3.0
    with pytest.raises(SimUnavailable, match=r'call reset\(\) first'):
        env.step(hold)  # the env does not go on as if nothing happened
    # Once the simulator runs again, DDS may deliver the stale request (with Fast DDS at once,
    # seconds later, or, once reset() drops the old link, never): the simulator refuses it as
    # past its deadline (test_sim_node checks that refusal); here no step is executed unseen.
    env.reset(seed=0)
    for _ in range(3):
        env.step(hold)
    spin(ros_node, lambda: (infos[-1].episode, infos[-1].step) == (2, 3), 10, 'episode 2')
    assert [i.step for i in infos if i.episode == 1][-1] == last
    assert [i.step for i in infos if i.episode == 2] == [1, 2, 3]
    print(
        'the stale request reached the simulator and was refused'
        if 'deadline passed' in sim.output()
        else 'the stale request was not delivered'
    )
    env.close()


def test_close_wakes_a_blocked_step_and_releases_everything(start_process, ros_node, spin):
    ns = namespace('close')
    sim = start_sim(start_process, ns)
    threads_before = set(threading.enumerate())
    env = gym.make(ENV_ID, namespace=ns)
    node_name = env.unwrapped.sim.link.node.get_name()
    spin(
        ros_node,
        lambda: node_name in ros_node.get_node_names(),
        timeout=15,
        what='the env node in the graph',
    )
    env.reset(seed=0)

    # The sim stops answering; close() from this thread must not wait for the step's timeout.
    sim.proc.send_signal(signal.SIGSTOP)
    spin(ros_node, sim.halted, 10, 'the simulator to stop')
    outcome, stepping = [], threading.Event()

    def step():
        stepping.set()
        try:
            env.step(ZERO)
        except Exception as error:  # noqa: B902  (the test reports whatever it was)
            outcome.append(error)

    stepper = threading.Thread(target=step)
    stepper.start()
    assert stepping.wait(5)
    time.sleep(0.5)  # let the step block (either order passes; this exercises the wake-up)
    start = time.monotonic()
    env.close()
    stepper.join(2.0)
    sim.proc.send_signal(signal.SIGCONT)
    assert not stepper.is_alive() and time.monotonic() - start < 2.0
    assert len(outcome) == 1 and isinstance(outcome[0], (LinkClosed, RuntimeError)), outcome
    assert not isinstance(outcome[0], SimUnavailable)

    assert set(threading.enumerate()) == threads_before
    assert not env.unwrapped.sim
    spin(
        ros_node,
        lambda: node_name not in ros_node.get_node_names(),
        timeout=15,
        what='the env node to leave the graph',
    )
    env.close()  # idempotent


# The pixel ids: the cameras' image_raw and agent_pos, nothing of the cube -------------------

PIXEL_SPACE = spaces.Dict(
    {'agent_pos': AGENT, 'pixels': spaces.Dict({'front': IMAGE, 'wrist': IMAGE})}
)
# every info key the policy may get: outcome, override, penalty; none holds a position
INFO_KEYS = {
    'succeed',
    'discrete_penalty',
    'is_intervention',
    'teleop_action',
    'action_intervention',
    'policy_action',
    'rerecord_episode',
    'human_event',
    'physics_error',
    'next.success',
}


@pytest.mark.parametrize(
    'env_id',
    ['franka_hil_ros/PandaPickCubePixelsRandom-v0', 'gym_hil/FrankaHilPickCubePixelsRandom-v0'],
)
def test_registered_kwargs_force_pixels(env_id):
    kwargs = gym.spec(env_id).kwargs
    assert kwargs['pixel_obs'] and kwargs['random_block_position']


def test_state_and_pixel_obs_together_are_refused():
    with pytest.raises(ValueError, match='pick one'):
        FrankaHilRosEnv(state_obs=True, pixel_obs=True, backend='embedded')


def test_embedded_pixel_env_ignores_image_obs_false():
    env = FrankaHilRosEnv(
        pixel_obs=True, image_obs=False, backend='embedded', random_block_position=True
    )
    assert env.observation_space == PIXEL_SPACE
    obs, _ = env.reset(seed=1)
    assert set(obs) == {'agent_pos', 'pixels'}
    env.close()


def test_graph_pixel_env_matches_direct_and_info_holds_no_position(start_process):
    ns = namespace('pixels')
    start_sim(start_process, ns, image_obs=True, random_block_position=True)
    env = gym.make('franka_hil_ros/PandaPickCubePixelsRandom-v0', namespace=ns, image_obs=False)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the contract's inf bounds and [0, 2] gripper range
        check_env(env.unwrapped)
    assert env.observation_space == PIXEL_SPACE
    direct = gym.make('franka_hil/PandaPickCubePixelsRandom-v0')
    obs, info = env.reset(seed=5)
    expected, _ = direct.reset(seed=5)
    assert_same(obs, expected)
    assert set(info) <= {'seed', 'episode'}
    for action in random_actions(5, 8):
        obs, reward, terminated, truncated, info = env.step(action)
        assert_same(obs, direct.step(action)[0])
        assert set(info) <= INFO_KEYS
        for value in info.values():
            assert np.size(value) in (1, 4)  # flags, numbers, 4-D actions: no xyz anywhere
    env.close()
    direct.close()
