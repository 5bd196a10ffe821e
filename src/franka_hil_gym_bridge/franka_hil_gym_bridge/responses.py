# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Step / Reset service responses as Gymnasium's return values.

Responses come from a sim node over DDS (or, in realtime mode, are assembled from its ticks); they
are read through the field layout the node writes them with (franka_hil_common.messages), so
observations and info dicts are the ones the sim session produced.
"""

import json

from franka_hil_common.messages import info_from_step_info, observation_from_msg
import numpy as np


class SimRefused(RuntimeError):
    """The simulator refused a request (its reason is the message); its state is unchanged."""


def step_result(response, where, gripper_penalty=None):
    """
    (observation, reward, terminated, truncated, info) of a Step response from `where`.

    StepInfo carries discrete_penalty as a float32: a flip penalty equal to `gripper_penalty` in
    float32 (the sim's, checked equal to the env's at connect) is reported as `gripper_penalty`
    itself, as gym-hil reports its Python float (-0.02, not -0.019999999552965164).
    """
    if not response.ok:
        raise SimRefused(f'{where}: {response.error}')
    info = info_from_step_info(response.info)
    penalty = info['discrete_penalty']
    if gripper_penalty is not None and penalty and penalty == float(np.float32(gripper_penalty)):
        info['discrete_penalty'] = float(gripper_penalty)
    return (
        observation_from_msg(response.observation),
        float(response.reward),
        bool(response.terminated),
        bool(response.truncated),
        info,
    )


def reset_result(response, where):
    """(observation, info) of a Reset response from `where`."""
    if not response.ok:
        raise SimRefused(f'{where}: {response.error}')
    info = json.loads(response.info_json) if response.info_json else {}
    return observation_from_msg(response.observation), info


def reset_request(request, seed, options):
    """Fill a Reset request with Gymnasium's reset(seed, options)."""
    request.use_seed = seed is not None
    request.seed = int(seed) if seed is not None else 0
    request.options_json = json.dumps(options) if options else ''
    return request
