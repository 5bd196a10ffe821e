# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Human episode events: the codes franka_hil_msgs/EpisodeEvent and StepInfo.human_event carry."""

NONE = 0
SUCCESS = 1
FAILURE = 2
RERECORD = 3
# What each event is called in logs and in teleop's InputState fields.
NAMES = {SUCCESS: 'success', FAILURE: 'failure', RERECORD: 'rerecord'}
CODES = {name: code for code, name in NAMES.items()}
