# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""RecorderGate: a recorded simulator's first step waits until the recorder receives it."""

from franka_hil_sim.core.recorder_gate import Endpoints, RecorderGate

MATCHED = Endpoints(matched=2, shown=2, by_recorder=1)


def status(wanted, recording, failure=None):
    """Return a recorder status as its ~/status JSON decodes."""
    return {
        'wanted': wanted,
        'topics': {t: {'messages': 0} for t in recording},
        'failure': failure,
    }


def test_without_a_recorder_the_gate_is_open_from_the_start():
    assert RecorderGate('', 60.0, 0.0).open


def test_it_holds_until_the_recorder_records_and_matches_every_wanted_topic():
    gate = RecorderGate('/recorder', 60.0, 0.0)
    ours = {'/step_info': MATCHED, '/observation': MATCHED, '/real_time_factor': MATCHED}
    assert gate.check(ours, 1.0) is None and gate.missing == ('/recorder (not started)',)
    gate.on_status(status(['/step_info', '/observation', '/joy'], ['/step_info']))
    assert gate.check(ours, 2.0) is None and gate.missing == ('/observation',)
    gate.on_status(status(['/step_info', '/observation', '/joy'], ['/step_info', '/observation']))
    # recorded, but our publisher has not matched the recorder's subscription yet
    late = dict(ours, **{'/observation': Endpoints(matched=1, shown=2, by_recorder=1)})
    assert gate.check(late, 3.0) is None and gate.missing == ('/observation',)
    # nor does the graph show the recorder's subscription yet
    unseen = dict(ours, **{'/observation': Endpoints(matched=1, shown=1, by_recorder=0)})
    assert gate.check(unseen, 3.5) is None
    assert gate.check(ours, 4.0) == 'open' and gate.open
    assert gate.check(ours, 5.0) is None  # said once


def test_a_recorder_that_wants_none_of_our_topics_opens_it():
    gate = RecorderGate('/recorder', 60.0, 0.0)
    gate.on_status(status(['/step_info'], ['/step_info']))
    assert gate.check({'/sim0/step_info': MATCHED}, 1.0) == 'open'


def test_a_recorder_that_stopped_recording_opens_it():
    gate = RecorderGate('/recorder', 60.0, 0.0)
    gate.on_status(status(['/step_info'], [], failure='No space left on device'))
    assert gate.check({'/step_info': MATCHED}, 1.0) == 'open'


def test_a_status_that_is_not_an_object_is_refused():
    gate = RecorderGate('/recorder', 60.0, 0.0)
    assert not gate.on_status(['/step_info'])
    assert gate.check({'/step_info': MATCHED}, 1.0) is None


def test_a_recorder_that_never_comes_times_out_once():
    gate = RecorderGate('/recorder', 5.0, 10.0)
    assert gate.check({'/step_info': MATCHED}, 15.0) is None
    assert gate.check({'/step_info': MATCHED}, 15.1) == 'timeout' and gate.open
    assert gate.missing == ('/recorder (not started)',)
    assert gate.check({'/step_info': MATCHED}, 16.0) is None
