# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Latency of the gamepad override: a `joy` publish to the `intervention` message, across processes.

A person's button press must reach the simulator within a fraction of a 100 ms control step; the
goal is p99 <= 2 ms. Beside it, the same round trip through a bare rclpy echo process, measured
in the same run and interleaved in blocks of 100 messages, gives the floor that DDS and rclpy
set, so the ratio shows what the teleop itself adds on this machine.

Run (after `source scripts/env.sh`): python bench/bench_teleop_latency.py [--samples N]
"""

import argparse
import os
import subprocess
import sys
import time

os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
os.environ.setdefault('ROS_DOMAIN_ID', str(1 + os.getpid() % 100))

import numpy as np  # noqa: E402 - after the DDS settings, as every import that may start DDS
import rclpy  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from rclpy.qos import QoSProfile, ReliabilityPolicy  # noqa: E402
from sensor_msgs.msg import Joy  # noqa: E402

QOS = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)
RB = 10  # enable button of the default (game_controller) pad map
GOAL_P99_MS = 2.0


def echo(namespace):
    """Baseline peer: republish every Joy from echo_in on echo_out, nothing else."""
    rclpy.init()
    node = rclpy.create_node('bench_echo', namespace=namespace)
    pub = node.create_publisher(Joy, 'echo_out', QOS)
    node.create_subscription(Joy, 'echo_in', pub.publish, QOS)
    try:
        rclpy.spin(node)
    except KeyboardInterrupt:
        pass


def start(args):
    return subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def round_trips(executor, pub, received, samples, make_msg):
    """Publish one message at a time and wait for its answer; return latencies in ms."""
    latencies = []
    for i in range(samples):
        msg = make_msg()
        msg.header.stamp.sec = i + 1
        received.clear()
        sent = time.perf_counter_ns()
        pub.publish(msg)
        deadline = time.monotonic() + 5.0
        while (i + 1) not in received:
            if time.monotonic() > deadline:
                raise RuntimeError(f'no answer to message {i + 1} within 5 s')
            executor.spin_once(timeout_sec=0.5)
        latencies.append((received[i + 1] - sent) / 1e6)
    return np.array(latencies)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--samples', type=int, default=2000)
    parser.add_argument('--warmup', type=int, default=200)
    parser.add_argument('--echo', metavar='NAMESPACE', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo:
        return echo(args.echo)

    namespace = f'/bench_teleop_{os.getpid()}'
    ros_args = ['--ros-args', '-r', f'__ns:={namespace}']
    from ament_index_python.packages import get_package_prefix

    teleop_exe = os.path.join(
        get_package_prefix('franka_hil_teleop'), 'lib', 'franka_hil_teleop', 'teleop_node'
    )
    procs = [
        start([teleop_exe] + ros_args + ['--log-level', 'warn']),
        start([sys.executable, __file__, '--echo', namespace]),
    ]
    rclpy.init()
    node = rclpy.create_node('bench_teleop_latency', namespace=namespace)
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    from franka_hil_msgs.msg import Intervention

    got = {'teleop': {}, 'echo': {}}

    def record(name):
        def callback(msg):
            got[name][msg.header.stamp.sec] = time.perf_counter_ns()

        return callback

    joy_pub = node.create_publisher(Joy, 'joy', QOS)
    echo_pub = node.create_publisher(Joy, 'echo_in', QOS)
    subs = [
        node.create_subscription(Intervention, 'intervention', record('teleop'), QOS),
        node.create_subscription(Joy, 'echo_out', record('echo'), QOS),
    ]
    try:
        deadline = time.monotonic() + 30.0
        while not (
            joy_pub.get_subscription_count()
            and echo_pub.get_subscription_count()
            and all(s.get_publisher_count() for s in subs)
        ):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(
                    'teleop_node or the echo peer did not come up: '
                    + ' | '.join(
                        p.stderr.read().decode() if p.poll() is not None else 'running'
                        for p in procs
                    )
                )
            executor.spin_once(timeout_sec=0.1)

        def pad():
            joy = Joy(axes=[0.0] * 6, buttons=[0] * 21)
            joy.axes[1] = 0.5
            joy.buttons[RB] = 1
            return joy

        results = {'teleop': [], 'echo': []}
        # Interleave in blocks so both see the same machine load.
        block = 100
        total = args.warmup + args.samples
        for start_at in range(0, total, block):
            n = min(block, total - start_at)
            for name, pub in (('teleop', joy_pub), ('echo', echo_pub)):
                lat = round_trips(executor, pub, got[name], n, pad)
                results[name].extend(lat)
        teleop = np.array(results['teleop'][args.warmup :])
        base = np.array(results['echo'][args.warmup :])
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        executor.shutdown()
        node.destroy_node()
        rclpy.shutdown()

    def stats(lat):
        return np.percentile(lat, 50), np.percentile(lat, 99), lat.max()

    t50, t99, tmax = stats(teleop)
    b50, b99, bmax = stats(base)
    print(f'samples: {len(teleop)} each (after {args.warmup} warm-up), one in flight at a time')
    print(f'teleop joy -> intervention : p50 {t50:.3f} ms  p99 {t99:.3f} ms  max {tmax:.3f} ms')
    print(f'baseline rclpy echo        : p50 {b50:.3f} ms  p99 {b99:.3f} ms  max {bmax:.3f} ms')
    print(f'ratio teleop / baseline    : p50 {t50 / b50:.2f}x  p99 {t99 / b99:.2f}x')
    print(f'goal p99 <= {GOAL_P99_MS:g} ms: {"met" if t99 <= GOAL_P99_MS else "NOT met"}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
