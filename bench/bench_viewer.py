# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the web viewer costs the simulator: realtime factor and lockstep Step rate, viewer on / off.

Run: bash scripts/with_env.sh python bench/bench_viewer.py

One sim_node per mode. Rounds alternate viewer off and on (a viewer_node process in the sim's
namespace serving the web viewer on free ports, started before and stopped after its round), so
a loaded machine slows both alike; printed are the medians side by side, and for lockstep the
median and range of each round's on / off ratio (the pair ran one after the other, same
actions): on 2 cores successive rounds differ by a few per cent.
1. Realtime (the demo's mode): real-time factor from /clock against wall time, and the CPU
   shares of the sim node and the viewer (node + its `rerun` server; 100 % = one core).
2. Lockstep: Step service calls per second from this process with seeded actions (state
   observations). With the viewer on, the sim also sends it previews, at most preview_rate
   (10 Hz) of wall time: both cameras rendered, the frames, the markers, and the steps' infos
   in batches. The control, a third state each round: a process that only burns the CPU share
   the viewer (node + server) used in that round, at the viewer's niceness, in 10 ms slices.
   It tells what any work of that size costs a client that steps as fast as it can on this
   machine, whatever it is. Printed too, per step, the CPU time of this client and of the sim:
   this client does the same work in every state, so more CPU per step says that the machine
   ran it slower, not that anything waited.
--viewer-parameter NAME:=VALUE sets a viewer_node parameter (e.g. source:=every_step: what the
per-step topics would cost; rate:=1: what its reads cost).
"""

import argparse
import json
import os
from pathlib import Path
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from franka_hil_common import names
from franka_hil_msgs.srv import Reset, Step
import rclpy
from rclpy.qos import QoSProfile
from ros_bench import ee_action_stream, SimProcess, TICKS
from rosgraph_msgs.msg import Clock


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def cpu_seconds(pids):
    """User + system CPU seconds of processes and their children, from /proc."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(f) for f in fields[11:15]) / TICKS
    return total


class Viewer:
    """A viewer_node process (and its rerun server) watching the sim in namespace `ns`."""

    def __init__(self, ns, parameters=()):
        self.log = tempfile.NamedTemporaryFile(prefix='bench_viewer_', suffix='.log')
        self.proc = subprocess.Popen(
            [
                sys.executable,
                '-m',
                'franka_hil_viewer.viewer_node',
                '--ros-args',
                '-r',
                f'__ns:={ns}',
                '-p',
                f'web_port:={free_port()}',
                '-p',
                f'grpc_port:={free_port()}',
                *(a for p in parameters for a in ('-p', p)),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def pids(self):
        children = Path(f'/proc/{self.proc.pid}/task/{self.proc.pid}/children')
        return (
            [self.proc.pid, *map(int, children.read_text().split())]
            if children.exists()
            else [self.proc.pid]
        )

    def stop(self):
        self.proc.send_signal(2)
        self.proc.wait(timeout=30)


class Bench:
    """This process's rclpy node and the sim under test."""

    def __init__(self, sim, viewer_parameters):
        self.sim = sim
        self.viewer_parameters = viewer_parameters
        # What the viewer reads of the steps and the front camera.
        self.topics = (
            (names.STEP_INFO, names.image_topic('front'))
            if 'source:=every_step' in viewer_parameters
            else (names.STEP_INFO_BATCHES, names.image_preview_topic('front'))
        )
        self.node = rclpy.create_node(f'bench_viewer_{os.getpid()}_{sim.ns.rsplit("_", 1)[1]}')
        self.executor = rclpy.executors.SingleThreadedExecutor()
        self.executor.add_node(self.node)

    def spin_until(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline or self.sim.proc.poll() is not None:
                raise self.sim.failure(f'timed out waiting for {what}')
            self.executor.spin_once(timeout_sec=0.05)

    def viewer_on(self):
        """Start a viewer and wait until it receives the sim's topics."""
        viewer = Viewer(self.sim.ns, self.viewer_parameters)
        try:
            self.spin_until(
                lambda: all(
                    self.node.count_subscribers(f'{self.sim.ns}/{topic}') > 0
                    for topic in self.topics
                ),
                60,
                'the viewer subscribing',
            )
        except BaseException:
            viewer.stop()
            raise
        return viewer

    def call(self, client, request):
        future = client.call_async(request)
        while not future.done():
            self.executor.spin_once(timeout_sec=1.0)
        return future.result()


def realtime_round(bench, clock, seconds, viewer):
    # /clock messages queued while this process did not spin (a viewer stopping) all arrive at
    # the first spin, their receipt times too late: the round starts from messages after those.
    settle = time.monotonic() + 1.0
    while time.monotonic() < settle:
        bench.executor.spin_once(timeout_sec=0.1)
    first = len(clock)
    pids = [bench.sim.proc.pid]
    viewer_pids = viewer.pids() if viewer else []
    cpu0, viewer_cpu0, wall0 = cpu_seconds(pids), cpu_seconds(viewer_pids), time.monotonic()
    while time.monotonic() - wall0 < seconds:
        bench.executor.spin_once(timeout_sec=0.1)
    wall = time.monotonic() - wall0
    (t0, s0), (t1, s1) = clock[first], clock[-1]
    return {
        'rtf': (s1 - s0) * 1e-9 / (t1 - t0),
        'sim_cpu': 100 * (cpu_seconds(pids) - cpu0) / wall,
        'viewer_cpu': 100 * (cpu_seconds(viewer_pids) - viewer_cpu0) / wall,
    }


def lockstep_round(bench, step, seconds, seed, pids=()):
    """
    Return Step calls/s, the CPU share of processes `pids`, the client's and sim's CPU per step.

    Per step in microseconds: the same work in every state.
    """
    actions = ee_action_stream(seed)
    sim = [bench.sim.proc.pid]
    own0, sim0 = time.process_time(), cpu_seconds(sim)
    cpu0, steps, start = cpu_seconds(pids), 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        answer = bench.call(step, Step.Request(action=next(actions)))
        if not answer.ok:
            raise RuntimeError(answer.error)
        steps += 1
        if answer.terminated or answer.truncated:
            bench.call(bench.reset, Reset.Request())
    wall = time.perf_counter() - start
    return (
        steps / wall,
        (cpu_seconds(pids) - cpu0) / wall,
        {
            'client': 1e6 * (time.process_time() - own0) / steps,
            'sim': 1e6 * (cpu_seconds(sim) - sim0) / steps,
        },
    )


class Burner:
    """A process that only burns `share` of a core, at niceness `nice`: the control."""

    PROGRAM = """if True:
        import os, sys, time
        os.nice(int(sys.argv[2]))
        busy, period = float(sys.argv[1]) * 0.01, 0.01
        while True:
            start = time.perf_counter()
            while time.perf_counter() - start < busy:
                pass
            time.sleep(max(0.0, period - busy))"""

    def __init__(self, share, nice):
        self.proc = subprocess.Popen([sys.executable, '-c', self.PROGRAM, str(share), str(nice)])

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def run(mode, rounds, seconds, viewer_parameters):
    sim = SimProcess(f'/bench_viewer_{os.getpid()}_{mode}', mode=mode)
    bench = Bench(sim, viewer_parameters)
    results = {'off': [], 'on': []}
    if mode == 'lockstep':
        results['burner'], shares = [], {'on': [], 'burner': []}
        per_step = {state: [] for state in ('off', 'on', 'burner')}
    try:
        if mode == 'realtime':
            clock = []
            bench.node.create_subscription(
                Clock,
                '/clock',
                lambda m: clock.append((time.monotonic(), m.clock.sec * 10**9 + m.clock.nanosec)),
                QoSProfile(depth=100),
            )
            bench.spin_until(lambda: len(clock) > 20, 60, '/clock')
        else:
            step = bench.node.create_client(Step, f'{sim.ns}/step')
            bench.reset = bench.node.create_client(Reset, f'{sim.ns}/reset')
            bench.spin_until(
                lambda: step.service_is_ready() and bench.reset.service_is_ready(),
                60,
                'the services',
            )
            bench.call(bench.reset, Reset.Request())
            lockstep_round(bench, step, 2.0, rounds)  # warm-up: a cold first round would be slow
        for r in range(rounds):
            for state in ('off', 'on'):
                viewer = bench.viewer_on() if state == 'on' else None
                try:
                    if mode == 'realtime':
                        results[state].append(realtime_round(bench, clock, seconds, viewer))
                    else:
                        rate, share, cpu = lockstep_round(
                            bench, step, seconds, r, viewer.pids() if viewer else ()
                        )
                        per_step[state].append(cpu)
                        if viewer:
                            nice = os.getpriority(
                                os.PRIO_PROCESS, viewer.proc.pid
                            ) - os.getpriority(os.PRIO_PROCESS, 0)
                            shares['on'].append(share)
                        results[state].append(rate)
                finally:
                    if viewer:
                        viewer.stop()
            if mode == 'lockstep':  # the control: the viewer's CPU share and niceness, burnt
                burner = Burner(share, nice)
                try:
                    rate, burnt, cpu = lockstep_round(bench, step, seconds, r, [burner.proc.pid])
                    results['burner'].append(rate)
                    per_step['burner'].append(cpu)
                    shares['burner'].append(burnt)
                finally:
                    burner.stop()
    finally:
        sim.stop()
    if mode == 'realtime':
        return {
            state: {
                key: round(statistics.median(r[key] for r in results[state]), 3)
                for key in ('rtf', 'sim_cpu', 'viewer_cpu')
            }
            for state in results
        }
    return {
        **{state: round(statistics.median(results[state]), 1) for state in results},
        **{
            f'{state}_off_ratios': [
                round(r, 3)
                for r in sorted(a / off for off, a in zip(results['off'], results[state]))
            ]
            for state in ('on', 'burner')
        },
        'cpu_share': {state: round(100 * statistics.median(v), 1) for state, v in shares.items()},
        'cpu_us_per_step': {
            state: {
                who: round(statistics.median(c[who] for c in v), 1) for who in ('client', 'sim')
            }
            for state, v in per_step.items()
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--seconds', type=float, default=10.0, help='per round and state')
    parser.add_argument('--json', action='store_true')
    parser.add_argument(
        '--viewer-parameter',
        action='append',
        default=[],
        metavar='NAME:=VALUE',
        help='a viewer_node parameter (e.g. rate:=1, to see what its reads cost)',
    )
    options = parser.parse_args()
    rclpy.init()
    try:
        realtime = run('realtime', options.rounds, options.seconds, options.viewer_parameter)
        lockstep = run('lockstep', options.rounds, options.seconds, options.viewer_parameter)
    finally:
        rclpy.shutdown()
    if options.json:
        print(json.dumps({'realtime': realtime, 'lockstep_steps_per_s': lockstep}))
        return
    print(f'{"":34}{"viewer off":>12}{"viewer on":>12}')
    print(
        f'{"realtime: real-time factor":34}{realtime["off"]["rtf"]:>12.3f}'
        f'{realtime["on"]["rtf"]:>12.3f}'
    )
    print(
        f'{"realtime: sim node CPU %":34}{realtime["off"]["sim_cpu"]:>12.1f}'
        f'{realtime["on"]["sim_cpu"]:>12.1f}'
    )
    print(f'{"realtime: viewer CPU % (+rerun)":34}{"-":>12}{realtime["on"]["viewer_cpu"]:>12.1f}')
    print(
        f'{"lockstep: Step calls/s":34}{lockstep["off"]:>12.1f}{lockstep["on"]:>12.1f}'
        f'   (burner {lockstep["burner"]:.1f})'
    )
    print(
        f'{"lockstep: viewer CPU % (+rerun)":34}{"-":>12}{lockstep["cpu_share"]["on"]:>12.1f}'
        f'   (burner {lockstep["cpu_share"]["burner"]:.1f})'
    )
    per_step = lockstep['cpu_us_per_step']
    for who in ('client', 'sim'):
        print(
            f'{"lockstep: " + who + " CPU us per step":34}{per_step["off"][who]:>12.1f}'
            f'{per_step["on"][who]:>12.1f}   (burner {per_step["burner"][who]:.1f})'
        )
    for state, what in (('on', 'viewer'), ('burner', 'burner')):
        ratios = lockstep[f'{state}_off_ratios']
        print(
            f'{"lockstep: " + what + " on / off, per round":34}'
            f'{statistics.median(ratios):>24.3f}   ({ratios[0]:.3f} to {ratios[-1]:.3f})'
        )


if __name__ == '__main__':
    main()
