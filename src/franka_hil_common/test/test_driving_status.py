# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The driving summary: who acts, time left, the gripper's state, how an episode ended."""

from types import SimpleNamespace

from franka_hil_common import actions, events
from franka_hil_common.driving_status import (
    ACTOR_HUMAN,
    ACTOR_NONE,
    ACTOR_POLICY,
    DrivingStatus,
    outcome_of,
)
import pytest


def info(episode=1, step=1, actor=ACTOR_POLICY, gripper=actions.GRIPPER_STAY, **ends):
    fields = {
        'terminated': False,
        'truncated': False,
        'success': False,
        'rerecord_episode': False,
        'human_event': events.NONE,
        'physics_error': False,
    }
    fields.update(ends)
    return SimpleNamespace(
        episode=episode, step=step, actor=actor, action=[0.0, 0.0, 0.0, float(gripper)], **fields
    )


def test_who_acts_and_time_left_follow_the_steps():
    status = DrivingStatus(max_episode_steps=300, control_dt=0.1)
    status.update(info(step=1, actor=ACTOR_NONE))
    assert status.actor_name == 'nobody' and status.time_left_s == pytest.approx(29.9)
    status.update(info(step=41, actor=ACTOR_HUMAN))
    assert status.as_dict()['actor'] == 'person'
    assert status.line().startswith('episode 1, step 41 | person acts | 25.9 s left')


def test_the_gripper_state_mirrors_the_env_command_and_reopens_each_episode():
    status = DrivingStatus()
    status.update(info(step=1, gripper=actions.GRIPPER_CLOSE))
    assert status.gripper_closed
    status.update(info(step=2, gripper=actions.GRIPPER_STAY))
    assert status.gripper_closed  # stay keeps it
    status.update(info(step=3, gripper=actions.GRIPPER_OPEN))
    assert not status.gripper_closed
    status.update(info(step=4, gripper=actions.GRIPPER_CLOSE))
    status.update(info(episode=2, step=1, gripper=actions.GRIPPER_STAY))
    assert not status.gripper_closed


def test_outcomes_name_how_an_episode_ended():
    assert outcome_of(info()) is None
    assert outcome_of(info(terminated=True, success=True)) == 'success'
    assert outcome_of(info(truncated=True)) == 'time limit'
    assert outcome_of(info(terminated=True, human_event=events.FAILURE)) == 'failure (declared)'
    assert (
        outcome_of(info(terminated=True, rerecord_episode=True, human_event=events.RERECORD))
        == 're-record'
    )
    assert outcome_of(info(terminated=True, physics_error=True)) == 'physics error'
    status = DrivingStatus()
    assert status.update(info(step=100, truncated=True)) == 'time limit'
    assert status.line().endswith('last episode: time limit')
