# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The tables of docs/ that are generated from the code: env ids, launch arguments, parameters.

Each sits between `<!-- generated: NAME -->` and `<!-- end generated -->` in a docs page, so
the prose around it is hand-written and the table itself can never drift from the code:
test_docs_tables.py fails when a table differs from what this module renders, and
`bash scripts/with_env.sh python test/docs_tables.py --write` rewrites them.
"""

from pathlib import Path
import re
import sys

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r'(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)', re.S)


def _row(*cells):
    return '| ' + ' | '.join(str(c).replace('|', '\\|').replace('\n', ' ') for c in cells) + ' |'


def _table(header, rows):
    return '\n'.join([_row(*header), _row(*['---'] * len(header)), *rows]) + '\n'


def _code(value):
    return f'`{value}`' if value != '' else "`''`"


def launch_arguments():
    """Arguments of config/pick_cube.yaml (what bringup and ros2 launch take)."""
    from franka_hil_sim.bringup.graph import arguments_of, load_description

    rows = []
    for arg in arguments_of(load_description(ROOT / 'config' / 'pick_cube.yaml')):
        if arg.choices:
            values = ', '.join(
                _code(c) for c in [arg.default, *(c for c in arg.choices if c != arg.default)]
            )
        elif arg.kind == 'int':
            values = f'{_code(arg.default)} ({arg.minimum}..{arg.maximum})'
        else:
            values = _code(arg.default)
        rows.append(_row(_code(arg.name), values, ' '.join(arg.description.split())))
    return _table(('argument', 'values (default first)', 'meaning'), rows)


def sim_parameters():
    """ROS parameters of the simulator node (franka_hil_sim.node.parameters)."""
    from franka_hil_sim.node.parameters import PARAMETERS

    rows = [
        _row(_code(name), _code(default), ' '.join(text.split()))
        for name, (default, text) in PARAMETERS.items()
    ]
    return _table(('parameter', 'default', 'meaning'), rows)


def env_ids():
    """Gymnasium ids that `import franka_hil_sim` and `import franka_hil_gym_bridge` register."""
    import franka_hil_gym_bridge  # noqa: F401  (registers the graph-backed ids)
    import franka_hil_sim  # noqa: F401  (registers the direct ids)
    import gymnasium as gym

    rows = []
    for env_id, spec in sorted(gym.registry.items()):
        if env_id.split('/')[0] in ('franka_hil', 'franka_hil_ros', 'gym_hil'):
            kwargs = ', '.join(f'{k}={v!r}' for k, v in sorted(spec.kwargs.items()))
            rows.append(
                _row(
                    _code(env_id),
                    'direct (no ROS)' if env_id.startswith('franka_hil/') else 'the graph',
                    kwargs or '-',
                    spec.max_episode_steps,
                )
            )
    return _table(('id', 'runs on', 'kwargs it sets', 'steps per episode'), rows)


TABLES = {
    'launch-arguments': launch_arguments,
    'sim-parameters': sim_parameters,
    'env-ids': env_ids,
}


def blocks(text):
    """Yield (name, current table text, match) of each generated block of a page."""
    for match in BLOCK.finditer(text):
        yield match.group(2), match.group(3), match


def render(text):
    """Return the page with every generated table rendered anew."""

    def fill(match):
        name = match.group(2)
        if name not in TABLES:
            raise ValueError(f'unknown generated table {name!r} (known: {sorted(TABLES)})')
        return match.group(1) + TABLES[name]() + match.group(4)

    return BLOCK.sub(fill, text)


def pages():
    """Return the docs pages that hold generated tables."""
    return [p for p in sorted(ROOT.glob('docs/*.md')) if BLOCK.search(p.read_text())]


if __name__ == '__main__':
    if sys.argv[1:] != ['--write']:
        raise SystemExit('usage: python test/docs_tables.py --write  (rewrites docs/ tables)')
    for page in pages():
        page.write_text(render(page.read_text()))
        print(f'rewrote the generated tables of {page.relative_to(ROOT)}')
