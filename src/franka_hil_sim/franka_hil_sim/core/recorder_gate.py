# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
When a recorded simulator may run its first step: once the recorder receives it, free of ROS.

The recorder starts after the simulator (so that it stops first) and finds the topics to record
by looking at the graph; a realtime simulator that ran at once would start its first episode
before the recorder had subscribed, and the bag would miss that episode's start (the dataset
then skips the episode). So the simulator holds until the recorder says, in its status, that it
records every topic of this simulator it wants, and this simulator's publisher of each has
matched every subscription the graph shows on it. The wait is bounded: a recorder that never
comes (or never records these topics) is an error line, and the simulation runs on without it.
"""

from dataclasses import dataclass

# How long the simulator waits for its recorder before it runs without it (s of wall time).
DEFAULT_RECORDER_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Endpoints:
    """
    One topic this simulator publishes, as its publisher and the graph see it.

    matched: subscriptions the publisher has matched (it sends to those); shown: subscriptions
    the graph shows that can match it (compatible QoS); by_recorder: those of the recorder.
    """

    matched: int
    shown: int
    by_recorder: int

    def received(self):
        """Tell whether the recorder's subscription is shown and every one shown is matched."""
        return self.by_recorder > 0 and self.matched >= self.shown


class RecorderGate:
    """Holds a simulator's first step until its recorder receives every topic it wants of it."""

    def __init__(self, recorder, timeout_s, started_at):
        """Take the recorder's node name ('' = none to wait for), the bound and the start time."""
        self.recorder = recorder
        self.timeout_s = timeout_s
        self._started_at = started_at
        self._status = None  # the recorder's latest status (its decoded JSON)
        self.open = not recorder
        self.missing = ()  # what the last check still waited for, for the messages

    def on_status(self, status):
        """Take a status message of the recorder (the decoded JSON of its ~/status); False: bad."""
        if not isinstance(status, dict):
            return False
        self._status = status
        return True

    def wanted(self, published):
        """Return the topics of `published` (full names) that the recorder records, sorted."""
        if self._status is None:
            return []
        return sorted(set(self._status.get('wanted', ())) & set(published))

    def check(self, endpoints, now):
        """
        Take {topic: Endpoints} of this simulator and the time; return what changed, if anything.

        None while it holds; 'open' once the recorder receives every wanted topic (or it failed:
        a recorder that stopped recording has nothing to wait for); 'timeout' when it did not
        within timeout_s. After either, the gate is open and returns None.
        """
        if self.open:
            return None
        status = self._status
        if status is not None and status.get('failure'):
            self.open, self.missing = True, ()
            return 'open'
        if status is None:
            self.missing = (f'{self.recorder} (not started)',)
        else:
            recording = set(status.get('topics', {}))
            self.missing = tuple(
                topic
                for topic in self.wanted(endpoints)
                if topic not in recording or not endpoints[topic].received()
            )
            if not self.missing:
                self.open = True
                return 'open'
        if now - self._started_at > self.timeout_s:
            self.open = True
            return 'timeout'
        return None
