# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The scripted human's EE action -> Joy inversion, exact through the teleop mapping."""

import itertools
from pathlib import Path

from franka_hil_common.actions import full_scale_speed, twist_to_action
from franka_hil_teleop.intervener import Intervener, IntervenerConfig
from franka_hil_teleop.pad_map import load_pad_map
from franka_hil_teleop.synthetic_human import input_from_action, load_expert, SyntheticHuman
from franka_hil_teleop.teleop_core import TeleopCore
import numpy as np
import pytest

CONFIG = Path(__file__).resolve().parents[3] / 'config'
FAMILIES = ('game_controller', 'xbox', 'playstation', 'logitech')


def executed_action(pad, axes, buttons, speed):
    """Return the EE action the simulator executes for a Joy message read by the teleop."""
    command = (
        TeleopCore(speed, 0.5).update(pad.to_input(list(np.float32(axes)), buttons), 0.0).command
    )
    return twist_to_action(command.linear, command.gripper)


@pytest.mark.parametrize('family', FAMILIES)
def test_action_to_joy_round_trips_exactly(family):
    pad = load_pad_map(CONFIG / f'teleop_pad_{family}.yaml')
    rng = np.random.default_rng(2)
    actions = [
        np.append(rng.uniform(-1, 1, 3), rng.integers(0, 3)).astype(np.float32) for _ in range(300)
    ]
    actions += [np.array([1, -1, 0, 0], np.float32), np.array([0, 0, -1, 2], np.float32)]
    for action in actions:
        axes, buttons = pad.to_joy(input_from_action(action))
        np.testing.assert_array_equal(
            executed_action(pad, axes, buttons, full_scale_speed()), action
        )


def test_other_teleop_speed_is_compensated():
    pad = load_pad_map(CONFIG / 'teleop_pad_xbox.yaml')
    action = np.array([0.3, -0.2, 0.1, 1], np.float32)
    axes, buttons = pad.to_joy(input_from_action(action, linear_speed=0.5))
    np.testing.assert_allclose(executed_action(pad, axes, buttons, 0.5), action, atol=1e-6)


def observation(tcp, cube, gripper=0.0, joint_speed=0.0):
    agent_pos = np.zeros(18)
    agent_pos[7:14] = joint_speed
    agent_pos[14] = gripper * 255.0
    agent_pos[15:18] = tcp
    return agent_pos, np.asarray(cube, float)


def test_synthetic_human_plays_resets_and_presses_success_once(scripted_expert):
    pad = load_pad_map(CONFIG / 'teleop_pad_game_controller.yaml')
    expert = scripted_expert.LiftExpert()
    human = SyntheticHuman(pad, expert, success_lift=0.05)
    enable, success = pad.buttons['enable'], pad.buttons['success']

    stamps = itertools.count(0, 100_000_000)  # sim time of consecutive observations
    axes, buttons = human.on_observation(
        *observation((0.49, 0, 0.078), (0.5, 0, 0.02)), next(stamps)
    )
    assert expert.resets == 1 and buttons[enable] == 1 and buttons[success] == 0
    np.testing.assert_allclose(expert.last, [0.4, 0, -1, 1], atol=1e-5)
    np.testing.assert_array_equal(
        executed_action(pad, axes, buttons, full_scale_speed()), expert.last
    )
    for tcp in ((0.495, 0, 0.05), (0.5, 0, 0.025)):  # down to the cube, then closed
        _, buttons = human.on_observation(*observation(tcp, (0.5, 0, 0.02), 1.0), next(stamps))
        assert buttons[success] == 0
    presses = []
    for z in (0.05, 0.075, 0.08, 0.1):  # lifted: success once the cube is 5 cm up
        stamp = next(stamps)
        _, buttons = human.on_observation(*observation((0.5, 0, z), (0.5, 0, z), 1.0), stamp)
        presses.append(buttons[success])
    assert presses == [0, 1, 0, 0] and expert.resets == 1

    # A terminal step, then the reset observation (stamped later): the expert starts over once,
    # whichever of the terminal step's two messages is read first.
    human.on_step_info(episode=1, done=True, stamp_ns=stamp)
    human.on_observation(*observation((0.5, 0, 0.1), (0.5, 0, 0.1), 1.0), stamp)
    assert expert.resets == 1
    human.on_observation(*observation((0.49, 0, 0.078), (0.4, 0.1, 0.02)), next(stamps))
    assert expert.resets == 2
    # The next episode's steps: already started over.
    human.on_step_info(episode=2, done=False, stamp_ns=next(stamps))
    human.on_observation(*observation((0.49, 0, 0.078), (0.4, 0.1, 0.02)), next(stamps))
    assert expert.resets == 2
    # An episode number skipping ahead (a reset mid-episode), or the TCP jumping home, start over.
    human.on_step_info(episode=3, done=False, stamp_ns=next(stamps))
    human.on_observation(*observation((0.49, 0, 0.078), (0.4, 0.1, 0.02)), next(stamps))
    assert expert.resets == 3
    human.on_observation(*observation((0.49, 0, 0.2), (0.4, 0.1, 0.02)), next(stamps))
    assert expert.resets == 4 and human.episodes == 4


def test_a_reset_a_few_steps_in_is_let_go_at_its_first_observation(scripted_expert):
    # The person drives the first episode whole, then only corrects: a reset that left the TCP
    # near where it was, before any StepInfo of the new episode, is seen from the arm at rest.
    pad = load_pad_map(CONFIG / 'teleop_pad_game_controller.yaml')
    intervener = Intervener(IntervenerConfig(guide_episodes=1, reaction_delay_s=0.0))
    human = SyntheticHuman(pad, scripted_expert.LiftExpert(), intervener=intervener)
    enable = pad.buttons['enable']
    stamps = itertools.count(0, 100_000_000)
    cube = (0.6, 0, 0.02)
    for x, speed in ((0.49, 0.0), (0.5, 0.2), (0.51, 0.2)):
        moving = observation((x, 0, 0.078), cube, joint_speed=speed)
        _, buttons = human.on_observation(*moving, next(stamps))
        assert buttons[enable] == 1
    _, buttons = human.on_observation(*observation((0.49, 0, 0.078), cube), next(stamps))
    assert buttons[enable] == 0 and human.episodes == 2 and human.rates == [(1, 1.0)]
    # Held at its reset (the same state again): still that episode.
    human.on_observation(*observation((0.49, 0, 0.078), cube), next(stamps))
    assert human.episodes == 2


def test_image_observations_and_bad_experts_are_clear_errors(scripted_expert):
    pad = load_pad_map(CONFIG / 'teleop_pad_game_controller.yaml')
    human = SyntheticHuman(pad, scripted_expert.LiftExpert())
    with pytest.raises(ValueError, match='state observations'):
        human.on_observation(np.zeros(18), [], 0)
    with pytest.raises(ValueError, match='package.module:Class'):
        load_expert('no_colon')
    with pytest.raises(RuntimeError, match='cannot load expert'):
        load_expert('franka_hil_no_such_module:Expert')
    with pytest.raises(RuntimeError, match='reset'):
        load_expert('collections:OrderedDict')
