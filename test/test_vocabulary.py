# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The shared vocabulary (franka_hil_common) is the one owner of each fact, and is pure Python.

Messages and the graph description keep their own copies of a few constants (a .msg file and a
YAML file cannot import Python): they are checked against it here.
"""

from pathlib import Path
import sys

from franka_hil_common import actions, driving_status, events, names, task
import franka_hil_msgs.msg as hil
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VOCABULARY = ('actions', 'events', 'messages', 'names', 'observation', 'spaces', 'task')


def test_the_vocabulary_loads_neither_rclpy_nor_mujoco(run_process):
    imports = '; '.join(f'import franka_hil_common.{module}' for module in VOCABULARY)
    check = (
        f'import sys; {imports}; '
        "print(sorted(m for m in ('rclpy', 'mujoco', 'franka_hil_msgs', 'OpenGL') "
        'if m in sys.modules))'
    )
    out = run_process([sys.executable, '-c', check], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]'


def test_message_constants_are_the_vocabulary():
    assert (
        hil.Intervention.GRIPPER_OPEN,
        hil.Intervention.GRIPPER_STAY,
        hil.Intervention.GRIPPER_CLOSE,
    ) == actions.GRIPPER_COMMANDS
    assert (hil.EpisodeEvent.SUCCESS, hil.EpisodeEvent.FAILURE, hil.EpisodeEvent.RERECORD) == (
        events.SUCCESS,
        events.FAILURE,
        events.RERECORD,
    )
    assert events.NONE == 0 and set(events.NAMES) == {1, 2, 3}
    assert (hil.StepInfo.ACTOR_NONE, hil.StepInfo.ACTOR_POLICY, hil.StepInfo.ACTOR_HUMAN) == (
        driving_status.ACTOR_NONE,
        driving_status.ACTOR_POLICY,
        driving_status.ACTOR_HUMAN,
    )


def test_graph_description_choices_are_the_vocabulary():
    arguments = yaml.safe_load((ROOT / 'config' / 'pick_cube.yaml').read_text())['arguments']
    assert tuple(arguments['teleop']['choices']) == names.TELEOPS
    assert tuple(arguments['mode']['choices']) == task.MODES
    assert tuple(arguments['reward_type']['choices']) == task.REWARD_TYPES


@pytest.mark.parametrize('image_obs', [False, True])
def test_the_direct_envs_use_the_shared_spaces(image_obs):
    import franka_hil_sim  # noqa: F401
    from franka_hil_common import spaces
    import gymnasium as gym

    for env_id, action_space in (
        ('franka_hil/PandaPickCube-v0', spaces.action_space('ee')),
        ('franka_hil/PandaPickCubeBase-v0', spaces.action_space('base')),
    ):
        env = gym.make(env_id, image_obs=image_obs)
        assert env.observation_space == spaces.observation_space(image_obs)
        assert env.action_space == action_space
        env.close()
