# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pick-cube demo: the whole graph, headless, with the synthetic human at the gamepad.

It starts the graph with `bringup` (realtime simulator, scripted human through joy, recorder,
and the web viewer, whose address it prints), follows step_info until N whole episodes are done,
stops the graph (the bag is finalised), writes the two cameras side by side to an mp4 and prints
the success and intervention rates. Extra name:=value arguments go to bringup (e.g.
teleop:=keyboard to drive it yourself: the keyboard node reads this terminal and its key map is
shown; viewer:=none for no view).
"""

import argparse
from pathlib import Path
import signal
import socket
import subprocess
import sys
import threading
import time

from franka_hil_common import names
from franka_hil_msgs.msg import StepInfo
from franka_hil_recorder.bag_to_video import export_video
from franka_hil_sim.bringup.episode_stats import EpisodeStats
import rclpy
from rclpy.qos import QoSProfile, ReliabilityPolicy

FIRST_STEP_TIMEOUT_S = 60.0
BAR_WIDTH = 30
# The web views' ports when free (else the system picks free ones): the driving page's, and
# the Rerun viewer's page and data.
VIEWER_PORTS = {'drive_port': 8080, 'viewer_port': 9090, 'viewer_data_port': 9876}
# Graph log lines shown in the terminal too (by bringup's label): the views' addresses and the
# keyboard's key map; everything goes to the log file.
SHOWN = ('[drive] ', '[viewer] ', '[keyboard] ')


def progress(stats, wanted, out=sys.stderr):
    done = min(stats.episodes, wanted)
    bar = '#' * (BAR_WIDTH * done // wanted) + '.' * (BAR_WIDTH - BAR_WIDTH * done // wanted)
    out.write(f'\r[{bar}] episode {done}/{wanted}, success {stats.successes}/{done}, '
              f'human steps {stats.intervention_rate:.0%}')
    out.flush()


def follow_episodes(graph, wanted, timeout_s):
    """Count whole episodes from step_info until `wanted` are done; raise if the graph fails."""
    stats, steps_seen = EpisodeStats(), []

    def on_step(info):
        steps_seen.append(info.step)
        if stats.add(info.episode, info.step, info.is_intervention,
                     info.terminated or info.truncated, info.success):
            progress(stats, wanted)

    context = rclpy.Context()
    rclpy.init(args=[], context=context)  # (not our argv: name:=value would be remap rules)
    node = rclpy.create_node('hil_demo', context=context)
    node.create_subscription(StepInfo, names.STEP_INFO, on_step,
                             QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE))
    executor = rclpy.executors.SingleThreadedExecutor(context=context)
    executor.add_node(node)
    started = time.monotonic()
    progress(stats, wanted)
    try:
        while stats.episodes < wanted:
            executor.spin_once(timeout_sec=0.1)
            waited = time.monotonic() - started
            if graph.poll() is not None:
                raise RuntimeError(f'the graph stopped (bringup exit code {graph.returncode})')
            if not steps_seen and waited > FIRST_STEP_TIMEOUT_S:
                raise RuntimeError(f'no step_info from the simulator within '
                                   f'{FIRST_STEP_TIMEOUT_S:.0f} s')
            if waited > timeout_s:
                raise RuntimeError(f'{wanted} episodes not done within {timeout_s:.0f} s')
    finally:
        sys.stderr.write('\n')
        executor.shutdown()
        node.destroy_node()
        rclpy.shutdown(context=context)
    return stats


def port_free(port):
    """Return True when nothing listens on 127.0.0.1:port."""
    with socket.socket() as sock:
        return sock.connect_ex(('127.0.0.1', port)) != 0


def free_port():
    """Return a port the system has just found free."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def bringup_arguments(given):
    """
    Return bringup's arguments: the demo's defaults, then the user's name:=value (which win).

    The web view is on unless viewer:= says otherwise; its ports are the usual ones when free.
    """
    named = dict(a.split(':=', 1) for a in given)
    defaults = {'mode': 'realtime', 'teleop': 'script', 'viewer': 'web'}
    if named.get('viewer', 'web') in ('web', 'rerun') or named.get('teleop') == 'browser':
        used = {int(named[name]) for name in VIEWER_PORTS if name in named}
        for name, port in VIEWER_PORTS.items():
            if name not in named:
                port = port if port_free(port) and port not in used else free_port()
                defaults[name] = str(port)
                used.add(port)
    return [f'{k}:={v}' for k, v in defaults.items()] + list(given)


def show_graph_output(stream, log, terminal):
    """Copy bringup's output to the log; SHOWN nodes' lines, but their INFO logs, to terminal."""
    clear = '\r\033[K' if terminal.isatty() else ''  # over the progress bar's line
    for raw in iter(stream.readline, b''):
        log.write(raw)
        log.flush()
        line = raw.decode(errors='replace')
        label, _, rest = line.partition('] ')
        if line.startswith(SHOWN) and not rest.startswith('[INFO]'):
            terminal.write(clear + line)
            terminal.flush()


def stop(graph):
    """Ctrl-C the graph (the recorder finalises its bag) and wait for it."""
    if graph.poll() is None:
        graph.send_signal(signal.SIGINT)
        try:
            graph.wait(timeout=60)
        except subprocess.TimeoutExpired:
            graph.kill()
            graph.wait()
    return graph.returncode


def main(argv=None):
    parser = argparse.ArgumentParser(prog='franka-hil-demo',
                                     description=__doc__.strip().split('\n')[0])
    parser.add_argument('--episodes', type=int, default=10, help='whole episodes to run')
    parser.add_argument('--out', type=Path,
                        default=Path('out') / time.strftime('demo-%Y%m%d-%H%M%S'),
                        help='folder for the bag, the video and the graph log')
    parser.add_argument('--timeout', type=float, default=600.0,
                        help='give up after this many seconds')
    options, bringup_args = parser.parse_known_args(argv)
    unknown = [a for a in bringup_args if ':=' not in a]
    if unknown or options.episodes < 1:
        parser.error(f'unknown options {unknown}' if unknown else '--episodes must be >= 1')
    if options.out.exists():
        parser.error(f'{options.out} exists already: choose another --out')
    options.out.mkdir(parents=True)
    bag, video = options.out / 'bag', options.out / 'cameras.mp4'
    log_path = options.out / 'graph.log'
    arguments = bringup_arguments([f'record:={bag}', *bringup_args])
    print(f'[demo] starting the graph: bringup {" ".join(arguments)} (log: {log_path})',
          flush=True)
    if dict(a.split(':=', 1) for a in arguments)['teleop'] == 'keyboard':
        print('[demo] you drive from this terminal: Space takes over, arrows / PageUp / '
              'PageDown move, c / o close / open the gripper, Enter ends the episode with '
              'success (key map below)', flush=True)
    with open(log_path, 'wb') as log:
        # bringup shares our terminal and process group: an interactive node (the keyboard)
        # reads this terminal, in the foreground, and Ctrl-C reaches every process.
        graph = subprocess.Popen(
            [sys.executable, '-m', 'franka_hil_sim.bringup.supervisor', *arguments],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        pump = threading.Thread(target=show_graph_output, args=(graph.stdout, log, sys.stdout),
                                daemon=True)
        pump.start()
        try:
            stats = follow_episodes(graph, options.episodes, options.timeout)
        except (RuntimeError, KeyboardInterrupt) as error:
            stop(graph)
            pump.join(timeout=10)
            print(f'[demo] {error or "interrupted"}; the graph log ends:\n'
                  + ''.join(log_path.read_text().splitlines(True)[-20:]), file=sys.stderr)
            return 1
        code = stop(graph)
        pump.join(timeout=10)
    if code != 0:
        print(f'[demo] the graph did not stop cleanly (exit code {code}); see {log_path}',
              file=sys.stderr)
        return 1
    frames, _, fps = export_video(bag, video)
    print(f'[demo] {stats.summary()}')
    print(f'[demo] bag: {bag}\n[demo] video: {video} ({frames} frames at {fps:.0f} fps)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
