# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Success and intervention rates of a run, counted from the simulator's per-step info.

Only whole episodes count: one whose first step was not seen (the counter started mid-episode)
is skipped, so the rates never mix in a partial episode. An episode the person marked for
re-recording (`r`) is not counted at all, neither as a success nor as a failure: it is the
person's "that one does not count", and it does not enter a dataset either.
"""

from dataclasses import dataclass


@dataclass
class EpisodeStats:
    """Running totals over the complete episodes seen so far."""

    episodes: int = 0
    successes: int = 0
    rerecorded: int = 0
    steps: int = 0
    intervention_steps: int = 0
    _episode: object = None
    _steps: int = 0
    _interventions: int = 0

    def add(self, episode, step, is_intervention, done, success, rerecord=False):
        """Count one step (the StepInfo fields); return True when it completed a counted one."""
        if step == 1:
            self._episode, self._steps, self._interventions = episode, 0, 0
        if episode != self._episode:
            return False
        self._steps += 1
        self._interventions += bool(is_intervention)
        if not done:
            return False
        self._episode = None
        if rerecord:
            self.rerecorded += 1
            return False
        self.episodes += 1
        self.successes += bool(success)
        self.steps += self._steps
        self.intervention_steps += self._interventions
        return True

    @property
    def success_rate(self):
        return self.successes / self.episodes if self.episodes else 0.0

    @property
    def intervention_rate(self):
        """Share of executed steps that came from the human."""
        return self.intervention_steps / self.steps if self.steps else 0.0

    def summary(self):
        return (
            f'{self.episodes} episodes, success rate {self.success_rate:.0%} '
            f'({self.successes}/{self.episodes}), intervention rate '
            f'{self.intervention_rate:.0%} of {self.steps} steps, mean episode length '
            f'{self.steps / max(self.episodes, 1):.1f} steps'
            + (
                f' ({self.rerecorded} marked for re-recording, not counted)'
                if self.rerecorded
                else ''
            )
        )
