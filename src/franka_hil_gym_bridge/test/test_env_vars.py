# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""FRANKA_HIL_* variables: how LeRobot (it passes gym-hil's kwargs only) launches or attaches."""

from pathlib import Path
from unittest import mock

from franka_hil_gym_bridge import env_vars
import gymnasium as gym
import pytest
import yaml

DEFAULTS = {'launch': False, 'namespace': '', 'teleop': 'none', 'mode': None}


def test_nothing_set_gives_the_defaults():
    assert env_vars.graph_settings(environ={}) == DEFAULTS
    assert env_vars.graph_settings(environ=dict.fromkeys(env_vars.VARIABLES, '')) == DEFAULTS
    assert env_vars.describe({}) == ''


@pytest.mark.parametrize(
    'text, launch',
    [
        ('1', True),
        ('true', True),
        ('YES', True),
        ('on', True),
        ('0', False),
        ('false', False),
        ('No', False),
        (' off ', False),
    ],
)
def test_launch_reads_the_usual_booleans(text, launch):
    assert env_vars.graph_settings(environ={'FRANKA_HIL_LAUNCH': text})['launch'] is launch


def test_variables_fill_what_no_kwarg_gives():
    environ = {
        'FRANKA_HIL_LAUNCH': '1',
        'FRANKA_HIL_NAMESPACE': '/lerobot',
        'FRANKA_HIL_TELEOP': 'script',
        'FRANKA_HIL_MODE': 'realtime',
    }
    assert env_vars.graph_settings(environ=environ) == {
        'launch': True,
        'namespace': '/lerobot',
        'teleop': 'script',
        'mode': 'realtime',
    }
    assert env_vars.describe(environ) == (
        'FRANKA_HIL_LAUNCH=1 FRANKA_HIL_NAMESPACE=/lerobot '
        'FRANKA_HIL_TELEOP=script FRANKA_HIL_MODE=realtime'
    )


def test_a_given_kwarg_wins_over_its_variable():
    environ = {
        'FRANKA_HIL_LAUNCH': '1',
        'FRANKA_HIL_NAMESPACE': '/lerobot',
        'FRANKA_HIL_TELEOP': 'script',
        'FRANKA_HIL_MODE': 'realtime',
    }
    settings = env_vars.graph_settings(
        launch=False, namespace='', teleop='gamepad', mode='lockstep', environ=environ
    )
    assert settings == {'launch': False, 'namespace': '', 'teleop': 'gamepad', 'mode': 'lockstep'}


@pytest.mark.parametrize(
    'name, text',
    [
        ('FRANKA_HIL_LAUNCH', 'maybe'),
        ('FRANKA_HIL_TELEOP', 'joystick'),
        ('FRANKA_HIL_MODE', 'fast'),
        ('FRANKA_HIL_NAMESPACE', 'a b'),
    ],
)
def test_bad_values_name_the_variable(name, text):
    with pytest.raises(ValueError, match=name):
        env_vars.graph_settings(environ={name: text})


def test_the_env_reads_them_when_made_with_lerobots_kwargs(monkeypatch):
    # What LeRobot's make_robot_env does: gym.make with gym-hil's kwargs only.
    monkeypatch.setenv('FRANKA_HIL_LAUNCH', '1')
    monkeypatch.setenv('FRANKA_HIL_NAMESPACE', '/lerobot')
    monkeypatch.setenv('FRANKA_HIL_TELEOP', 'script')
    launched = {}

    class Graph:
        def __init__(self, namespace, teleop, parameters, human=None, node_parameters=None):
            launched.update(
                namespace=namespace,
                teleop=teleop,
                parameters=parameters,
                human=human,
                node_parameters=node_parameters,
            )

        def check(self):
            pass

        def close(self):
            launched['closed'] = True

    class Sim:
        def __init__(
            self, config, namespace, timeout, connect_timeout, cameras, teleop, alive, mode
        ):
            launched.update(
                sim_namespace=namespace, connect_timeout=connect_timeout, sim_teleop=teleop
            )
            self.mode = 'lockstep'

        def close(self):
            pass

    with (
        mock.patch('franka_hil_gym_bridge.launcher.LaunchedGraph', Graph),
        mock.patch('franka_hil_gym_bridge.remote_sim.RemoteSim', Sim),
    ):
        env = gym.make(
            'gym_hil/FrankaHilPickCube-v0',
            image_obs=True,
            render_mode='human',
            use_gripper=True,
            gripper_penalty=-0.02,
        )
        env.close()
    assert launched['namespace'] == launched['sim_namespace'] == '/lerobot'
    assert launched['teleop'] == 'script' and launched['sim_teleop'] == 'none'
    # the launched sim runs the env's settings, LeRobot's gripper penalty included
    assert launched['parameters']['gripper_penalty'] == pytest.approx(-0.02)
    assert launched['parameters']['image_obs'] is True
    assert launched['connect_timeout'] == 60.0
    assert launched['closed']
    assert launched['human'] is None  # FRANKA_HIL_HUMAN unset: bringup's default
    assert launched['node_parameters'] == {}  # FRANKA_HIL_PARAMETERS unset


def test_human_names_the_launched_synthetic_humans_mode(monkeypatch):
    assert env_vars.human({}) is None and env_vars.human({'FRANKA_HIL_HUMAN': ' '}) is None
    assert env_vars.human({'FRANKA_HIL_HUMAN': 'corrective'}) == 'corrective'
    with pytest.raises(ValueError, match='FRANKA_HIL_HUMAN'):
        env_vars.human({'FRANKA_HIL_HUMAN': 'sometimes'})
    commands = []

    class Popen:
        def __init__(self, command, **kwargs):
            commands.append(command)

    monkeypatch.setattr('franka_hil_gym_bridge.launcher.bringup_executable', lambda: 'bringup')
    monkeypatch.setattr('subprocess.Popen', Popen)
    from franka_hil_gym_bridge.launcher import LaunchedGraph

    LaunchedGraph('/a', 'script', {}, human='corrective')
    LaunchedGraph('/b', 'script', {})
    assert commands[0][-1] == 'human:=corrective'
    assert not any(arg.startswith('human:=') for arg in commands[1])
    # what the env passes: FRANKA_HIL_HUMAN for a launched graph
    monkeypatch.setenv('FRANKA_HIL_LAUNCH', '1')
    monkeypatch.setenv('FRANKA_HIL_TELEOP', 'script')
    monkeypatch.setenv('FRANKA_HIL_HUMAN', 'corrective')
    launched = {}

    class Graph:
        def __init__(self, namespace, teleop, parameters, human=None, node_parameters=None):
            launched.update(
                human=human,
                random=parameters['random_block_position'],
                image_obs=parameters['image_obs'],
            )

        def check(self):
            pass

        def close(self):
            pass

    class Sim:
        def __init__(self, *args):
            self.mode = 'lockstep'

        def close(self):
            pass

    with (
        mock.patch('franka_hil_gym_bridge.launcher.LaunchedGraph', Graph),
        mock.patch('franka_hil_gym_bridge.remote_sim.RemoteSim', Sim),
    ):
        gym.make('gym_hil/FrankaHilPickCubeStateRandom-v0', image_obs=True).close()
    assert launched == {'human': 'corrective', 'random': True, 'image_obs': False}


def test_the_gamepad_id_keeps_its_teleop_and_embedded_reads_nothing(monkeypatch):
    monkeypatch.setenv('FRANKA_HIL_TELEOP', 'script')
    monkeypatch.setenv('FRANKA_HIL_LAUNCH', 'bogus')  # never read by the embedded backend
    seen = {}

    class Sim:
        def __init__(
            self, config, namespace, timeout, connect_timeout, cameras, teleop, alive, mode
        ):
            seen.update(teleop=teleop, namespace=namespace)
            self.mode = 'lockstep'

        def close(self):
            pass

    with (
        mock.patch('franka_hil_gym_bridge.remote_sim.RemoteSim', Sim),
        mock.patch.dict('os.environ', {'FRANKA_HIL_LAUNCH': ''}),
    ):
        gym.make('gym_hil/FrankaHilPickCubeGamepad-v0').close()
    assert seen == {'teleop': 'gamepad', 'namespace': ''}

    class Session:
        def __init__(self, config):
            pass

        def close(self):
            pass

    with mock.patch('franka_hil_gym_bridge.embedded.SessionSim', Session):
        gym.make('franka_hil_ros/PandaPickCube-v0', backend='embedded').close()


def test_parameters_file_sets_the_launched_graphs_node_parameters(monkeypatch, tmp_path):
    assert env_vars.node_parameters({}) == {}
    path = tmp_path / 'parameters.yaml'
    path.write_text(
        'synthetic_human: {intervener.time_out_s: 0.0}\nsim: {gripper_penalty: -0.5, seed: 3}\n'
    )
    given = env_vars.node_parameters({'FRANKA_HIL_PARAMETERS': str(path)})
    assert given['synthetic_human'] == {'intervener.time_out_s': 0.0}
    for text, message in (('[1, 2]', 'must hold'), ('sim: 3', 'must hold'), ('a: [', 'cannot')):
        path.write_text(text)
        with pytest.raises(ValueError, match=f'FRANKA_HIL_PARAMETERS=.*{message}'):
            env_vars.node_parameters({'FRANKA_HIL_PARAMETERS': str(path)})
    with pytest.raises(ValueError, match='cannot read'):
        env_vars.node_parameters({'FRANKA_HIL_PARAMETERS': str(tmp_path / 'missing.yaml')})

    commands = []
    monkeypatch.setattr('franka_hil_gym_bridge.launcher.bringup_executable', lambda: 'bringup')
    monkeypatch.setattr('subprocess.Popen', lambda command, **kwargs: commands.append(command))
    from franka_hil_gym_bridge.launcher import LaunchedGraph

    LaunchedGraph('/a', 'script', {'gripper_penalty': -0.02}, 'corrective', given)
    overrides = yaml.safe_load(Path(commands[0][commands[0].index('--overrides') + 1]).read_text())
    # bringup gets the file's parameters; the env's own settings of the sim win over it
    assert overrides == {
        'synthetic_human': {'intervener.time_out_s': 0.0},
        'sim': {'gripper_penalty': -0.02, 'seed': 3},
    }
