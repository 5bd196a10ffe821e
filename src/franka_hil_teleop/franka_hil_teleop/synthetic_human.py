# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A scripted person on a gamepad: an expert policy played through Joy messages.

It holds the deadman, steers the sticks and squeezes the triggers so that the teleop node,
reading those Joy messages like any pad's, commands exactly the expert's EE action; it presses
the success button once the cube is lifted. That makes it the test double for a human and the
demo driver. It imports no ROS.
"""

import importlib
import math

from franka_hil_common import actions, observation
from franka_hil_teleop.teleop_core import InputState
import numpy as np

# The TCP target moves at most one action step per control step; a larger jump is a reset.
TCP_RESET_JUMP_M = 2 * actions.EE_STEP


def load_expert(spec):
    """Instantiate an expert from 'package.module:Class' (it needs reset() and act())."""
    module_name, _, class_name = spec.partition(':')
    if not module_name or not class_name:
        raise ValueError(f"expert must be 'package.module:Class', got {spec!r}")
    try:
        expert = getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError) as err:
        raise RuntimeError(f'cannot load expert {spec!r}: {err}') from err
    if not (callable(getattr(expert, 'reset', None)) and callable(getattr(expert, 'act', None))):
        raise RuntimeError(f'expert {spec!r} must have reset() and act(tcp, cube, gripper)')
    return expert


def input_from_action(action, linear_speed=None):
    """
    Return the InputState (deadman held) whose teleop command is the EE action `action`.

    The inverse of TeleopCore + actions.twist_to_action for a teleop running with
    `linear_speed` m/s at full stick (default: the contract's full-scale speed, where stick
    deflection equals the action). Raises ValueError on a wrong shape or non-finite action.
    """
    linear, gripper = actions.action_to_twist(action)
    speed = linear_speed or actions.full_scale_speed()
    stick = tuple(float(min(1.0, max(-1.0, v / speed))) for v in linear)
    return InputState(enable=True, linear=stick, gripper=gripper)


class SyntheticHuman:
    """
    Plays an expert: observation in, Joy (axes, buttons) for a pad map out.

    Without an intervener it holds the override all the time (the plumbing's test double and the
    demo's driver); with one (an intervener.Intervener) it watches the policy and drives only
    while the intervener judges the policy off track, as a person correcting it would.
    """

    def __init__(self, pad, expert, success_lift=0.05, linear_speed=None, intervener=None):
        """pad: a PadMap; expert: reset() / act(tcp, cube, gripper); success_lift in metres."""
        if not (math.isfinite(success_lift) and success_lift > 0.0):
            raise ValueError(f'success_lift must be > 0 m, got {success_lift!r}')
        self.pad = pad
        self.expert = expert
        self.intervener = intervener
        # Per finished episode: (episode number, share of its observations the human drove).
        self.rates = []
        self.success_lift = success_lift
        self.linear_speed = linear_speed
        self.episodes = 0
        self._episode = None
        # Observations stamped later than this (sim time, ns) start a new episode: -1 = the
        # next one, None = none pending. Stamps, not arrival order: step_info and observation
        # are two topics, and a reader may take them in either order.
        self._reset_after_ns = -1
        self._last_tcp = None
        self._last_at_rest = False
        self._cube_start_z = None
        self._success_pressed = False
        self._driving = False

    def on_step_info(self, episode, done, stamp_ns):
        """
        Note a StepInfo: after a terminal step, or at an unexpected episode number, start over.

        The episode after a terminal one is expected (its reset observation, stamped later than
        the terminal step, restarts the expert); another number means a reset whose terminal
        step was not seen, so the next observation restarts it.
        """
        if done:
            self._reset_after_ns = stamp_ns
            self._episode = episode + 1
            return
        if self._episode is not None and episode != self._episode:
            self._reset_after_ns = -1
        self._episode = episode

    def on_observation(self, agent_pos, cube, stamp_ns):
        """Return the Joy (axes, buttons) to publish for one state observation."""
        agent_pos = np.asarray(agent_pos, dtype=np.float64)
        cube = np.asarray(cube, dtype=np.float64)
        if agent_pos.shape != (observation.AGENT_POS_SIZE,) or cube.shape != (3,):
            raise ValueError(
                f'need agent_pos of {observation.AGENT_POS_SIZE} values and a cube '
                f'xyz (state observations), got {agent_pos.shape} and {cube.shape}'
            )
        tcp = observation.tcp_position(agent_pos)
        if self._last_tcp is not None and np.linalg.norm(tcp - self._last_tcp) > TCP_RESET_JUMP_M:
            self._reset_after_ns = -1
        # A reset sets every joint velocity to exactly 0, which no physics step leaves: an arm
        # at rest after one that moved is a new episode, also when a reset a few steps in left
        # the TCP near where it was (and no StepInfo says so before the next step's).
        at_rest = not np.any(agent_pos[observation.JOINT_VELOCITIES])
        if at_rest and not self._last_at_rest:
            self._reset_after_ns = -1
        self._last_tcp, self._last_at_rest = tcp, at_rest
        if self._reset_after_ns is not None and stamp_ns > self._reset_after_ns:
            if self.intervener is not None and self.episodes:
                self.rates.append((self.episodes, self.intervener.intervention_rate))
                self.intervener.start(stamp_ns)
            self.expert.reset()
            self.episodes += 1
            self._reset_after_ns = None
            self._cube_start_z = cube[2]
            self._success_pressed = False
            self._driving = False
        gripper = observation.gripper_command(agent_pos)
        if self.intervener is not None:
            drive = self.intervener.observe(tcp, cube, gripper, stamp_ns).drive
            if drive and not self._driving:
                self.expert.reset()  # taking over: the expert starts from what it sees
            self._driving = drive
            if not drive:
                return self.pad.to_joy(InputState())
        action = self.expert.act(tcp.astype(np.float32), cube.astype(np.float32), gripper)
        state = input_from_action(action, self.linear_speed)
        if not self._success_pressed and cube[2] - self._cube_start_z >= self.success_lift:
            self._success_pressed = True
            state = InputState(
                enable=True, linear=state.linear, gripper=state.gripper, success=True
            )
        return self.pad.to_joy(state)
