# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pick-cube graph description (config/pick_cube.yaml) resolved into concrete nodes.

The launch file and the pip-only `bringup` command both call `resolve_nodes` (and
`check_executables` before starting anything), so the node list, the parameters and the
argument checks are the same by construction: a bad argument is one line naming it and its
valid values, and a graph one of whose executables is missing starts no node at all.
"""

from dataclasses import dataclass, field, replace
import os
from pathlib import Path
import re
import shutil

from ament_index_python.packages import get_package_prefix, PackageNotFoundError
from franka_hil_common.task import episode_steps
import yaml

PLACEHOLDER = re.compile(r'\{(\w+(?:\+\w+)*)\}')
# A ROS namespace: tokens of letters, digits and _ (not starting with a digit), '/'-separated.
NAMESPACE = re.compile(r'/?([A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*)?/?')
TYPES = ('string', 'int', 'namespace')


@dataclass(frozen=True)
class NodeSpec:
    """One node to start: what ROS's launch_ros.actions.Node takes."""

    package: str
    executable: str
    name: str
    namespace: str = ''
    parameters: dict = field(default_factory=dict)
    arguments: tuple = ()
    # Reads the terminal (keyboard teleop's terminal backend): bringup hands it our stdin.
    interactive: bool = False
    # The graph is pointless without it: when it exits, everything stops (launch: Shutdown).
    required: bool = False


@dataclass(frozen=True)
class Argument:
    """A launch argument of the graph."""

    name: str
    default: str
    description: str = ''
    choices: tuple = ()
    kind: str = 'string'
    minimum: int = None
    maximum: int = None

    def valid_values(self):
        """Describe the values this argument takes (for error messages and help)."""
        if self.choices:
            return f'one of {list(self.choices)}'
        if self.kind == 'int':
            return f'an integer in [{self.minimum}, {self.maximum}]'
        if self.kind == 'namespace':
            return (
                "a ROS namespace ('' or names of letters, digits and _, not starting "
                "with a digit, separated by '/')"
            )
        return 'any text'

    def check(self, text):
        """Return None if `text` is a valid value, else the one-line error naming the argument."""
        ok = True
        if self.choices:
            ok = text in self.choices
        elif self.kind == 'int':
            try:
                value = int(text.strip())
            except ValueError:
                ok = False
            else:
                ok = (self.minimum is None or value >= self.minimum) and (
                    self.maximum is None or value <= self.maximum
                )
        elif self.kind == 'namespace':
            ok = NAMESPACE.fullmatch(text) is not None and '//' not in text
        if ok:
            return None
        return f'argument {self.name}:={text!r} is not valid: it must be {self.valid_values()}'


def load_description(path):
    """Read a graph description file."""
    with open(path) as f:
        description = yaml.safe_load(f)
    for key in ('arguments', 'nodes'):
        if key not in description:
            raise ValueError(f'{path}: graph description has no "{key}" section')
    return description


def arguments_of(description):
    """Return the declared launch arguments, values as strings (as launch passes them)."""
    arguments = []
    for name, spec in description['arguments'].items():
        kind = spec.get('type', 'string')
        if kind not in TYPES:
            raise ValueError(
                f'graph description: argument {name} has type {kind!r}, not one of {list(TYPES)}'
            )
        arguments.append(
            Argument(
                name,
                as_text(spec.get('default', '')),
                spec.get('description', ''),
                tuple(as_text(c) for c in spec.get('choices', ())),
                kind,
                spec.get('min'),
                spec.get('max'),
            )
        )
    return arguments


def as_text(value):
    """Write a YAML value the way it is typed on a command line (true, not True)."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def typed(text):
    """Read a command-line argument value as YAML would: 'true' -> True, '3' -> 3."""
    value = yaml.safe_load(text) if text != '' else ''
    return value if isinstance(value, (bool, int, float, str)) else text


def validate_arguments(description, given):
    """Fill defaults and check names and choices; return the full {name: text} mapping."""
    declared = {a.name: a for a in arguments_of(description)}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ValueError(f'unknown argument(s) {unknown}; known: {sorted(declared)}')
    values = {name: as_text(given.get(name, arg.default)) for name, arg in declared.items()}
    for name, arg in declared.items():
        problem = arg.check(values[name])
        if problem:
            raise ValueError(problem)
    return values


def substitute(value, values):
    """
    Replace {argument} placeholders; a lone placeholder keeps the argument's type.

    `{a+b}` adds two integer placeholders (a simulator's seed is {seed+sim_seed_offset}).
    """
    if not isinstance(value, str):
        return value
    lone = PLACEHOLDER.fullmatch(value)
    if lone:
        return typed(lookup(lone.group(1), values))
    return PLACEHOLDER.sub(lambda m: lookup(m.group(1), values), value)


def lookup(name, values):
    if '+' in name:
        return str(sum(int(lookup(part, values)) for part in name.split('+')))
    if name not in values:
        raise ValueError(f'graph description names an undeclared argument {{{name}}}')
    return values[name]


def wanted(node, values):
    """Apply a node's `when` conditions."""
    for name, accepted in node.get('when', {}).items():
        value = lookup(name, values)
        accepted = [as_text(a) for a in accepted]
        if not (value in accepted or ('*' in accepted and value != '')):
            return False
    return True


def sim_namespaces(values):
    """Namespaces of the simulators: one per sim under the graph's namespace."""
    base = values['namespace'].strip('/')
    try:
        count = int(values['num_sims'])
    except ValueError:
        raise ValueError(f'argument num_sims:={values["num_sims"]!r} is not an integer') from None
    if count < 1:
        raise ValueError(f'num_sims must be >= 1, got {count}')
    if count == 1:
        return ['/' + base if base else '']
    return [f'/{base}/sim{i}' if base else f'/sim{i}' for i in range(count)]


def per_sim_values(index, count):
    """Return the placeholders that differ between simulators of one graph."""
    return {
        'sim_seed_offset': str(index),
        'sim_frame_prefix': f'sim{index}/' if count > 1 else '',
        'first_sim': as_text(index == 0),
    }


def started_once(description, values, base):
    """
    Return {<name>_node: full name} of each node started once (not per sim), '' if not started.

    So a node can name another that the same arguments start, or '' (the simulator names the
    recorder that record:=DIR starts, to hold its first step until that records it).
    """
    names = {}
    for node in description['nodes']:
        if not node.get('per_sim'):
            key = f'{node["name"]}_node'
            names[key] = names.get(key) or (
                f'{base}/{node["name"]}' if wanted(node, values) else ''
            )
    return names


def resolve_nodes(description, given, config_dir):
    """Turn the description and launch argument values into the list of nodes to start."""
    values = dict(validate_arguments(description, given), config_dir=str(config_dir))
    if 'episode_s' in values:
        values['episode_steps'] = str(episode_steps(values['episode_s']))
    namespaces = sim_namespaces(values)
    base = '/' + values['namespace'].strip('/') if values['namespace'].strip('/') else ''
    values.update(started_once(description, values, base))
    nodes = []
    for node in description['nodes']:
        for index, namespace in enumerate(namespaces if node.get('per_sim') else [base]):
            local = dict(values, **per_sim_values(index, len(namespaces)))
            if not wanted(node, local):
                continue
            parameters = {k: substitute(v, local) for k, v in node.get('parameters', {}).items()}
            nodes.append(
                NodeSpec(
                    package=node['package'],
                    executable=node['executable'],
                    name=node['name'],
                    namespace=namespace,
                    parameters=parameters,
                    arguments=tuple(str(substitute(a, local)) for a in node.get('arguments', ())),
                    interactive=bool(node.get('interactive', False)),
                    required=bool(node.get('required', False)),
                )
            )
    return nodes


def executable_path(spec):
    """Find a node's executable the way ros2 run does: <prefix>/lib/<package>/<executable>."""
    try:
        path = Path(get_package_prefix(spec.package)) / 'lib' / spec.package / spec.executable
    except (PackageNotFoundError, ValueError):
        path = None
    if path is None or not os.access(path, os.X_OK):
        found = shutil.which(spec.executable)
        if found is None:
            raise FileNotFoundError(
                f'node {spec.name!r}: executable {spec.executable!r} of package '
                f'{spec.package!r} not found (is it installed, and the workspace built and '
                'sourced? `source scripts/env.sh`)'
            )
        return found
    return str(path)


def check_executables(specs):
    """Fail, naming every missing one, unless every node's executable is found: start none."""
    missing = []
    for spec in specs:
        try:
            executable_path(spec)
        except FileNotFoundError as error:
            missing.append(str(error))
    if missing:
        raise FileNotFoundError('; '.join(missing) + ': no node started')


def apply_overrides(specs, overrides):
    """
    Set parameters {node name: {parameter: value}} on resolved nodes (every node of that name).

    A name no node has is an error: an override must not miss silently.
    """
    if not isinstance(overrides, dict) or not all(isinstance(p, dict) for p in overrides.values()):
        raise ValueError(f'overrides must map node names to parameter mappings, got {overrides!r}')
    missing = sorted(set(overrides) - {spec.name for spec in specs})
    if missing:
        raise ValueError(
            f'overrides name node(s) {missing} that the graph does not start '
            f'(it starts {sorted({spec.name for spec in specs})})'
        )
    return [
        replace(spec, parameters=dict(spec.parameters, **overrides[spec.name]))
        if spec.name in overrides
        else spec
        for spec in specs
    ]
