# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Step responses as Gymnasium values: the gripper penalty reads as the env's own number."""

from franka_hil_gym_bridge.responses import SimRefused, step_result
from franka_hil_msgs.msg import Observation, StepInfo
from franka_hil_msgs.srv import Step
import numpy as np
import pytest


def response(penalty):
    # what arrives over DDS: StepInfo.discrete_penalty is a float32
    penalty = float(np.float32(penalty))
    observation = Observation(
        agent_pos=np.zeros(18, np.float32).tolist(), environment_state=[0.5, 0.0, 0.02]
    )
    info = StepInfo(
        action=[0.0, 0.0, 0.0, 2.0],
        policy_action=[0.0, 0.0, 0.0, 1.0],
        discrete_penalty=penalty,
        is_intervention=True,
    )
    return Step.Response(ok=True, observation=observation, info=info, reward=0.0)


@pytest.mark.parametrize('penalty', [-0.02, -0.05, -0.1, -1.0 / 3.0])
def test_a_flip_penalty_reads_as_the_envs_exact_value(penalty):
    info = step_result(response(penalty), 'sim', penalty)[4]
    assert info['discrete_penalty'] == penalty  # not its float32 rounding
    assert step_result(response(0.0), 'sim', penalty)[4]['discrete_penalty'] == 0.0


def test_other_penalties_are_reported_as_sent():
    sent = float(np.float32(-0.02))
    assert step_result(response(-0.02), 'sim', -0.05)[4]['discrete_penalty'] == sent
    assert step_result(response(-0.02), 'sim')[4]['discrete_penalty'] == sent


def test_a_refusal_raises():
    with pytest.raises(SimRefused, match='sim: no episode'):
        step_result(Step.Response(ok=False, error='no episode'), 'sim', -0.02)
