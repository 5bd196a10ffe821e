# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What a person driving the robot needs to know, from the simulator's per-step info.

Who acts now, the episode and step, the time left, the gripper's state and how the last episode
ended. The terminal's status line and the browser's driving page both read this one summary, so
they cannot tell a person different things. Free of ROS: it reads StepInfo-like attributes.
"""

from dataclasses import dataclass
from typing import Any, Optional

from franka_hil_common import actions, events
from franka_hil_common.task import CONTROL_DT, MAX_EPISODE_STEPS

# StepInfo.actor codes (franka_hil_msgs/StepInfo ACTOR_*).
ACTOR_NONE = 0
ACTOR_POLICY = 1
ACTOR_HUMAN = 2
ACTOR_NAMES = {ACTOR_NONE: 'nobody', ACTOR_POLICY: 'policy', ACTOR_HUMAN: 'person'}


def outcome_of(info: Any) -> Optional[str]:
    """Return how a step ended its episode ('success', 'time limit', ...), None if it did not."""
    if not (info.terminated or info.truncated):
        return None
    if info.rerecord_episode or info.human_event == events.RERECORD:
        return 're-record'
    if info.physics_error:
        return 'physics error'
    if info.success:
        return 'success'
    if info.human_event == events.FAILURE:
        return 'failure (declared)'
    if info.truncated:
        return 'time limit'
    return 'failure'


@dataclass
class DrivingStatus:
    """The latest step's summary; `update` it with every StepInfo, in order."""

    max_episode_steps: int = MAX_EPISODE_STEPS
    control_dt: float = CONTROL_DT
    episode: int = 0
    step: int = 0
    actor: int = ACTOR_NONE
    gripper_closed: bool = False
    last_outcome: Optional[str] = None
    _gripper_command: float = 0.0  # the env's normalised command: 0 open .. 1 closed

    def update(self, info: Any) -> Optional[str]:
        """Take one StepInfo (attributes); return the episode's outcome when this step ended it."""
        if info.step == 1 or info.episode != self.episode:
            self._gripper_command = 0.0  # every episode starts with the gripper open
        self.episode, self.step, self.actor = int(info.episode), int(info.step), int(info.actor)
        if len(info.action) == 4:  # EE action with gripper: g - 1 moves the command
            self._gripper_command = min(
                1.0, max(0.0, self._gripper_command + float(info.action[3]) - actions.GRIPPER_STAY)
            )
        self.gripper_closed = self._gripper_command > 0.5
        outcome = outcome_of(info)
        if outcome is not None:
            self.last_outcome = outcome
        return outcome

    @property
    def time_left_s(self) -> float:
        """Seconds of sim time before the episode's time limit."""
        return max(0, self.max_episode_steps - self.step) * self.control_dt

    @property
    def actor_name(self) -> str:
        return ACTOR_NAMES.get(self.actor, 'nobody')

    def as_dict(self) -> dict:
        """Return the summary as JSON-ready values (the driving page's `status`)."""
        return {
            'episode': self.episode,
            'step': self.step,
            'actor': self.actor_name,
            'time_left_s': round(self.time_left_s, 2),
            'gripper': 'closed' if self.gripper_closed else 'open',
            'last_outcome': self.last_outcome,
        }

    def line(self) -> str:
        """Return one terminal line: 'episode 3, step 41 | person acts | 5.9 s left | ...'."""
        text = (
            f'episode {self.episode}, step {self.step} | {self.actor_name} acts | '
            f'{self.time_left_s:.1f} s left | gripper '
            f'{"closed" if self.gripper_closed else "open"}'
        )
        if self.last_outcome:
            text += f' | last episode: {self.last_outcome}'
        return text
