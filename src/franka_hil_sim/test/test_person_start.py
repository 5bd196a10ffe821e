# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""PersonStart: an episode held at its reset starts on a takeover, not on a held override."""

from franka_hil_sim.node.person_start import PersonStart


def test_a_takeover_starts_the_held_episode_once():
    start = PersonStart(timeout=0.5)
    assert not start.on_override(True, 0.0)  # nothing is held yet: no start to give
    start.on_override(False, 0.1)
    start.hold()
    assert start.on_override(True, 0.2) and not start.waiting
    assert not start.on_override(True, 0.21)


def test_an_override_still_held_from_the_last_episode_must_be_released_first():
    start = PersonStart(timeout=0.5)
    start.on_override(True, 0.0)
    start.hold()
    assert not start.on_override(True, 0.01)  # the keyboard repeats its held override
    assert not start.on_override(False, 0.02) and start.waiting
    assert start.on_override(True, 0.03)


def test_an_override_silent_for_longer_than_the_timeout_counts_as_released():
    start = PersonStart(timeout=0.5)
    start.on_override(True, 0.0)  # then the teleop died holding it
    start.hold()
    assert start.on_override(True, 0.6)
