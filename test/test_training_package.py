# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The training package (training/franka_hil_training) in the workspace's venv: what needs no torch.

Its settings files, the corrective human checked against IntervenerConfig, the run options and
outputs, the SB3 route's observation normalisation, and its shape: every command it names
exists, no function over 60 lines, no sys.path imports. What needs SB3 or LeRobot runs in their
venvs (test_sb3_hil_buffer.py, test_lerobot_check.py).
"""

import argparse
import ast
import csv
import json
from pathlib import Path
import tomllib

from franka_hil_training import run, settings
from franka_hil_training.sb3.envs import normalize, observation_bounds
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
TRAINING = ROOT / 'training'
PACKAGE = TRAINING / 'franka_hil_training'
MAX_FUNCTION_LINES = 60


def test_the_settings_files_hold_each_routes_settings_with_their_types():
    assert settings.load('sb3_sac') == {
        'batch_size': 256,
        'gamma': 0.97,
        'ent_coef': 'auto_0.01',
        'net_width': 256,
        'learning_starts': 200,
        'gradient_steps': 1,
        'train_freq': 1,
        'buffer_size': 300000,
        'fps': 100,
    }
    lerobot = settings.load('lerobot_sac')
    assert list(lerobot) == [
        'batch_size',
        'discount',
        'utd_ratio',
        'temperature_init',
        'hidden_dims',
        'online_step_before_learning',
        'online_buffer_capacity',
        'offline_buffer_capacity',
        'policy_parameters_push_frequency',
        'actor_fps',
        'save_freq',
    ]
    assert isinstance(lerobot['temperature_init'], float) and lerobot['save_freq'] == 3000


def test_the_sparing_human_is_typed_as_intervener_config_fields():
    assert settings.SPARING_HUMAN == (
        'time_out_s=0',
        'away_steps=6',
        'no_progress_s=3',
        'budget_s=3',
    )
    assert settings.intervener_parameters(settings.SPARING_HUMAN + ('budget_s=5',)) == {
        'intervener.time_out_s': 0.0,
        'intervener.away_steps': 6,
        'intervener.no_progress_s': 3.0,
        'intervener.budget_s': 5.0,
    }


@pytest.mark.parametrize(
    'human',
    [{'no_such_field': 1}, {'away_steps': 1.5}, {'away_steps': -1}, {'miss_probability': 2}],
)
def test_human_settings_intervener_config_refuses_fail_at_load(human):
    with pytest.raises(ValueError):
        settings.checked_human(human)


def test_a_wrong_intervener_option_stops_the_run_with_the_names_it_takes():
    with pytest.raises(SystemExit, match='away_steps'):
        settings.intervener_parameters(['awaysteps=3'])
    with pytest.raises(SystemExit, match='not a int'):
        settings.intervener_parameters(['away_steps=x'])


def test_run_options_give_one_option_per_setting(tmp_path):
    parser = argparse.ArgumentParser()
    run.add_options(parser, settings.load('sb3_sac'))
    options = parser.parse_args(
        ['--batch-size', '64', '--ent-coef', 'auto', '--no-human', '--out', str(tmp_path / 'run')]
    )
    assert (options.batch_size, options.ent_coef, options.gamma) == (64, 'auto', 0.97)
    assert run.graph_parameters(options, tmp_path, {}) is None  # nobody in the loop


def test_a_run_writes_its_settings_summary_and_the_human_it_had(tmp_path):
    parser = argparse.ArgumentParser()
    run.add_options(parser, {'batch_size': 8})
    options = parser.parse_args(['--out', str(tmp_path / 'run'), '--intervener', 'budget_s=1'])

    def train(options, out):
        summary = {'human': 'corrective'}
        assert run.graph_parameters(options, out, summary) == out / 'graph_parameters.yaml'
        episodes = [
            {'episode': k, 'intervention_rate': k / 10, 'success': k % 2} for k in range(1, 11)
        ]
        run.write_csv(out / 'episodes.csv', episodes)
        run.last_tenth(summary, episodes, lambda e: e['intervention_rate'])
        return summary

    assert run.main(options, train, 'test') == 0
    out = tmp_path / 'run'
    assert json.loads((out / 'settings.json').read_text())['batch_size'] == 8
    summary = json.loads((out / 'summary.json').read_text())
    assert summary['intervener']['intervener.budget_s'] == 1.0
    assert summary['intervention_rate_last_10pct'] == 1.0
    assert summary['actor_success_last_10pct'] == 0.0
    with open(out / 'episodes.csv') as handle:
        assert csv.DictReader(handle).fieldnames == ['episode', 'intervention_rate', 'success']


def test_sb3_observations_are_normalised_by_the_demonstrations_range():
    observations = np.array([[0.0, 1.0, 5.0], [2.0, 1.0, 15.0]], np.float32)
    bounds = observation_bounds(observations)
    np.testing.assert_allclose(bounds[0], [0.0, 0.5, 5.0])  # a constant feature: unit range
    np.testing.assert_allclose(bounds[1], [2.0, 1.5, 15.0])
    np.testing.assert_allclose(normalize(observations, bounds), [[-1, 0, -1], [1, 0, 1]])
    assert normalize(observations, bounds).dtype == np.float32


def test_lerobot_runs_widen_the_demos_ranges_to_the_cube_start_states(ros_env):
    import gymnasium as gym
    from franka_hil_training.lerobot import train

    starts = train.start_observations(6, lambda *a, **k: ros_env(gym.make, *a, **k))
    cubes = np.array([start['environment_state'] for start in starts])
    assert len(np.unique(cubes[:, :2].round(4), axis=0)) == 6  # a cube drawn per seed
    first = starts[0]  # a "demonstration" that saw one cube position
    info = {
        'state_min': first['agent_pos'].tolist(),
        'state_max': first['agent_pos'].tolist(),
        'env_min': first['environment_state'].tolist(),
        'env_max': first['environment_state'].tolist(),
    }
    train.widen(info, starts)
    np.testing.assert_allclose(info['env_min'], cubes.min(axis=0), rtol=1e-6)
    np.testing.assert_allclose(info['env_max'], cubes.max(axis=0), rtol=1e-6)
    assert np.all(np.array(info['env_max'][:2]) - info['env_min'][:2] > 0.02)
    again = train.start_observations(6, lambda *a, **k: ros_env(gym.make, *a, **k))
    np.testing.assert_array_equal(cubes, [start['environment_state'] for start in again])


def test_the_step_info_watch_sees_the_steps_taken_before_it_subscribed(ros_env):
    import time

    import gymnasium as gym
    from franka_hil_training.lerobot.step_info_watch import StepInfoWatch

    def wait_for(condition, what):
        deadline = time.monotonic() + 30.0
        while not condition():
            assert time.monotonic() < deadline, f'no {what} within 30 s'
            time.sleep(0.05)

    env = ros_env(gym.make, 'franka_hil_ros/PandaPickCube-v0', launch=True, namespace='/watched')
    early = StepInfoWatch('/watched')  # as the synthetic human, subscribed from the start
    late = None
    try:
        wait_for(lambda: early.publishers() == 1, 'sim publishing step_info')
        env.reset(seed=0)
        for _ in range(5):
            env.step(np.zeros(env.action_space.shape, np.float32))
        wait_for(lambda: len(early.snapshot()) == 5, 'five steps seen by the early watch')
        late = StepInfoWatch('/watched')  # as the check's and the runs' watch, the actor begun
        wait_for(lambda: len(late.snapshot()) >= 5, 'five steps seen by the late watch')
        assert [seen[5] for seen in late.snapshot()] == [1, 2, 3, 4, 5]
    finally:
        early.close()
        if late is not None:
            late.close()


def test_every_command_names_a_function_of_the_package():
    scripts = tomllib.loads((TRAINING / 'pyproject.toml').read_text())['project']['scripts']
    assert set(scripts) == {
        'franka-hil-train-sb3',
        'franka-hil-eval-sb3',
        'franka-hil-train-lerobot',
        'franka-hil-eval-lerobot',
        'franka-hil-check-lerobot',
    }
    for command, target in scripts.items():
        module, function = target.split(':')
        source = TRAINING.joinpath(*module.split('.')).with_suffix('.py')
        names = {
            node.name
            for node in ast.parse(source.read_text()).body
            if isinstance(node, ast.FunctionDef)
        }
        assert function in names, f'{command}: {target} is not a function of {source}'


def test_no_function_of_the_package_is_over_60_lines():
    long = []
    for source in sorted(PACKAGE.rglob('*.py')):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f'{source.relative_to(ROOT)}:{node.lineno} {node.name} {lines}')
    assert not long, f'functions over {MAX_FUNCTION_LINES} lines: {long}'


def test_nothing_imports_through_sys_path():
    sources = [
        *PACKAGE.rglob('*.py'),
        *(ROOT / 'scripts').glob('*.py'),
        *(ROOT / 'test').glob('*.py'),
        *(ROOT / 'bench').glob('*.py'),
    ]
    found = [
        str(p.relative_to(ROOT))
        for p in sources
        if p != Path(__file__).resolve() and 'sys.path.' in p.read_text()
    ]
    assert not found, f'sys.path changed in {found}: import the installed package instead'
