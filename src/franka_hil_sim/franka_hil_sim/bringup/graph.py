# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pick-cube graph description (config/pick_cube.yaml) resolved into concrete nodes.

The launch file and the pip-only `bringup` command both call `resolve_nodes`, so the node list
and parameters they start are the same by construction.
"""

from dataclasses import dataclass, field, replace
import re

import yaml

PLACEHOLDER = re.compile(r'\{(\w+(?:\+\w+)*)\}')


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


@dataclass(frozen=True)
class Argument:
    """A launch argument of the graph."""

    name: str
    default: str
    description: str = ''
    choices: tuple = ()


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
    return [Argument(name, as_text(spec.get('default', '')), spec.get('description', ''),
                     tuple(as_text(c) for c in spec.get('choices', ())))
            for name, spec in description['arguments'].items()]


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
        if arg.choices and values[name] not in arg.choices:
            raise ValueError(
                f'argument {name}:={values[name]!r} is not one of {list(arg.choices)}')
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
    count = int(values['num_sims'])
    if count < 1:
        raise ValueError(f'num_sims must be >= 1, got {count}')
    if count == 1:
        return ['/' + base if base else '']
    return [f'/{base}/sim{i}' if base else f'/sim{i}' for i in range(count)]


def per_sim_values(index, count):
    """Return the placeholders that differ between simulators of one graph."""
    return {'sim_seed_offset': str(index),
            'sim_frame_prefix': f'sim{index}/' if count > 1 else '',
            'first_sim': as_text(index == 0)}


def resolve_nodes(description, given, config_dir):
    """Turn the description and launch argument values into the list of nodes to start."""
    values = dict(validate_arguments(description, given), config_dir=str(config_dir))
    namespaces = sim_namespaces(values)
    base = '/' + values['namespace'].strip('/') if values['namespace'].strip('/') else ''
    nodes = []
    for node in description['nodes']:
        if not wanted(node, values):
            continue
        for index, namespace in enumerate(namespaces if node.get('per_sim') else [base]):
            local = dict(values, **per_sim_values(index, len(namespaces)))
            parameters = {k: substitute(v, local) for k, v in node.get('parameters', {}).items()}
            nodes.append(NodeSpec(
                package=node['package'], executable=node['executable'], name=node['name'],
                namespace=namespace, parameters=parameters,
                arguments=tuple(str(substitute(a, local)) for a in node.get('arguments', ())),
                interactive=bool(node.get('interactive', False))))
    return nodes


def apply_overrides(specs, overrides):
    """
    Set parameters {node name: {parameter: value}} on resolved nodes (every node of that name).

    A name no node has is an error: an override must not miss silently.
    """
    if not isinstance(overrides, dict) or not all(
            isinstance(p, dict) for p in overrides.values()):
        raise ValueError(f'overrides must map node names to parameter mappings, got {overrides!r}')
    missing = sorted(set(overrides) - {spec.name for spec in specs})
    if missing:
        raise ValueError(f'overrides name node(s) {missing} that the graph does not start '
                         f'(it starts {sorted({spec.name for spec in specs})})')
    return [replace(spec, parameters=dict(spec.parameters, **overrides[spec.name]))
            if spec.name in overrides else spec for spec in specs]
