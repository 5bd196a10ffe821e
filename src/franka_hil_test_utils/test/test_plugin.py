# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The tiers: tests marked from their fixtures, --fast keeping the rest, the guard behind it."""

import os

from franka_hil_test_utils import plugin
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


@pytest.fixture(scope='module')
def a_module_graph():
    return None


def test_sharing_the_module_graph(a_module_graph):
    pass


def test_sharing_it_too(a_module_graph):
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
    assert marks['test_with_a_browser'] == ['browser', 'process', 'xdist_group']
    assert (
        marks['test_with_the_sb3_venv'] == marks['test_with_the_lerobot_venv'] == ['outside_venv']
    )


def test_tests_sharing_a_wider_fixture_or_a_browser_are_one_xdist_group(suite):
    result = suite.runpytest_inprocess('--collect-only', '-q')
    groups = {
        item.name: [m.args[0] for m in item.iter_markers('xdist_group')]
        for item in result.reprec.getcalls('pytest_collection_finish')[0].session.items
    }
    (module,) = groups['test_sharing_the_module_graph']  # the module's node id
    assert module.endswith('test_suite.py') and groups['test_sharing_it_too'] == [module]
    assert groups['test_with_a_browser'] == ['browser']
    assert groups['test_plain'] == groups['test_with_a_command'] == []


def test_fast_keeps_the_tests_that_need_none_of_it(suite):
    assert sorted(collected(suite, '-m', 'graph')) == [
        'test_starting_a_process_with_a_node_only',
        'test_with_a_node',
    ]
    assert sorted(collected(suite, '--fast')) == [
        'test_joining_a_graph_without_saying_so',
        'test_plain',
        'test_sharing_it_too',
        'test_sharing_the_module_graph',
        'test_starting_a_process_without_saying_so',
        'test_with_the_lerobot_venv',
        'test_with_the_sb3_venv',
    ]
    assert sorted(collected(suite, '--fast', '-m', 'not outside_venv')) == [
        'test_joining_a_graph_without_saying_so',
        'test_plain',
        'test_sharing_it_too',
        'test_sharing_the_module_graph',
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


def test_a_domain_held_by_another_test_process_is_not_taken():
    taken = [plugin.take_domain() for _ in range(3)]  # each lock as another process's would be
    try:
        domains = [domain for domain, _ in taken]
        assert len(set(domains)) == 3
        if plugin._domain_lock is not None:  # this process took its own (none was set outside)
            assert str(domains[0]) != os.environ['ROS_DOMAIN_ID']
    finally:
        for _, lock in taken:
            os.close(lock)


def test_each_xdist_worker_has_a_domain_of_its_own_and_a_group_stays_on_one(pytester, run_process):
    pytester.makepyfile(
        test_domains="""
        import os

        import pytest


        def note(kind):
            worker = os.environ['PYTEST_XDIST_WORKER']
            with open(f'{worker}.{os.environ["ROS_DOMAIN_ID"]}', 'w'):
                pass
            with open(f'{kind}.{worker}', 'w'):
                pass


        @pytest.fixture(scope='module')
        def made_once():
            with open('made', 'a') as made:
                made.write(os.environ['PYTEST_XDIST_WORKER'] + '\\n')


        @pytest.mark.parametrize('k', range(4))
        def test_in_the_group(k, made_once):
            note('group')


        @pytest.mark.parametrize('k', range(8))
        def test_domain(k):
            note('single')
        """
    )
    result = pytester.runpytest_subprocess('-n', '2', '-p', 'xdist', '--dist', 'loadgroup')
    result.assert_outcomes(passed=12)
    seen = {path.name for path in pytester.path.iterdir() if path.name.startswith('gw')}
    domains = {name.split('.')[1] for name in seen}
    assert {name.split('.')[0] for name in seen} == {'gw0', 'gw1'} and len(seen) == 2, seen
    assert len(domains) == 2 and os.environ['ROS_DOMAIN_ID'] not in domains, seen
    # The tests sharing the module's fixture ran on one worker, which made it once (pytest-xdist
    # spreads them otherwise, the group's first tests first: one on each worker).
    assert len(list(pytester.path.glob('group.gw*'))) == 1
    assert len((pytester.path / 'made').read_text().split()) == 1


def test_a_worker_runs_the_slow_tests_first_each_kind_in_its_order():
    class Item:
        def __init__(self, name, slow):
            self.name, self.slow = name, slow

        def get_closest_marker(self, name):
            return name if name == 'slow' and self.slow else None

    items = [Item('a', False), Item('b', True), Item('c', False), Item('d', True)]
    plugin.slow_first(items)
    assert [item.name for item in items] == ['b', 'd', 'a', 'c']
