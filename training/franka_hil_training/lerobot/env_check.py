# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Parts 1 and 2 of the LeRobot check: LeRobot's gym_hil env on a graph it attaches to.

1. steps: the env and processors that LeRobot's gym_manipulator makes for env.name 'gym_hil'
   (make_robot_env, make_processors, step_env_and_process_transition with the neutral action its
   record loop sends) over four episodes the person on the pad (pad.py) ends: an override with a
   gripper flip then success, failure, re-record, and nobody (truncation); what LeRobot sees is
   asserted at every step.
2. record: `python -m lerobot.rl.gym_manipulator` itself in record mode and the dataset it wrote.
"""

import json
import subprocess
import sys
import time

import av
import draccus
from franka_hil_common.observation import TCP as TCP_SLICE
from franka_hil_training.lerobot.pad import CLOSE, EVENT_FROM, OVERRIDE, UP
from franka_hil_training.lerobot.processes import PACKAGE
from franka_hil_training.lerobot.train_config import FPS, GRIPPER_PENALTY, lerobot_version
from lerobot.configs.parser import load_plugin
from lerobot.processor import create_transition, TransitionKey
from lerobot.rl import gym_manipulator
from lerobot.teleoperators.utils import TeleopEvents
import numpy as np
import pandas as pd
import torch

TASK = 'FrankaHilPickCubeGamepad-v0'
STEP_LIMIT = 100
# The first steps of an override may still run the policy: Joy -> teleop -> sim takes a moment.
LAG_STEPS = 2
EVENTS = ('success', 'failure', 'rerecord', None)
# The neutral action gym_manipulator's record loop sends: its gripper entry was 0 (gym-hil's
# "open") up to LeRobot 0.5, and is 1 (gym-hil's "stay") from 0.6.
NEUTRAL = (0.0, 0.0, 0.0, 1.0 if (lerobot_version() or (0, 0)) >= (0, 6) else 0.0)


def config_dict(dataset_root, episodes):
    """Return the README's gym_manipulator config, recording into `dataset_root`."""
    return {
        'env': {
            'name': 'gym_hil',
            'task': TASK,
            'fps': FPS,
            'processor': {
                'control_mode': 'gamepad',
                'gripper': {'use_gripper': True, 'gripper_penalty': GRIPPER_PENALTY},
            },
        },
        'dataset': {
            'repo_id': 'local/franka_hil_lerobot_check',
            'root': str(dataset_root),
            'task': 'pick_cube',
            'num_episodes_to_record': episodes,
            'push_to_hub': False,
        },
        'mode': 'record',
        'device': 'cpu',
    }


def make_env(config_path):
    """Return LeRobot's gym_hil env and its processors, as gym_manipulator makes them."""
    cfg = draccus.parse(
        gym_manipulator.GymManipulatorConfig, config_path=str(config_path), args=[]
    )
    load_plugin(PACKAGE)  # what --env.discover_packages_path does
    env, teleop_device = gym_manipulator.make_robot_env(cfg.env)
    env_processor, action_processor = gym_manipulator.make_processors(
        env, teleop_device, cfg.env, cfg.device
    )
    return env, env_processor, action_processor


def reset(env, env_processor, action_processor=None):
    """Reset the env (and the processors); return the first transition."""
    obs, info = env.reset()
    if action_processor is not None:
        env_processor.reset()
        action_processor.reset()
    return env_processor(create_transition(observation=obs, info=info))


def step_row(transition):
    """Return what LeRobot saw in one step's transition."""
    info = transition[TransitionKey.INFO]
    extra = transition[TransitionKey.COMPLEMENTARY_DATA]
    return {
        'intervention': bool(info.get('is_intervention')),
        'lerobot_intervention': bool(info.get(TeleopEvents.IS_INTERVENTION)),
        'teleop_action': np.asarray(extra['teleop_action'], np.float32),
        'tcp': transition[TransitionKey.OBSERVATION]['observation.state'][0, TCP_SLICE].numpy(),
        'reward': float(transition[TransitionKey.REWARD]),
        'done': bool(transition[TransitionKey.DONE]),
        'truncated': bool(transition[TransitionKey.TRUNCATED]),
        'penalty': float(info.get('discrete_penalty', np.nan)),
        'next.success': info.get('next.success'),
        'rerecord': bool(info.get('rerecord_episode')),
        'lerobot_rerecord': bool(info.get(TeleopEvents.RERECORD_EPISODE)),
    }


def play_episodes(env, env_processor, action_processor, transition):
    """Step with the neutral action at FPS until every episode of EVENTS ended; return rows."""
    episodes, rows = [], []
    neutral = torch.tensor(NEUTRAL)  # what the record loop sends
    while len(episodes) < len(EVENTS):
        start = time.perf_counter()
        transition = gym_manipulator.step_env_and_process_transition(
            env, transition, neutral, env_processor, action_processor
        )
        rows.append(step_row(transition))
        if rows[-1]['done'] or rows[-1]['truncated']:
            episodes.append(rows)
            rows = []
            if len(episodes) < len(EVENTS):
                transition = reset(env, env_processor, action_processor)
        time.sleep(max(0.0, 1.0 / FPS - (time.perf_counter() - start)))
    return episodes


def run_steps(config_path, pad, failures):
    """Part 1: LeRobot's gym_hil env, processors and step function, step by step."""
    env, env_processor, action_processor = make_env(config_path)
    try:
        failures.check(env.spec.id == f'gym_hil/{TASK}', f'made {env.spec.id}')
        pad.start(EVENTS)
        transition = reset(env, env_processor)
        first_obs = transition[TransitionKey.OBSERVATION]
        shapes = {k: tuple(v.shape) for k, v in first_obs.items()}
        failures.check(
            shapes
            == {
                'observation.images.front': (1, 3, 128, 128),
                'observation.images.wrist': (1, 3, 128, 128),
                'observation.state': (1, 18),
            },
            f'observation keys and shapes: {shapes}',
        )
        episodes = play_episodes(env, env_processor, action_processor, transition)
    finally:
        env.close()
    for event, rows in zip(EVENTS, episodes):
        check_episode(event, rows, failures)
    return episodes


def check_success_episode(rows, override, failures):
    """Assert the success episode: the override moved the TCP up, one flip, success."""
    last = rows[-1]
    steps = np.arange(1, len(rows) + 1)
    expected = set(range(OVERRIDE.start + 1, OVERRIDE.stop + 1))
    seen = set(steps[override])
    failures.check(
        seen <= set(range(OVERRIDE.start + 1, OVERRIDE.stop + 1 + LAG_STEPS))
        and len(seen & expected) >= len(expected) - LAG_STEPS,
        f'success: overridden steps {sorted(seen)} ~ {sorted(expected)}',
    )
    moving = [
        r
        for r in rows
        if r['intervention'] and np.allclose(r['teleop_action'][:3], UP[:3], atol=1e-3)
    ]
    failures.check(
        len(moving) >= len(expected) - LAG_STEPS - len(CLOSE),
        f'success: teleop_action {UP[:3]} on overridden steps ({len(moving)})',
    )
    # LeRobot sends the last human action once more on the step after an override.
    failures.check(
        all(
            np.allclose(r['teleop_action'], NEUTRAL)
            for r, previous in zip(rows[1:], rows)
            if not r['intervention'] and not previous['intervention']
        ),
        "success: teleop_action is the policy's (neutral) action otherwise",
    )
    rise = rows[OVERRIDE.stop + LAG_STEPS]['tcp'][2] - rows[OVERRIDE.start - 2]['tcp'][2]
    failures.check(rise > 0.1, f'success: the TCP rose under the override ({rise:.3f} m)')
    penalties = sorted({r['penalty'] for r in rows})
    failures.check(
        GRIPPER_PENALTY in penalties and set(penalties) <= {0.0, GRIPPER_PENALTY},
        f'success: discrete_penalty values {penalties} (flip: {GRIPPER_PENALTY})',
    )
    failures.check(
        last['done']
        and not last['truncated']
        and last['reward'] == 1.0
        and last['next.success'] is True
        and len(rows) < STEP_LIMIT,
        f'success: ends at step {len(rows)} terminated with reward 1 '
        f'(done {last["done"]}, reward {last["reward"]}, '
        f'next.success {last["next.success"]})',
    )


def check_episode(event, rows, failures):
    """Assert one episode of part 1 against the pad's plan."""
    name = event or 'nobody'
    last = rows[-1]
    override = np.array([r['intervention'] for r in rows])
    failures.check(
        all(r['intervention'] == r['lerobot_intervention'] for r in rows),
        f'{name}: LeRobot info[TeleopEvents.IS_INTERVENTION] == info is_intervention',
    )
    failures.check(
        all(np.isfinite(r['penalty']) for r in rows),
        f'{name}: info discrete_penalty on every step',
    )
    ends = [i for i, r in enumerate(rows) if r['done'] or r['truncated']]
    failures.check(ends == [len(rows) - 1], f'{name}: one episode end, at the last step')
    if event == 'success':
        check_success_episode(rows, override, failures)
    elif event in ('failure', 'rerecord'):
        failures.check(
            last['done']
            and last['reward'] == 0.0
            and len(rows) < 2 * EVENT_FROM
            and last['next.success'] is False,
            f'{event}: ends at step {len(rows)} terminated with reward 0',
        )
        failures.check(
            last['rerecord'] == (event == 'rerecord'),
            f'{event}: info rerecord_episode {last["rerecord"]}',
        )
    else:
        failures.check(
            len(rows) == STEP_LIMIT and last['truncated'] and not last['done'],
            f'nobody: truncated at step {len(rows)}',
        )
    if event != 'success':
        failures.check(not override.any(), f'{name}: no override')


def record(config_path, log_path, env, timeout):
    """Run `python -m lerobot.rl.gym_manipulator` (record mode); return its exit code."""
    command = [
        sys.executable,
        '-m',
        'lerobot.rl.gym_manipulator',
        '--config_path',
        str(config_path),
        f'--env.discover_packages_path={PACKAGE}',
    ]
    with open(log_path, 'wb') as log:
        try:
            return subprocess.run(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
            ).returncode
        except subprocess.TimeoutExpired:
            return 'timeout'


def video_frames(dataset_root):
    """Return the frame count of each camera's videos."""
    frames = {}
    for camera in ('front', 'wrist'):
        count = 0
        for path in sorted((dataset_root / 'videos').glob(f'observation.images.{camera}/*/*')):
            with av.open(str(path)) as container:
                count += sum(1 for _ in container.decode(video=0))
        frames[camera] = count
    return frames


def check_recorded(episodes, failures):
    """Check the recorded success and failure episodes as the person ended them."""
    success, failure = episodes
    done = [list(e['next.done']) for e in episodes]
    failures.check(
        all(d[-1] and not any(d[:-1]) for d in done),
        'dataset: next.done on the last frame of each episode only',
    )
    failures.check(
        float(success['next.reward'].iloc[-1]) == 1.0
        and float(failure['next.reward'].sum()) == 0.0,
        'dataset: reward 1 at the end of the success episode, 0 in the failure',
    )
    actions = np.stack(success['action'].to_numpy())
    moving = int(np.all(np.isclose(actions[:, :3], UP[:3], atol=1e-3), axis=1).sum())
    failures.check(
        moving >= len(OVERRIDE) - LAG_STEPS - len(CLOSE),
        f"dataset: the human's action recorded on {moving} frames",
    )


def run_record(config_path, dataset_root, env, pad, failures, timeout):
    """Part 2: `python -m lerobot.rl.gym_manipulator` in record mode; check its dataset."""
    pad.start(('success', 'failure'))
    log_path = dataset_root.parent / 'gym_manipulator.log'
    code = record(config_path, log_path, env, timeout)
    failures.check(code == 0, f'gym_manipulator record run exit code {code} (log {log_path})')
    if code != 0:
        print(log_path.read_text(errors='replace')[-3000:])
        return None
    info = json.loads((dataset_root / 'meta' / 'info.json').read_text())
    data = pd.concat(
        [pd.read_parquet(p) for p in sorted((dataset_root / 'data').rglob('*.parquet'))]
    )
    frames = video_frames(dataset_root)
    episodes = [group for _, group in data.groupby('episode_index')]
    failures.check(
        info['total_episodes'] == 2 and len(episodes) == 2,
        f'dataset: 2 episodes ({info["total_episodes"]}, {len(episodes)} in data)',
    )
    failures.check(
        info['total_frames'] == len(data) == frames['front'] == frames['wrist'],
        f'dataset: frames {info["total_frames"]} = rows {len(data)} = video frames {frames}',
    )
    if len(episodes) == 2:
        check_recorded(episodes, failures)
    return {
        'info': info,
        'rows': len(data),
        'video_frames': frames,
        'episode_lengths': [len(e) for e in episodes],
    }
