# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Names on the graph: nodes, topics, services and frames, and the graph's teleop choices.

Topic and service names are relative (a namespace moves them) except /clock, /tf and /tf_static.
"""

SIM_NODE = 'sim'

# Simulator out.
JOINT_STATES = 'joint_states'
OBSERVATION = 'observation'
STEP_INFO = 'step_info'
MARKERS = 'markers'
ROBOT_DESCRIPTION = 'robot_description'
REAL_TIME_FACTOR = 'real_time_factor'
CLOCK = '/clock'
TF = '/tf'
TF_STATIC = '/tf_static'
# For people watching (the viewer): the moving frames and the markers at most the sim's
# preview_rate per wall second, and every step's StepInfo in a StepInfoArray as often; sent only
# when subscribed, so watching a fast lockstep run costs the sim no message per step.
TF_PREVIEW = 'tf_preview'
MARKERS_PREVIEW = 'markers_preview'
STEP_INFO_BATCHES = 'step_info_batches'
# Simulator in.
ACTION = 'action'
INTERVENTION = 'intervention'
EPISODE_EVENT = 'episode_event'
# Teleop.
JOY = 'joy'
CMD_VEL = 'cmd_vel'
# Simulator services.
STEP = 'step'
RESET = 'reset'

WORLD_FRAME = 'world'
BASE_FRAME = 'panda_link0'

# Who may override the policy in a graph (script: the synthetic human playing the expert);
# also the Intervention source of the synthetic human's commands, which need no real-time pacing.
SYNTHETIC_HUMAN = 'script'
TELEOPS = (SYNTHETIC_HUMAN, 'gamepad', 'keyboard', 'browser', 'none')


def image_topic(camera: str) -> str:
    """Return the image topic of a camera."""
    return f'{camera}/image_raw'


def image_preview_topic(camera: str) -> str:
    """
    Return a camera's preview topic: the same images at a bounded wall-clock rate.

    For people watching (the viewer): rendered only when subscribed and at most the sim's
    preview_rate per second, so watching a fast lockstep run does not render every step.
    """
    return f'{camera}/image_preview'


def camera_info_topic(camera: str) -> str:
    """Return the camera_info topic of a camera."""
    return f'{camera}/camera_info'


def optical_frame(camera: str) -> str:
    """Return a camera's ROS optical frame (z ahead, y down)."""
    return f'{camera}_optical_frame'


def parameter_service(node: str) -> str:
    """Return the service that reads a node's parameters (relative to the node's namespace)."""
    return f'{node}/get_parameters'
