# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The corrective synthetic human's rules, on hand-made trajectories (sim time, 10 Hz)."""

from franka_hil_teleop.intervener import DESCRIPTIONS, DRIVING, Intervener, IntervenerConfig
from franka_hil_teleop.intervener import NOTICED, WATCHING
import numpy as np
import pytest

PERIOD_NS = 100_000_000
CUBE = np.array([0.5, 0.0, 0.02])


def watch(intervener, tcps, gripper=0.0, cube=CUBE, start=0):
    """Feed TCP positions (one per control period); return the verdicts."""
    return [
        intervener.observe(tcp, cube, gripper, (start + k) * PERIOD_NS)
        for k, tcp in enumerate(tcps)
    ]


def approach(steps, start=(0.3, 0.0, 0.12), end=(0.5, 0.0, 0.08)):
    return [np.array(start) + (np.array(end) - start) * k / (steps - 1) for k in range(steps)]


def test_a_policy_on_track_is_left_alone():
    verdicts = watch(Intervener(), approach(30))
    assert not any(v.drive for v in verdicts) and verdicts[-1].state == WATCHING


def test_moving_away_is_noticed_and_taken_over_after_the_reaction_delay():
    away = [np.array((0.45 - 0.01 * k, 0.0, 0.1)) for k in range(12)]
    verdicts = watch(Intervener(IntervenerConfig(reaction_delay_s=0.3)), away)
    states = [v.state for v in verdicts]
    noticed = states.index(NOTICED)
    assert noticed == 3  # three moves away in a row, the fourth observation shows it
    assert states[noticed : noticed + 3] == [NOTICED] * 3
    assert states[noticed + 3] == DRIVING and verdicts[noticed + 3].reason == 'moving_away'


def test_no_progress_is_noticed_after_its_time():
    still = [np.array((0.3, 0.0, 0.12))] * 30
    config = IntervenerConfig(no_progress_s=1.5, reaction_delay_s=0.0)
    verdicts = watch(Intervener(config), still)
    first = next(k for k, v in enumerate(verdicts) if v.drive)
    assert first == 15 and verdicts[first].reason == 'no_progress'


def test_a_gripper_closed_away_from_the_cube_is_noticed_at_once():
    config = IntervenerConfig(reaction_delay_s=0.0)
    verdicts = watch(Intervener(config), approach(5), gripper=1.0)
    assert verdicts[0].drive and verdicts[0].reason == 'closed_away'


def test_a_dropped_cube_is_noticed():
    intervener = Intervener(IntervenerConfig(reaction_delay_s=0.0))
    tcp = np.array((0.5, 0.0, 0.02))
    held = [
        intervener.observe(tcp + (0, 0, h), CUBE + (0, 0, h), 1.0, k * PERIOD_NS)
        for k, h in enumerate(np.linspace(0.0, 0.06, 7))
    ]
    assert not any(v.drive for v in held)
    fallen = intervener.observe(tcp + (0, 0, 0.06), CUBE, 0.0, 7 * PERIOD_NS)
    assert fallen.drive and fallen.reason == 'dropped'


def test_drives_until_back_on_track_then_hands_back():
    config = IntervenerConfig(reaction_delay_s=0.0, min_hold_s=0.5)
    intervener = Intervener(config)
    away = [np.array((0.45 - 0.01 * k, 0.0, 0.1)) for k in range(4)]
    assert watch(intervener, away)[-1].drive
    # The person drives the tool above the cube: once there (and held 0.5 s), hand back.
    back = approach(8, start=(0.41, 0.0, 0.1), end=(0.5, 0.0, 0.08))
    verdicts = watch(intervener, back + [back[-1]] * 3, start=4)
    handed = next(k for k, v in enumerate(verdicts) if not v.drive)
    assert handed >= 5 and verdicts[handed].state == WATCHING
    assert 0 < intervener.intervention_rate < 1


def test_about_to_time_out_takes_over_for_good():
    config = IntervenerConfig(
        reaction_delay_s=0.0, time_out_s=4.0, episode_s=10.0, no_progress_s=100.0
    )
    intervener = Intervener(config)
    hover = [np.array((0.5, 0.0, 0.08))] * 100
    verdicts = watch(intervener, hover)
    first = next(k for k, v in enumerate(verdicts) if v.drive)
    assert first == 60 and all(v.drive for v in verdicts[first:])
    assert verdicts[-1].reason == 'time_out'


def test_budget_and_not_noticing():
    still = [np.array((0.3, 0.0, 0.12))] * 60
    budget = Intervener(
        IntervenerConfig(reaction_delay_s=0.0, no_progress_s=0.5, budget_s=1.0, min_hold_s=100.0)
    )
    driven = sum(v.drive for v in watch(budget, still))
    assert driven == 10  # 1 s of driving at 10 Hz, then the person stops helping
    blind = Intervener(IntervenerConfig(miss_probability=1.0, no_progress_s=0.5))
    assert not any(v.drive for v in watch(blind, still))


def test_the_first_episodes_are_driven_whole_then_only_corrected():
    config = IntervenerConfig(
        reaction_delay_s=0.3, guide_episodes=2, budget_s=1.0, miss_probability=1.0
    )
    intervener = Intervener(config)
    for episode in range(3):
        start = 100 * episode
        if episode:
            intervener.start(start * PERIOD_NS)
        verdicts = watch(intervener, approach(30), start=start)
        if episode < 2:  # on track, held, past the budget: still driven, from 0.3 s to the end
            assert [v.drive for v in verdicts] == [False] * 3 + [True] * 27, episode
            assert verdicts[-1].reason == 'guide' and intervener.intervention_rate == 0.9
        else:
            assert not any(v.drive for v in verdicts) and intervener.intervention_rate == 0.0


def test_a_new_episode_starts_fresh():
    intervener = Intervener(IntervenerConfig(reaction_delay_s=0.0))
    watch(intervener, approach(5), gripper=1.0)
    assert intervener.intervention_rate == 1.0
    intervener.start(100 * PERIOD_NS)
    watch(intervener, approach(5), start=100)
    assert intervener.intervention_rate == 0.0 and intervener.state == WATCHING


def test_settings_are_checked_and_described():
    assert set(DESCRIPTIONS) == set(IntervenerConfig.__dataclass_fields__)
    with pytest.raises(ValueError, match='reaction_delay_s must be a finite number >= 0'):
        Intervener(IntervenerConfig(reaction_delay_s=-1.0))
    with pytest.raises(ValueError, match='miss_probability must be in'):
        Intervener(IntervenerConfig(miss_probability=2.0))
    with pytest.raises(ValueError, match='away_steps must be an integer'):
        Intervener(IntervenerConfig(away_steps=1.5))
