# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Success and intervention rates count whole episodes only."""

from franka_hil_sim.bringup.episode_stats import EpisodeStats
from franka_hil_sim.bringup.status_line import StatusLine
import pytest


def run(stats, episode, human_flags, success):
    done = [
        stats.add(episode, step, human, step == len(human_flags), success)
        for step, human in enumerate(human_flags, start=1)
    ]
    return done


def test_whole_episodes_are_counted():
    stats = EpisodeStats()
    assert run(stats, 1, [True, True, False, True], True) == [False, False, False, True]
    run(stats, 2, [False, False], False)
    assert (stats.episodes, stats.successes, stats.steps, stats.intervention_steps) == (2, 1, 6, 3)
    assert stats.success_rate == pytest.approx(0.5)
    assert stats.intervention_rate == pytest.approx(0.5)
    assert (
        '2 episodes, success rate 50% (1/2), intervention rate 50% of 6 steps' in stats.summary()
    )


def test_an_episode_joined_midway_is_skipped():
    stats = EpisodeStats()
    assert not stats.add(7, 5, True, False, False)
    assert not stats.add(7, 6, True, True, True)
    assert (stats.episodes, stats.steps) == (0, 0)
    run(stats, 8, [True], True)
    assert (stats.episodes, stats.successes, stats.steps) == (1, 1, 1)


def test_no_episode_gives_zero_rates():
    assert EpisodeStats().success_rate == 0.0 and EpisodeStats().intervention_rate == 0.0


def test_an_episode_marked_for_re_recording_is_neither_success_nor_failure():
    stats = EpisodeStats()
    run(stats, 1, [True], True)
    assert not stats.add(2, 1, True, False, False)
    assert not stats.add(2, 2, True, True, False, rerecord=True)
    run(stats, 3, [False], False)
    assert (stats.episodes, stats.successes, stats.rerecorded, stats.steps) == (2, 1, 1, 2)
    assert (
        '(1/2)' in stats.summary() and '1 marked for re-recording, not counted' in stats.summary()
    )


class FakeTerminal:
    def __init__(self, tty):
        self.tty, self.text = tty, ''

    def isatty(self):
        return self.tty

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_the_status_line_is_redrawn_under_each_log_line_on_a_terminal_only():
    for tty in (True, False):
        out = FakeTerminal(tty)
        line = StatusLine(out)
        line.show('episode 1, step 3 | person acts')
        line.log('[keyboard] key map')
        line.show('episode 1, step 4 | person acts')
        line.close()
        if tty:
            assert out.text == (
                '\r\033[Kepisode 1, step 3 | person acts'
                '\r\033[K[keyboard] key map\nepisode 1, step 3 | person acts'
                '\r\033[Kepisode 1, step 4 | person acts\n'
            )
        else:
            assert out.text == '[keyboard] key map\n'
