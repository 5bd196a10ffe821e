# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Success and intervention rates count whole episodes only."""

from franka_hil_sim.bringup.episode_stats import EpisodeStats
import pytest


def run(stats, episode, human_flags, success):
    done = [stats.add(episode, step, human, step == len(human_flags), success)
            for step, human in enumerate(human_flags, start=1)]
    return done


def test_whole_episodes_are_counted():
    stats = EpisodeStats()
    assert run(stats, 1, [True, True, False, True], True) == [False, False, False, True]
    run(stats, 2, [False, False], False)
    assert (stats.episodes, stats.successes, stats.steps, stats.intervention_steps) == (2, 1, 6, 3)
    assert stats.success_rate == pytest.approx(0.5)
    assert stats.intervention_rate == pytest.approx(0.5)
    assert '2 episodes, success rate 50% (1/2), intervention rate 50% of 6 steps' in \
        stats.summary()


def test_an_episode_joined_midway_is_skipped():
    stats = EpisodeStats()
    assert not stats.add(7, 5, True, False, False)
    assert not stats.add(7, 6, True, True, True)
    assert (stats.episodes, stats.steps) == (0, 0)
    run(stats, 8, [True], True)
    assert (stats.episodes, stats.successes, stats.steps) == (1, 1, 1)


def test_no_episode_gives_zero_rates():
    assert EpisodeStats().success_rate == 0.0 and EpisodeStats().intervention_rate == 0.0
