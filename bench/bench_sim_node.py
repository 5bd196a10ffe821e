# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
sim_node costs: Step-service throughput against the direct env, and realtime pacing and CPU.

Run: bash scripts/with_env.sh python bench/bench_sim_node.py
1. Lockstep: a sim_node process serves Step/Reset; this process is the client and turns each
   response back into gym values (observation dict, info dict), as the gym bridge does. The
   direct env, gym.make('franka_hil/PandaPickCube-v0'), is stepped in this process with the same
   seeded actions. The two alternate for --rounds rounds of --seconds each, so a loaded machine
   slows both alike; printed are the median rates and node / direct (goal >= 0.8 in state mode,
   >= 0.9 with image observations). A third process, bench/echo_sim.py, answers every Step with
   a canned response: its rate is the round trip's alone, and echo / (direct + echo) the best
   node / direct a lockstep round trip allows.
2. Realtime: a sim_node in realtime mode with both cameras subscribed, for --realtime-seconds:
   real-time factor from /clock against wall time (goal in [0.9, 1.1]), the node's own
   real_time_factor, and the node process's CPU share from /proc (100 % = one core).
"""

import argparse
import json
import os
import statistics
import sys
import time

from franka_hil_common.messages import info_from_step_info, observation_from_msg, stamp_ns
from franka_hil_msgs.srv import Reset, Step
import franka_hil_sim  # noqa: F401  (registers the ids)
import gymnasium as gym
import rclpy
from rclpy.qos import QoSProfile
from ros_bench import ee_action_stream, SimProcess
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import Image
from std_msgs.msg import Float64

ENV_ID = 'franka_hil/PandaPickCube-v0'


class Client:
    """This process's rclpy node."""

    def __init__(self):
        self.node = rclpy.create_node(f'bench_client_{os.getpid()}')
        self.executor = rclpy.executors.SingleThreadedExecutor()
        self.executor.add_node(self.node)

    def spin_until(self, predicate, timeout, what, sim=None):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline or (sim and sim.proc.poll() is not None):
                raise (
                    sim.failure(f'timed out waiting for {what}')
                    if sim
                    else RuntimeError(f'timed out waiting for {what}')
                )
            self.executor.spin_once(timeout_sec=0.05)

    def answered(self, client, request, timeout=2.0):
        future = client.call_async(request)
        deadline = time.monotonic() + timeout
        while not future.done() and time.monotonic() < deadline:
            self.executor.spin_once(timeout_sec=0.05)
        if not future.done():
            client.remove_pending_request(future)
        return future.done()

    def call(self, client, request):
        future = client.call_async(request)
        while not future.done():
            self.executor.spin_once(timeout_sec=1.0)
        return future.result()


class RemoteEnv:
    """The node's Step/Reset, turned back into gym values as the bridge does."""

    def __init__(self, client, sim):
        self.client = client
        self.step_srv = client.node.create_client(Step, f'{sim.ns}/step')
        self.reset_srv = client.node.create_client(Reset, f'{sim.ns}/reset')
        client.spin_until(
            lambda: self.step_srv.service_is_ready() and self.reset_srv.service_is_ready(),
            60,
            'the services',
            sim,
        )
        # A ready service may still drop its first responses until discovery completes: probe
        # (answered at once, nothing done) until both clients have had an answer.
        for srv, probe in (
            (self.step_srv, Step.Request(probe=True)),
            (self.reset_srv, Reset.Request(probe=True)),
        ):
            client.spin_until(
                lambda: client.answered(srv, probe), 60, f'a first answer from {srv.srv_name}', sim
            )

    def reset(self, seed=None):
        answer = self.client.call(
            self.reset_srv, Reset.Request(use_seed=seed is not None, seed=seed or 0)
        )
        return observation_from_msg(answer.observation), json.loads(answer.info_json)

    def step(self, action):
        answer = self.client.call(self.step_srv, Step.Request(action=action))
        if not answer.ok:
            raise RuntimeError(answer.error)
        return (
            observation_from_msg(answer.observation),
            answer.reward,
            answer.terminated,
            answer.truncated,
            info_from_step_info(answer.info),
        )


def measure(env, seconds, seed):
    """Step `env` for about `seconds` with the seeded actions; return steps per second."""
    env.reset(seed=seed)
    actions = ee_action_stream(seed)
    env.step(next(actions))  # warm-up
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _, _, terminated, truncated, _ = env.step(next(actions))
        steps += 1
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def lockstep(client, image_obs, rounds, seconds):
    mode = 'image' if image_obs else 'state'
    sim = SimProcess(f'/bench_{os.getpid()}_{mode}', image_obs=image_obs)
    echo = SimProcess(f'/bench_{os.getpid()}_{mode}_echo', echo=True, image_obs=image_obs)
    try:
        envs = {
            'node': RemoteEnv(client, sim),
            'direct': gym.make(ENV_ID, image_obs=image_obs),
            'echo': RemoteEnv(client, echo),
        }
        rates = {name: [] for name in envs}
        for r in range(rounds):
            for name, env in envs.items():
                rates[name].append(measure(env, seconds, r))
        envs['direct'].close()
    finally:
        sim.stop()
        echo.stop()
    node, env, echo = (statistics.median(rates[name]) for name in ('node', 'direct', 'echo'))
    return {
        'mode': mode,
        'node_steps_per_s': round(node, 1),
        'direct_steps_per_s': round(env, 1),
        'ratio': round(node / env, 3),
        'echo_steps_per_s': round(echo, 1),
        'round_trip_ceiling': round(echo / (env + echo), 3),
        'goal': 0.9 if image_obs else 0.8,
    }


def realtime(client, seconds):
    sim = SimProcess(f'/bench_{os.getpid()}_realtime', mode='realtime')
    try:
        clock, factors, images = [], [], {'front': 0, 'wrist': 0}
        node = client.node
        node.create_subscription(
            Clock,
            '/clock',
            lambda m: clock.append((time.monotonic(), stamp_ns(m.clock))),
            QoSProfile(depth=100),
        )
        node.create_subscription(
            Float64, f'{sim.ns}/real_time_factor', lambda m: factors.append(m.data), 10
        )
        for camera in images:
            node.create_subscription(
                Image,
                f'{sim.ns}/{camera}/image_raw',
                lambda m, c=camera: images.__setitem__(c, images[c] + 1),
                10,
            )
        client.spin_until(
            lambda: all(images.values()) and len(factors) > 20,
            60,
            'realtime images and factors',
            sim,
        )
        first, cpu0, wall0 = len(clock), sim.cpu_seconds(), time.monotonic()
        counts0 = dict(images)
        while time.monotonic() - wall0 < seconds:
            client.executor.spin_once(timeout_sec=0.1)
        cpu1, wall1 = sim.cpu_seconds(), time.monotonic()
    finally:
        sim.stop()
    (t0, s0), (t1, s1) = clock[first], clock[-1]
    return {
        'seconds': round(wall1 - wall0, 1),
        'real_time_factor_clock': round((s1 - s0) * 1e-9 / (t1 - t0), 4),
        'real_time_factor_node_last': round(factors[-1], 4),
        'node_cpu_share_percent': round(100.0 * (cpu1 - cpu0) / (wall1 - wall0), 1),
        'images_per_s': {c: round((images[c] - counts0[c]) / (wall1 - wall0), 1) for c in images},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--seconds', type=float, default=3.0, help='per lockstep measurement')
    parser.add_argument('--realtime-seconds', type=float, default=30.0)
    parser.add_argument('--skip', choices=['lockstep', 'realtime'], action='append', default=[])
    options = parser.parse_args()
    rclpy.init()
    client = Client()
    results = {}
    try:
        if 'lockstep' not in options.skip:
            for image_obs in (False, True):
                result = lockstep(client, image_obs, options.rounds, options.seconds)
                results[f'lockstep_{result["mode"]}'] = result
                print(
                    f'lockstep {result["mode"]:5s}: node {result["node_steps_per_s"]:7.1f} '
                    f'steps/s, direct env {result["direct_steps_per_s"]:7.1f} steps/s, '
                    f'ratio {result["ratio"]:.3f} (goal >= {result["goal"]}); echo '
                    f'{result["echo_steps_per_s"]:.1f} round trips/s: ceiling '
                    f'{result["round_trip_ceiling"]:.3f}',
                    flush=True,
                )
        if 'realtime' not in options.skip:
            result = realtime(client, options.realtime_seconds)
            results['realtime'] = result
            print(
                f'realtime ({result["seconds"]} s, both cameras): real-time factor '
                f'{result["real_time_factor_clock"]} (/clock vs wall; node reports '
                f'{result["real_time_factor_node_last"]}), node CPU '
                f'{result["node_cpu_share_percent"]} % of one core, images/s '
                f'{result["images_per_s"]}',
                flush=True,
            )
    finally:
        client.node.destroy_node()
        rclpy.try_shutdown()
    print(json.dumps(results))
    return 0


if __name__ == '__main__':
    sys.exit(main())
