# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Start the pick-cube graph without launch_ros (pip-only installs).

It starts the nodes that launch/pick_cube.launch.py would start, from the same graph
description, as processes: logs prefixed with each node's name, Ctrl-C / SIGTERM forwarded, a
clean shutdown, and a non-zero exit when a node dies. Usage mirrors `ros2 launch`:

    bringup teleop:=keyboard mode:=realtime record:=/tmp/demo_bag
"""

import argparse
import os
from pathlib import Path
import selectors
import signal
import subprocess
import sys
import time

from ament_index_python.packages import get_package_share_directory
from franka_hil_sim.bringup.graph import apply_overrides, arguments_of, check_executables
from franka_hil_sim.bringup.graph import executable_path, load_description, resolve_nodes
import yaml

SHUTDOWN_GRACE_S = 10.0


def default_description():
    """Return the path of the installed graph description."""
    return Path(get_package_share_directory('franka_hil_sim')) / 'config' / 'pick_cube.yaml'


def parameter_text(value):
    """Write a parameter value as `-p name:=value` parses it (YAML)."""
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix('...').strip()


def command_line(spec):
    """Return the argv that starts one node with its name, namespace and parameters."""
    argv = [executable_path(spec), *spec.arguments, '--ros-args', '-r', f'__node:={spec.name}']
    if spec.namespace:
        argv += ['-r', f'__ns:={spec.namespace}']
    for name, value in spec.parameters.items():
        argv += ['-p', f'{name}:={parameter_text(value)}']
    return argv


def label(spec):
    return f'{spec.namespace.strip("/")}/{spec.name}' if spec.namespace else spec.name


class Graph:
    """The running node processes, their output multiplexed onto ours."""

    def __init__(self, specs):
        self.selector = selectors.DefaultSelector()
        self.procs = {}
        self.partial = {}
        self.required = {label(spec) for spec in specs if spec.required}
        for spec in specs:
            # An interactive node shares our terminal and process group (to read keys);
            # the others get a session of their own, so only we forward signals to them.
            proc = subprocess.Popen(
                command_line(spec),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=None if spec.interactive else subprocess.DEVNULL,
                start_new_session=not spec.interactive,
            )
            self.procs[label(spec)] = proc
            self.selector.register(proc.stdout, selectors.EVENT_READ, label(spec))
            print(f'[bringup] started {label(spec)} (pid {proc.pid})', flush=True)

    def pump(self, timeout):
        """Copy available output, prefixed by node, line by line; return the exited nodes."""
        for key, _ in self.selector.select(timeout):
            chunk = os.read(key.fileobj.fileno(), 65536)
            pending = self.partial.pop(key.data, b'') + chunk
            if not chunk:
                self.selector.unregister(key.fileobj)
                pending += b'\n' if pending else b''
            *lines, self.partial[key.data] = pending.split(b'\n')
            for line in lines:
                sys.stdout.write(f'[{key.data}] {line.decode(errors="replace")}\n')
        sys.stdout.flush()
        return {name: p.returncode for name, p in self.procs.items() if p.poll() is not None}

    def shutdown(self, first=signal.SIGINT):
        """
        Stop the nodes one at a time, last started first: `first`, then SIGTERM, then SIGKILL.

        Each signal waits SHUTDOWN_GRACE_S for the node to exit. One at a time: Fast DDS 3.2 can
        spin for tens of seconds deleting a participant while another participant's departure is
        being handled (seen here: rmw_destroy_node stuck in DomainParticipant::set_listener;
        eProsima/Fast-DDS#6513). The recorder starts after the nodes it records, so it stops
        before them: a recording ends when the stop begins. Our nodes stop cleanly on SIGINT and
        SIGTERM alike; one still starting up (no handler yet) dies of SIGTERM quietly, where
        SIGINT would print a KeyboardInterrupt traceback.
        """
        for name, proc in reversed(self.procs.items()):
            if proc.poll() is not None:
                continue
            for sig in dict.fromkeys((first, signal.SIGTERM, signal.SIGKILL)):
                proc.send_signal(sig)
                deadline = time.monotonic() + SHUTDOWN_GRACE_S
                while proc.poll() is None and time.monotonic() < deadline:
                    self.pump(0.1)
                if proc.poll() is not None:
                    break
            print(f'[bringup] stopped {name} (exit code {proc.returncode})', flush=True)
        while self.selector.get_map():
            self.pump(0.1)


def parse_command_line(argv):
    """Split `name:=value` launch arguments from our options; load the description."""
    given = dict(item.split(':=', 1) for item in argv if ':=' in item)
    rest = [item for item in argv if ':=' not in item]
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument('--description', type=Path, default=None)
    path = first.parse_known_args(rest)[0].description or default_description()
    description = load_description(path)
    parser = argparse.ArgumentParser(
        prog='franka-hil-bringup',
        description=__doc__.strip().split('\n\n')[0],
        epilog='launch arguments (name:=value): '
        + '; '.join(
            f'{a.name} (default {a.default!r}): {a.description}' for a in arguments_of(description)
        ),
    )
    parser.add_argument(
        '--description',
        type=Path,
        default=None,
        help='graph description YAML (default: the installed pick_cube.yaml)',
    )
    parser.add_argument(
        '--overrides',
        type=Path,
        default=None,
        help='YAML {node name: {parameter: value}} set on top of the description '
        '(the gym bridge starts graphs for its envs with it)',
    )
    parser.add_argument(
        '--dry-run',
        action='store_true',
        help='print the node command lines instead of starting them',
    )
    return description, path, given, parser.parse_args(rest)


def main(argv=None):
    try:
        description, path, given, options = parse_command_line(
            sys.argv[1:] if argv is None else argv
        )
        specs = resolve_nodes(description, given, path.parent)
        if options.overrides is not None:
            specs = apply_overrides(specs, yaml.safe_load(options.overrides.read_text()))
        check_executables(specs)
        commands = [command_line(spec) for spec in specs]
    except (ValueError, OSError, yaml.YAMLError) as error:
        print(f'[bringup] error: {error}', file=sys.stderr)
        return 2
    if options.dry_run:
        for spec, command in zip(specs, commands):
            print(label(spec) + ': ' + ' '.join(command))
        return 0

    stop = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, frame: stop.append(number))
    graph = Graph(specs)
    exited = {}
    while not stop and not exited:
        exited = graph.pump(0.2)
    # Stopping now: more Ctrl-C changes nothing (and must not kill us while Python exits).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    for name, code in exited.items():
        required = ' (a required node)' if name in graph.required else ''
        print(
            f'[bringup] node {name}{required} died (exit code {code}); stopping the graph',
            file=sys.stderr,
            flush=True,
        )
    # A node died, maybe at once: stop the others with SIGTERM (quiet while they start up).
    graph.shutdown(signal.SIGTERM if exited else signal.SIGINT)
    unclean = {
        name: p.returncode
        for name, p in graph.procs.items()
        if name not in exited and p.returncode not in (0, -signal.SIGTERM)
    }
    for name, code in unclean.items():
        print(
            f'[bringup] node {name} did not stop cleanly (exit code {code})',
            file=sys.stderr,
            flush=True,
        )
    print('[bringup] all nodes stopped', flush=True)
    return 1 if exited or unclean else 0


if __name__ == '__main__':
    sys.exit(main())
