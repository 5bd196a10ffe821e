# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
When a watching person would take over from the policy, and when they would hand back.

The corrective mode of the synthetic human: instead of holding the override all the time, it
watches what a person sees (the tool, the cube, the gripper, the clock), judges the policy off
track by plain rules, reacts after a human-like delay, drives until the policy can go on, and
lets go; optionally within a per-episode budget and sometimes not noticing, and driving the
first few episodes of a run whole, as LeRobot's HIL-SERL guide advises a person to. Time is the
sim time of the observations, so a run is the same whatever the machine's speed. It imports no
ROS.
"""

from dataclasses import dataclass, fields
import math
import random

import numpy as np
import numpy.typing as npt

WATCHING, NOTICED, DRIVING = 'watching', 'noticed', 'driving'
# The rules, in the order they are checked; the first that holds is the reason given.
RULES = ('guide', 'time_out', 'dropped', 'closed_away', 'moving_away', 'no_progress')


# Lengths in m, times in s of sim time, as the names' suffixes say; the synthetic human node's
# parameters are these names (intervener.NAME).
DESCRIPTIONS = {
    'reaction_delay_s': 'seconds between noticing the policy off track and taking over',
    'away_steps': 'observations in a row with the tool moving away from the cube (by more than '
    'away_epsilon_m each) that count as off track',
    'away_epsilon_m': 'metres the tool must move away per observation for away_steps',
    'no_progress_s': 'seconds the tool may get no closer to the cube (by progress_epsilon_m), '
    'or a held cube no higher, before that counts as off track',
    'progress_epsilon_m': 'metres of progress that count for no_progress_s',
    'grasp_distance_m': 'a closed gripper farther than this from the cube is closed away from '
    'it: off track',
    'drop_height_m': 'a cube that was this high and fell back this far was dropped: off track',
    'time_out_s': 'take over for good when less than this is left of the episode and the cube '
    'is not lifted yet',
    'episode_s': 'length of an episode (sim time), for time_out_s',
    'handback_distance_m': 'hand back once the tool is this close to the cube in xy (gripper '
    'open, above it) or holds it, after min_hold_s of driving',
    'min_hold_s': 'seconds of driving before handing back',
    'budget_s': 'seconds the person may drive in one episode (0: no limit)',
    'miss_probability': 'chance of not noticing a moment the policy goes off track (the person '
    'looks again after no_progress_s)',
    'seed': 'seed of the not-noticing draws',
    'guide_episodes': 'episodes at the start of a run that the person drives whole, from their '
    'first observation to their end (no budget, no hand-back), before only '
    'correcting',
}


@dataclass(frozen=True)
class IntervenerConfig:
    """How the synthetic person judges and reacts; each field is described in DESCRIPTIONS."""

    reaction_delay_s: float = 0.3
    away_steps: int = 3
    away_epsilon_m: float = 0.002
    no_progress_s: float = 1.5
    progress_epsilon_m: float = 0.005
    grasp_distance_m: float = 0.03
    drop_height_m: float = 0.02
    time_out_s: float = 4.0
    episode_s: float = 10.0
    handback_distance_m: float = 0.02
    min_hold_s: float = 0.5
    budget_s: float = 0.0
    miss_probability: float = 0.0
    seed: int = 0
    guide_episodes: int = 0

    def problems(self) -> list[str]:
        """Return what is wrong with the values (empty when valid)."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type is int and (isinstance(value, bool) or not isinstance(value, int)):
                out.append(f'{f.name} must be an integer, got {value!r}')
            elif (
                not isinstance(value, (int, float))
                or isinstance(value, bool)
                or not math.isfinite(value)
                or value < 0
            ):
                out.append(f'{f.name} must be a finite number >= 0, got {value!r}')
        if not out and self.miss_probability > 1.0:
            out.append(f'miss_probability must be in [0, 1], got {self.miss_probability!r}')
        return out


@dataclass
class Verdict:
    """What the person does with one observation: drive (with the expert) or not, and why."""

    drive: bool
    state: str
    reason: str = ''


class Intervener:
    """Judges one episode after another from observations (call start() at each episode)."""

    def __init__(self, config: IntervenerConfig = IntervenerConfig()) -> None:
        problems = config.problems()
        if problems:
            raise ValueError('invalid intervener settings: ' + '; '.join(problems))
        self.config = config
        self._rng = random.Random(config.seed)
        self.episode = -1
        self.start(0)

    def start(self, stamp_ns: int) -> None:
        """Begin watching a new episode whose first observation is stamped `stamp_ns`."""
        self.episode += 1
        self.state, self.reason = WATCHING, ''
        self._start_ns = stamp_ns
        # When the person noticed / took over (meaningful in NOTICED / DRIVING only).
        self._noticed_ns = self._driving_ns = 0
        # Until when a missed moment goes unnoticed (inf: for the rest of the episode).
        self._missed_until_ns: float | None = None
        self._driven_ns = 0
        self._cube_z0: float | None = None
        self._max_lift = 0.0
        self._distances: list[float] = []
        self._progress: list[tuple[int, float]] = []  # (stamp_ns, progress measure)
        self.steps = 0
        self.driven_steps = 0

    @property
    def intervention_rate(self) -> float:
        """Share of this episode's observations on which the person drove."""
        return self.driven_steps / self.steps if self.steps else 0.0

    def observe(
        self, tcp: npt.ArrayLike, cube: npt.ArrayLike, gripper: float, stamp_ns: int
    ) -> Verdict:
        """
        Judge one observation; return a Verdict (drive: the expert's action goes to the pad).

        tcp and cube positions in m, gripper the normalised command (0 open .. 1 closed).
        """
        tcp_xyz, cube_xyz = np.asarray(tcp, float), np.asarray(cube, float)
        c = self.config
        self.steps += 1
        if self._cube_z0 is None:
            self._cube_z0 = float(cube_xyz[2])
        lift = float(cube_xyz[2]) - self._cube_z0
        self._max_lift = max(self._max_lift, lift)
        distance = float(np.linalg.norm(cube_xyz - tcp_xyz))
        holding = gripper > 0.5 and distance < c.grasp_distance_m
        self._distances.append(distance)
        self._progress.append((stamp_ns, 10.0 * lift - distance if holding else -distance))
        reason = self._off_track(tcp_xyz, cube_xyz, gripper, lift, holding, stamp_ns)
        if self.state == WATCHING and reason and reason != 'guide':
            if self._missed_until_ns is not None and stamp_ns < self._missed_until_ns:
                reason = ''
            elif self._rng.random() < c.miss_probability:
                self._missed_until_ns = stamp_ns + _ns(c.no_progress_s)
                reason = ''
        if self.state == WATCHING and reason:
            self.state, self.reason, self._noticed_ns = NOTICED, reason, stamp_ns
        if self.state == NOTICED and stamp_ns - self._noticed_ns >= _ns(c.reaction_delay_s) - 1:
            self.state, self._driving_ns = DRIVING, stamp_ns
        if self.state == DRIVING and self.reason != 'guide':
            if c.budget_s and stamp_ns - self._driving_ns + self._driven_ns >= _ns(c.budget_s):
                self.state, self.reason = WATCHING, 'budget spent'
                self._missed_until_ns = math.inf
            elif (
                stamp_ns - self._driving_ns >= _ns(c.min_hold_s) - 1
                and self.reason != 'time_out'
                and self._back_on_track(tcp_xyz, cube_xyz, gripper, holding)
            ):
                self._driven_ns += stamp_ns - self._driving_ns
                self.state, self.reason = WATCHING, ''
                self._progress = self._progress[-1:]
                self._distances = self._distances[-1:]
        drive = self.state == DRIVING
        self.driven_steps += drive
        return Verdict(drive, self.state, self.reason)

    def _off_track(
        self,
        tcp: npt.NDArray[np.float64],
        cube: npt.NDArray[np.float64],
        gripper: float,
        lift: float,
        holding: bool,
        stamp_ns: int,
    ) -> str:
        """Return the first rule that holds for the policy's recent behaviour ('' if none)."""
        c = self.config
        if self.episode < c.guide_episodes:
            return 'guide'
        if stamp_ns - self._start_ns >= _ns(c.episode_s - c.time_out_s) and lift < 0.05:
            return 'time_out'
        if (
            self._max_lift > c.drop_height_m
            and lift < self._max_lift - c.drop_height_m
            and not holding
        ):
            return 'dropped'
        if gripper > 0.5 and not holding and lift < c.drop_height_m:
            return 'closed_away'
        recent = self._distances[-(c.away_steps + 1) :]
        if (
            not holding
            and len(recent) == c.away_steps + 1
            and all(b - a > c.away_epsilon_m for a, b in zip(recent, recent[1:]))
        ):
            return 'moving_away'
        window = _ns(c.no_progress_s)
        before = [p for t, p in self._progress if stamp_ns - t >= window]
        if before and self._progress[-1][1] - before[-1] < c.progress_epsilon_m:
            return 'no_progress'
        return ''

    def _back_on_track(
        self,
        tcp: npt.NDArray[np.float64],
        cube: npt.NDArray[np.float64],
        gripper: float,
        holding: bool,
    ) -> bool:
        """Return True when the policy can go on: the cube held, or the open tool above it."""
        c = self.config
        if holding:
            return True
        above = tcp[2] > cube[2]
        return (
            gripper < 0.5
            and above
            and float(np.linalg.norm(cube[:2] - tcp[:2])) < c.handback_distance_m
        )


def _ns(seconds: float) -> int:
    return int(round(seconds * 1e9))
