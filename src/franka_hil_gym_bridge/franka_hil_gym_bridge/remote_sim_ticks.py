# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
A realtime sim node's ticks as env steps: publish the action, return the tick that applied it.

In realtime mode the sim node steps on its own wall clock, every control period, with the latest
`action` message (a hold action once that is older than its action_timeout) unless a human
overrides it, and publishes each tick's `observation` and `step_info` stamped with the tick's sim
time. A step publishes the action and returns the first tick received after that whose
policy_action is the action, with the observation of the same stamp, as a Step response: the
env reads it exactly as a lockstep step. Ticks in between are the ones the env was too slow for.

An episode end is never skipped: a tick the env has not seen that ended the episode is returned
instead (the action is then not published if that was known before), and later steps are
refused until reset, as a lockstep sim refuses them.

The sim echoes the action's value, not which message carried it: a tick received after the
publish that applied an equal action sent earlier (the same action twice in a row, or the hold
action while the sim holds on its own) counts as the action's; it executed the same action.
"""

import time

from franka_hil_common import names
from franka_hil_common.messages import stamp_ns
from franka_hil_gym_bridge.remote_sim_link import RESEND_S, SimUnavailable
from franka_hil_gym_bridge.responses import SimRefused
from franka_hil_msgs.srv import Step
import numpy as np


class Ticks:
    """The ticks of the realtime sim behind `link`, taken as the env steps."""

    def __init__(self, link, images=False):
        self.link = link
        self.images = images
        self.stamp_ns = None  # of the last observation returned (reset or step)
        self.episode = None
        self.ended = 'no episode running yet (call reset first)'

    def reset(self, stamp, episode):
        """Take the sim's reset: its observation is stamped `stamp`, its episode is `episode`."""
        self.stamp_ns, self.episode, self.ended = stamp, episode, None

    def step(self, action, timeout):
        """
        Return the tick that applied `action` as a Step.Response.

        SimUnavailable when no tick applies it within `timeout` s.
        """
        if self.ended:
            raise SimRefused(
                f'{self.link.where}: step refused: {self.ended}; call reset to start the next one'
            )
        deadline = time.monotonic() + timeout
        published = False  # first the ticks that arrived before this step, then the action
        resend_at = deadline
        while True:
            wait_s = 0.0
            if published:
                now = time.monotonic()
                if now >= deadline:
                    raise SimUnavailable(
                        f'{self.link.where} applied no action within {timeout:g} s '
                        f'(nothing new on {self.link.tick_topic(names.STEP_INFO)}): it died or '
                        f'hangs. Start it again, then call reset()'
                    )
                if now >= resend_at:
                    # The first one may precede the sim's discovery of this publisher; the sim
                    # keeps only the latest, so a resend changes nothing else.
                    self.link.publish_action(action)
                    resend_at = now + RESEND_S
                wait_s = min(deadline, resend_at) - now
            info = self.link.take_tick(names.STEP_INFO, wait_s)
            if info is None:
                if not published:
                    self.link.publish_action(action)
                    published, resend_at = True, time.monotonic() + RESEND_S
                continue
            stamp = stamp_ns(info.header.stamp)
            if stamp <= self.stamp_ns:
                continue  # before the last observation returned
            if info.episode != self.episode:
                self.ended = (
                    f'episode {self.episode} ended in a tick this env did not '
                    f'receive (the sim is in episode {info.episode}: another client '
                    f'reset it, or the env paused for more ticks than it keeps)'
                )
                raise SimRefused(f'{self.link.where}: {self.ended}; call reset')
            applied = published and np.array_equal(
                np.asarray(info.policy_action, dtype=np.float32), action
            )
            if applied or info.terminated or info.truncated:
                return self._result(info, stamp, deadline, timeout)

    def _result(self, info, stamp, deadline, timeout):
        observation = self._observation(stamp, deadline, timeout)
        if self.images:
            frames = self.link.frames(stamp, max(0.0, deadline - time.monotonic()), exact=True)
            observation.image_names = list(frames)
            observation.images = list(frames.values())
        self.stamp_ns = stamp
        if info.terminated or info.truncated:
            kind = 'terminated' if info.terminated else 'truncated'
            self.ended = f'episode {info.episode} ended ({kind}) at step {info.step}'
        response = Step.Response(
            ok=True,
            observation=observation,
            reward=info.reward,
            terminated=info.terminated,
            truncated=info.truncated,
            info=info,
        )
        return response

    def _observation(self, stamp, deadline, timeout):
        """Return the observation stamped `stamp` (dropping older ones)."""
        while True:
            remaining = deadline - time.monotonic()
            msg = self.link.take_tick(names.OBSERVATION, max(0.0, remaining))
            if msg is None:
                if remaining <= 0:
                    raise SimUnavailable(
                        f'no {self.link.tick_topic(names.OBSERVATION)} stamped {stamp} ns '
                        f'(the tick of its step_info) from {self.link.where} within {timeout:g} s'
                    )
                continue
            have = stamp_ns(msg.header.stamp)
            if have == stamp:
                return msg
            if have > stamp:
                raise SimUnavailable(
                    f'the {self.link.tick_topic(names.OBSERVATION)} message '
                    f'stamped {stamp} ns from {self.link.where} was lost'
                )
