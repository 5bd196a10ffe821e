# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The recorder's reader QoS: it matches every writer, and records history only of state."""

from franka_hil_recorder.bag_recorder import EndpointQos, subscription_qos

LATCHED = EndpointQos(reliable=True, transient_local=True)
VOLATILE = EndpointQos(reliable=True, transient_local=False)


def test_latched_state_keeps_its_history_and_a_mixed_topic_reads_volatile():
    assert subscription_qos([LATCHED], '/tf_static').transient_local
    assert subscription_qos([LATCHED], '/ns/robot_description').transient_local
    assert not subscription_qos([LATCHED, VOLATILE], '/tf_static').transient_local
    assert not subscription_qos([EndpointQos(False, True), LATCHED], '/x').reliable


def test_step_info_history_predates_the_recording_so_it_is_not_recorded():
    assert not subscription_qos([LATCHED], '/step_info').transient_local
    assert not subscription_qos([LATCHED], '/sim0/step_info').transient_local
    assert subscription_qos([LATCHED], '/sim0/step_info').reliable
