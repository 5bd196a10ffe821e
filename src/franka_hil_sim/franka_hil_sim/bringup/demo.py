# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pick-cube demo: the whole graph, headless, with the synthetic human at the gamepad.

It starts the graph with `bringup` (realtime simulator, scripted human through joy, recorder,
and the web viewer, whose address it prints), follows step_info until N whole episodes are done,
stops the graph (the bag is finalised), writes the two cameras side by side to an mp4 and prints
the success and intervention rates. Extra name:=value arguments go to bringup (e.g.
teleop:=keyboard to drive it yourself: the keyboard node reads this terminal and its key map is
shown; viewer:=none for no view; episode_s:=30, wait_for_person:=true). On a terminal a status
line under the log says who acts, the time left and the gripper's state; each episode's outcome
is a log line of its own.
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
from franka_hil_common.driving_status import DrivingStatus
from franka_hil_common.task import episode_steps
from franka_hil_msgs.msg import StepInfo
from franka_hil_recorder.bag_to_lerobot import whole_episodes
from franka_hil_recorder.bag_to_video import export_video
from franka_hil_ros_common.qos import STEP_INFO
from franka_hil_sim.bringup.episode_stats import EpisodeStats
from franka_hil_sim.bringup.graph import load_description, validate_arguments
from franka_hil_sim.bringup.status_line import StatusLine
from franka_hil_sim.bringup.supervisor import default_description
import rclpy

FIRST_STEP_TIMEOUT_S = 60.0
BAR_WIDTH = 30
# The web views' ports when free (else the system picks free ones): the driving page's, and
# the Rerun viewer's page and data.
VIEWER_PORTS = {'drive_port': 8080, 'viewer_port': 9090, 'viewer_data_port': 9876}
# Graph log lines shown in the terminal too (by bringup's label): the views' addresses and the
# keyboard's key map; everything goes to the log file.
SHOWN = ('[drive] ', '[viewer] ', '[keyboard] ')
# Who drives from the terminal, every key named (config/teleop_keyboard.yaml, terminal section).
YOU_DRIVE = (
    '[demo] you drive from this terminal: Space takes over / gives back, arrows move '
    'in x / y, PageUp / PageDown (or Shift+Up / Shift+Down) move up / down, f toggles '
    'fine steps, c / o close / open the gripper, Enter ends the episode with success, '
    'Escape with failure, r marks it for re-recording (not counted); Ctrl-C stops '
    '(key map below)'
)


def progress(stats, wanted, status):
    """Return the status line: the run's progress, then who acts, time left, gripper."""
    done = min(stats.episodes, wanted)
    bar = '#' * (BAR_WIDTH * done // wanted) + '.' * (BAR_WIDTH - BAR_WIDTH * done // wanted)
    text = f'[{bar}] {done}/{wanted} done, success {stats.successes}/{done}'
    return text + (f' | {status.line()}' if status.episode else '')


def ended(info, outcome, counted, stats, wait_for_person):
    """Return the log line for an episode's end (and what starts the next one)."""
    if counted:
        note = f'counted: success {stats.successes}/{stats.episodes}'
    elif outcome == 're-record':
        note = 'not counted'
    else:
        note = 'not counted: its start was not seen'
    line = f'[demo] episode {info.episode} ended at step {info.step}: {outcome} ({note})'
    if wait_for_person:
        line += (
            f'; episode {info.episode + 1} waits for you: press Space to take over and '
            'start it (twice if you still hold it)'
        )
    return line


def follow_episodes(graph, wanted, timeout_s, terminal, status, wait_for_person=False):
    """Count whole episodes from step_info until `wanted` are done; raise if the graph fails."""
    stats, steps_seen = EpisodeStats(), []

    def on_step(info):
        steps_seen.append(info.step)
        outcome = status.update(info)
        counted = stats.add(
            info.episode,
            info.step,
            info.is_intervention,
            info.terminated or info.truncated,
            info.success,
            info.rerecord_episode,
        )
        if outcome is not None:
            terminal.log(ended(info, outcome, counted, stats, wait_for_person))
        terminal.show(progress(stats, wanted, status))

    context = rclpy.Context()
    rclpy.init(args=[], context=context)  # (not our argv: name:=value would be remap rules)
    node = rclpy.create_node('hil_demo', context=context)
    node.create_subscription(StepInfo, names.STEP_INFO, on_step, STEP_INFO)
    executor = rclpy.executors.SingleThreadedExecutor(context=context)
    executor.add_node(node)
    started = time.monotonic()
    terminal.show(progress(stats, wanted, status))
    try:
        while stats.episodes < wanted:
            executor.spin_once(timeout_sec=0.1)
            waited = time.monotonic() - started
            if graph.poll() is not None:
                raise RuntimeError(f'the graph stopped (bringup exit code {graph.returncode})')
            if not steps_seen and waited > FIRST_STEP_TIMEOUT_S:
                raise RuntimeError(
                    f'no step_info from the simulator within {FIRST_STEP_TIMEOUT_S:.0f} s'
                )
            if waited > timeout_s:
                raise RuntimeError(f'{wanted} episodes not done within {timeout_s:.0f} s')
    finally:
        terminal.close()
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
    Return bringup's arguments, each once: the demo's defaults, unless the user's name:=value.

    The web view is on unless viewer:= says otherwise; its ports are the usual ones when free.
    """
    named = dict(a.split(':=', 1) for a in given)  # (the last of a repeated name wins)
    defaults = {'mode': 'realtime', 'teleop': 'script', 'viewer': 'web'}
    viewer = named.get('viewer', 'web')
    wanted = [
        name
        for name in VIEWER_PORTS
        if (name == 'drive_port' and (viewer == 'web' or named.get('teleop') == 'browser'))
        or (name != 'drive_port' and viewer == 'rerun')
    ]
    if wanted:
        used = {int(named[name]) for name in VIEWER_PORTS if name in named}
        for name, port in VIEWER_PORTS.items():
            if name in wanted and name not in named:
                port = port if port_free(port) and port not in used else free_port()
                defaults[name] = str(port)
                used.add(port)
    return [f'{k}:={v}' for k, v in {**defaults, **named}.items()]


def show_graph_output(stream, log, terminal):
    """Copy bringup's output to the log; SHOWN nodes' lines, but their INFO logs, to terminal."""
    for raw in iter(stream.readline, b''):
        log.write(raw)
        log.flush()
        line = raw.decode(errors='replace')
        label, _, rest = line.partition('] ')
        if line.startswith(SHOWN) and not rest.startswith('[INFO]'):
            terminal.log(line.rstrip('\n'))


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
    parser = argparse.ArgumentParser(
        prog='franka-hil-demo', description=__doc__.strip().split('\n')[0]
    )
    parser.add_argument('--episodes', type=int, default=10, help='whole episodes to run')
    parser.add_argument(
        '--out',
        type=Path,
        default=Path('out') / time.strftime('demo-%Y%m%d-%H%M%S'),
        help='folder for the bag, the video and the graph log',
    )
    parser.add_argument(
        '--timeout', type=float, default=600.0, help='give up after this many seconds'
    )
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
    try:
        values = validate_arguments(
            load_description(default_description()), dict(a.split(':=', 1) for a in arguments)
        )
    except ValueError as error:
        parser.error(str(error))
    print(
        f'[demo] starting the graph: bringup {" ".join(arguments)} (log: {log_path})', flush=True
    )
    print(
        f'[demo] episodes last {values["episode_s"]} s of sim time (episode_s:=N sets it); '
        + (
            'each starts when you take over (wait_for_person)'
            if values['wait_for_person'] == 'true'
            else 'the next starts at once'
        ),
        flush=True,
    )
    if values['teleop'] == 'keyboard':
        print(YOU_DRIVE, flush=True)
    terminal = StatusLine(sys.stdout)
    status = DrivingStatus(max_episode_steps=episode_steps(values['episode_s']))
    with open(log_path, 'wb') as log:
        # bringup shares our terminal and process group: an interactive node (the keyboard)
        # reads this terminal, in the foreground, and Ctrl-C reaches every process.
        graph = subprocess.Popen(
            [sys.executable, '-m', 'franka_hil_sim.bringup.supervisor', *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        pump = threading.Thread(
            target=show_graph_output, args=(graph.stdout, log, terminal), daemon=True
        )
        pump.start()
        try:
            stats = follow_episodes(
                graph,
                options.episodes,
                options.timeout,
                terminal,
                status,
                values['wait_for_person'] == 'true',
            )
        except (RuntimeError, KeyboardInterrupt) as error:
            stop(graph)
            pump.join(timeout=10)
            print(
                f'[demo] {error or "interrupted"}; the graph log ends:\n'
                + ''.join(log_path.read_text().splitlines(True)[-20:]),
                file=sys.stderr,
            )
            return 1
        code = stop(graph)
        pump.join(timeout=10)
    if code != 0:
        print(
            f'[demo] the graph did not stop cleanly (exit code {code}); see {log_path}',
            file=sys.stderr,
        )
        return 1
    frames, _, fps = export_video(bag, video)
    print(f'[demo] {stats.summary()}')
    print(f'[demo] bag: {bag}\n[demo] video: {video} ({frames} frames at {fps:.0f} fps)')
    return 0 if bag_agrees(bag, stats.episodes) else 1


def bag_agrees(bag, counted):
    """Say how many whole episodes the bag holds; False (an error line) if fewer than counted."""
    recorded, skipped = whole_episodes(bag)
    if len(recorded) >= counted:
        print(f"[demo] the bag holds {len(recorded)} whole episodes (bag_to_lerobot's count)")
        return True
    print(
        f'[demo] error: {counted} episodes counted, but the bag holds only {len(recorded)} '
        f'whole ones (bag_to_lerobot skips {skipped}); see {bag.parent / "graph.log"}',
        file=sys.stderr,
    )
    return False


if __name__ == '__main__':
    sys.exit(main())
