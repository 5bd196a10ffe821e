# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The tiers: tests marked from their fixtures, --fast keeping the rest, the guard behind it."""

import pytest

pytest_plugins = ['pytester']

TESTS = """
import subprocess

import pytest


@pytest.fixture
def through_a_fixture(start_process):
    return start_process


@pytest.fixture
def ros_node():
    # The plugin's name, so the same marker, but no DDS participant: the outer test runs these
    # in its own process, in the fast tier.
    return None


def test_plain():
    pass


def test_with_a_node(ros_node):
    pass


def test_with_a_process_through_another_fixture(through_a_fixture):
    pass


def test_with_a_display_and_a_terminal(x_display, tmux):
    pass


def test_with_a_command(run_process):
    pass


def test_with_a_browser(chromium):
    pass


def test_with_the_sb3_venv(sb3_venv):
    pass


def test_with_the_lerobot_venv(lerobot_venv):
    pass


def test_starting_a_process_without_saying_so():
    subprocess.run(['true'])


def test_joining_a_graph_without_saying_so():
    import rclpy
    rclpy.Context().init()


def test_starting_a_process_with_a_node_only(ros_node):
    subprocess.run(['true'])
"""


@pytest.fixture
def suite(pytester):
    pytester.makepyfile(test_suite=TESTS)
    return pytester


def collected(suite, *args):
    """Give {test name: marker names} of what pytest collects with `args`."""
    result = suite.runpytest_inprocess('--collect-only', '-q', *args)
    names = [line.split('::')[-1] for line in result.outlines if '::' in line]
    items = {}
    for item in result.reprec.getcalls('pytest_collection_finish')[0].session.items:
        if item.name in names:
            items[item.name] = sorted(m.name for m in item.iter_markers())
    return items


def test_each_test_is_marked_by_the_fixtures_it_uses(suite):
    marks = collected(suite)
    assert marks['test_plain'] == []
    assert marks['test_with_a_node'] == ['graph']
    assert marks['test_with_a_process_through_another_fixture'] == ['process']
    assert marks['test_with_a_display_and_a_terminal'] == ['display', 'process', 'terminal']
    assert marks['test_with_a_command'] == ['process']
    assert marks['test_with_a_browser'] == ['browser', 'process']
    assert (
        marks['test_with_the_sb3_venv'] == marks['test_with_the_lerobot_venv'] == ['outside_venv']
    )


def test_fast_keeps_the_tests_that_need_none_of_it(suite):
    assert sorted(collected(suite, '-m', 'graph')) == [
        'test_starting_a_process_with_a_node_only',
        'test_with_a_node',
    ]
    assert sorted(collected(suite, '--fast')) == [
        'test_joining_a_graph_without_saying_so',
        'test_plain',
        'test_starting_a_process_without_saying_so',
        'test_with_the_lerobot_venv',
        'test_with_the_sb3_venv',
    ]
    assert sorted(collected(suite, '--fast', '-m', 'not outside_venv')) == [
        'test_joining_a_graph_without_saying_so',
        'test_plain',
        'test_starting_a_process_without_saying_so',
    ]


def test_a_test_needing_an_absent_outside_venv_skips_and_says_why(suite, monkeypatch, tmp_path):
    monkeypatch.setenv('LEROBOT_VENV', str(tmp_path / 'not_made'))
    result = suite.runpytest_inprocess('-rs', '-k', 'lerobot_venv')
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [f'SKIPPED*LeRobot venv not present ({tmp_path / "not_made"}): run `bash scripts/*']
    )


def test_a_test_that_starts_a_process_or_a_graph_unmarked_fails_and_says_why(suite):
    result = suite.runpytest_inprocess('--fast', '-k', 'without_saying_so')
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            '*test_starting_a_process_without_saying_so started a process (subprocess.Popen*',
            '*test_joining_a_graph_without_saying_so started an rclpy context*',
        ]
    )


def test_a_process_needs_a_process_fixture_even_in_a_graph_test(suite):
    result = suite.runpytest_inprocess('-k', 'with_a_node_only')
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*with_a_node_only started a process (subprocess.Popen*'])
