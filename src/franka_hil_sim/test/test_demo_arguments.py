# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The demo's bringup command line: each argument once, ports only for the view it starts."""

from franka_hil_sim.bringup.demo import bringup_arguments


def names(arguments):
    return [a.split(':=', 1)[0] for a in arguments]


def test_each_argument_once_the_users_value_winning():
    arguments = bringup_arguments(['record:=out/bag', 'teleop:=keyboard', 'teleop:=browser'])
    assert sorted(names(arguments)) == sorted(set(names(arguments)))
    assert 'teleop:=browser' in arguments and 'teleop:=script' not in arguments


def test_ports_only_for_the_view_that_runs():
    assert set(names(bringup_arguments([]))) >= {'drive_port'}
    assert not {'viewer_port', 'viewer_data_port'} & set(names(bringup_arguments([])))
    rerun = names(bringup_arguments(['viewer:=rerun']))
    assert {'viewer_port', 'viewer_data_port'} <= set(rerun) and 'drive_port' not in rerun
    assert 'drive_port' in names(bringup_arguments(['viewer:=none', 'teleop:=browser']))
    none = names(bringup_arguments(['viewer:=none']))
    assert not {'drive_port', 'viewer_port', 'viewer_data_port'} & set(none)
    assert 'drive_port:=8123' in bringup_arguments(['drive_port:=8123'])
