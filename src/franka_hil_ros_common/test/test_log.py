# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""RateLimitedLog: one line per cause per period, with the count of what it suppressed."""

from franka_hil_ros_common.log import RateLimitedLog


class FakeLogger:
    def __init__(self):
        self.lines = []

    def warning(self, text):
        self.lines.append(('warning', text))

    def error(self, text):
        self.lines.append(('error', text))

    def info(self, text):
        self.lines.append(('info', text))


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_first_line_at_once_then_one_per_period_with_a_count():
    logger, clock = FakeLogger(), FakeClock()
    log = RateLimitedLog(logger, period=1.0, clock=clock)
    assert log.warning('shape', 'bad shape')
    for _ in range(499):  # 1 kHz for half a second
        clock.now += 0.001
        assert not log.warning('shape', 'bad shape')
    assert logger.lines == [('warning', 'bad shape')]
    clock.now = 101.0
    assert log.warning('shape', 'bad shape')
    assert logger.lines[-1] == ('warning', 'bad shape (499 more like this in the last 1.0 s)')
    clock.now = 101.5
    assert not log.warning('shape', 'bad shape')
    clock.now = 103.0
    log.warning('shape', 'bad shape')
    assert logger.lines[-1][1].startswith('bad shape (1 more like this')


def test_causes_are_independent_and_keep_their_level():
    logger, clock = FakeLogger(), FakeClock()
    log = RateLimitedLog(logger, period=1.0, clock=clock)
    for _ in range(10):
        log.error('a', 'A')
        log.info('b', 'B')
    assert logger.lines == [('error', 'A'), ('info', 'B')]


def test_a_second_of_flood_is_at_most_two_lines_per_cause():
    logger, clock = FakeLogger(), FakeClock()
    log = RateLimitedLog(logger, period=1.0, clock=clock)
    for i in range(10000):  # 10 s at 1 kHz
        clock.now = 100.0 + i * 0.001
        log.warning('x', 'X')
    assert 10 <= len(logger.lines) <= 11
