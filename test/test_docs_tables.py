# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The tables of docs/ say what the code does: generated ones match, the topic table is checked."""

import importlib.util
import os
from pathlib import Path
import re

from ament_index_python.packages import get_package_prefix
from rclpy.node import NodeNameNonExistentError

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location('docs_tables', ROOT / 'test' / 'docs_tables.py')
docs_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(docs_tables)
# Every node has these; the table lists what is the simulator's own.
ROS_INFRASTRUCTURE = re.compile(
    r'/rosout|/parameter_events|.*/(describe|get|list|set)_parameters'
    r'(_atomically)?|.*/get_parameter_types|.*/get_type_description'
)


def test_every_generated_table_matches_the_code():
    pages = docs_tables.pages()
    found = {name for page in pages for name, _, _ in docs_tables.blocks(page.read_text())}
    assert found == set(docs_tables.TABLES), 'a generated table is missing from docs/'
    for page in pages:
        text = page.read_text()
        assert docs_tables.render(text) == text, (
            f'{page.relative_to(ROOT)}: a generated table drifted from the code; run '
            '`bash scripts/with_env.sh python test/docs_tables.py --write`'
        )


def test_a_planted_drift_fails():
    page = ROOT / 'docs' / 'graph.md'
    drifted = page.read_text().replace(
        '| `mode` | `lockstep`, `realtime` |', '| `mode` | `realtime`, `lockstep` |'
    )
    assert drifted != page.read_text(), 'the mode row moved: update this test'
    assert docs_tables.render(drifted) != drifted


def documented_interface():
    """{(direction, name, type)} of the topic table in docs/graph.md (types as ROS spells them)."""
    text = (ROOT / 'docs' / 'graph.md').read_text()
    table = text[text.index('| direction | name | type | notes |') :].split('\n\n')[0]
    rows = set()
    for line in table.splitlines()[2:]:
        direction, names, types = (c.strip() for c in line.strip('|').split('|')[:3])
        names = re.findall(r'`([^`]+)`', names)
        types = [t.strip() for t in types.split(',')]
        for i, name in enumerate(names):
            package, kind = types[min(i, len(types) - 1)].split('/', 1)
            middle = 'srv' if direction == 'srv' else 'msg'
            kind = kind.split('/')[-1]
            rows.add(
                (
                    direction,
                    name if name.startswith('/') else '/' + name,
                    f'{package}/{middle}/{kind}',
                )
            )
    return rows


def test_topic_table_is_what_the_simulator_offers(start_process, ros_node, spin):
    sim = f'{get_package_prefix("franka_hil_sim")}/lib/franka_hil_sim/sim_node'
    ns = f'/docs_check_{os.getpid()}'
    proc = start_process(
        [sim, '--ros-args', '-r', f'__ns:={ns}', '-p', 'mode:=realtime'], name='sim_node'
    )
    proc.wait_for_output('ready', timeout=60)
    expected = documented_interface()

    def offered():
        found = set()
        for direction, query in (
            ('pub', ros_node.get_publisher_names_and_types_by_node),
            ('sub', ros_node.get_subscriber_names_and_types_by_node),
            ('srv', ros_node.get_service_names_and_types_by_node),
        ):
            try:
                offers = query('sim', ns)
            except NodeNameNonExistentError:  # not discovered yet
                return found
            for name, types in offers:
                name = name[len(ns) :] if name.startswith(ns + '/') else name
                if not ROS_INFRASTRUCTURE.fullmatch(name):
                    found |= {(direction, name, t) for t in types}
        return found

    spin(
        ros_node,
        lambda: offered() >= expected or offered() - expected,
        30,
        lambda: f'the sim node to show its interface: missing {expected - offered()}',
    )
    assert offered() == expected, (
        f'docs/graph.md lists {expected - offered()} that the node '
        f'does not offer, and omits {offered() - expected}'
    )


def test_relative_links_of_the_readme_and_docs_lead_somewhere():
    broken = []
    for page in [
        ROOT / 'README.md',
        *sorted(ROOT.glob('docs/*.md')),
        *sorted(ROOT.glob('src/*/README.md')),
    ]:
        for target in re.findall(r'\]\(([^)#]+)\)', page.read_text()):
            if '://' not in target and not (page.parent / target).exists():
                broken.append(f'{page.relative_to(ROOT)}: {target}')
    assert not broken, broken
    assert len((ROOT / 'README.md').read_text().splitlines()) <= 150
