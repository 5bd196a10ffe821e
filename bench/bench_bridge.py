# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Gym bridge costs: the graph-backed env against the direct env, and vector-env scaling.

Run: bash scripts/with_env.sh python bench/bench_bridge.py
1. Bridged / direct: gym.make('franka_hil_ros/PandaPickCube-v0', namespace=...) on a sim_node
   process against gym.make('franka_hil/PandaPickCube-v0') in this process, and the embedded
   backend (the same session in-process, no ROS) against the direct env: same seeds, same seeded
   actions, rounds alternating so a loaded machine slows all alike. Printed: median steps/s and
   the ratios (goal for the bridge: >= 0.8 in state mode, >= 0.9 with image observations), and
   the env against bench/echo_sim.py (round trips alone): the ceiling a lockstep round trip
   leaves, echo / (direct + echo).
2. AsyncVectorEnv with 1 and 2 envs: graph-backed over two sim_node processes, embedded, and
   the direct env (the machine's own ceiling: what two workers gain where nothing is shared):
   env steps per second of the whole vector and the speed-up of 2 envs over 1 (goal >= 1.7 on
   two cores).
--json prints the results as one JSON object as well.
"""

import argparse
from functools import partial
import json
import os
import statistics
import time

import franka_hil_gym_bridge  # noqa: F401  (registers the ids)
import franka_hil_sim  # noqa: F401
import gymnasium as gym
from gymnasium.vector import AsyncVectorEnv
from ros_bench import ee_action_stream, SimProcess

BRIDGED_ID = 'franka_hil_gym_bridge:franka_hil_ros/PandaPickCube-v0'
DIRECT_ID = 'franka_hil/PandaPickCube-v0'
TASK = {'random_block_position': True}


def rate(env, steps, seed):
    """Step `env` `steps` times with seeded actions, resetting with seeds; return steps/s."""
    env.reset(seed=seed)
    actions = ee_action_stream(seed)
    env.step(next(actions))  # warm-up (the first image frame opens the renderer)
    episode = seed
    start = time.perf_counter()
    for _ in range(steps):
        _, _, terminated, truncated, _ = env.step(next(actions))
        if terminated or truncated:
            episode += 1
            env.reset(seed=episode)
    return steps / (time.perf_counter() - start)


def bridged_vs_direct(image_obs, rounds, steps, ns):
    mode = 'image' if image_obs else 'state'
    sims = [
        SimProcess(f'{ns}_{mode}', image_obs=image_obs, **TASK),
        SimProcess(f'{ns}_{mode}_echo', echo=True, image_obs=image_obs, **TASK),
    ]
    try:
        envs = {
            'direct': gym.make(DIRECT_ID, image_obs=image_obs, **TASK),
            'bridged': gym.make(
                BRIDGED_ID, namespace=sims[0].ns, image_obs=image_obs, connect_timeout=60, **TASK
            ),
            'embedded': gym.make(BRIDGED_ID, backend='embedded', image_obs=image_obs, **TASK),
            'echo': gym.make(
                BRIDGED_ID, namespace=sims[1].ns, image_obs=image_obs, connect_timeout=60, **TASK
            ),
        }
        rates = {name: [] for name in envs}
        for r in range(rounds):
            for name, env in envs.items():
                rates[name].append(rate(env, steps, seed=100 * r))
        for env in envs.values():
            env.close()
    finally:
        for sim in sims:
            sim.stop()
    median = {name: statistics.median(values) for name, values in rates.items()}
    # A lockstep round trip adds the echo's time per step to the direct env's.
    ceiling = median['echo'] / (median['direct'] + median['echo'])
    return {
        'mode': mode,
        'steps_per_round': steps,
        'rounds': rounds,
        **{f'{name}_steps_per_s': round(value, 1) for name, value in median.items()},
        'bridged_over_direct': round(median['bridged'] / median['direct'], 3),
        'embedded_over_direct': round(median['embedded'] / median['direct'], 3),
        'round_trip_ceiling': round(ceiling, 3),
        'goal': 0.9 if image_obs else 0.8,
    }


def vector_rate(make_fns, steps):
    envs = AsyncVectorEnv(make_fns, context='spawn')
    try:
        envs.reset(seed=[7 + i for i in range(len(make_fns))])
        actions = ee_action_stream(7, len(make_fns))
        envs.step(next(actions))
        start = time.perf_counter()
        for _ in range(steps):
            envs.step(next(actions))
        return steps * len(make_fns) / (time.perf_counter() - start)
    finally:
        envs.close()


def vector_scaling(rounds, steps, ns):
    sims = [SimProcess(f'{ns}_vector/sim{i}', **TASK) for i in range(2)]
    try:
        backends = {
            'graph': [
                partial(gym.make, BRIDGED_ID, namespace=sim.ns, connect_timeout=60, **TASK)
                for sim in sims
            ],
            'embedded': [partial(gym.make, BRIDGED_ID, backend='embedded', **TASK)] * 2,
            'direct': [partial(gym.make, DIRECT_ID, **TASK)] * 2,
        }
        rates = {(b, n): [] for b in backends for n in (1, 2)}
        for _ in range(rounds):
            for backend, fns in backends.items():
                for n in (1, 2):
                    rates[(backend, n)].append(vector_rate(fns[:n], steps))
    finally:
        for sim in sims:
            sim.stop()
    out = []
    for backend in backends:
        one = statistics.median(rates[(backend, 1)])
        two = statistics.median(rates[(backend, 2)])
        out.append(
            {
                'backend': backend,
                'one_env_steps_per_s': round(one, 1),
                'two_envs_steps_per_s': round(two, 1),
                'speedup': round(two / one, 3),
                'goal': 1.7,
            }
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--state-steps', type=int, default=400)
    parser.add_argument('--image-steps', type=int, default=100)
    parser.add_argument('--vector-steps', type=int, default=300)
    parser.add_argument('--json', action='store_true', help='also print the results as JSON')
    args = parser.parse_args()
    ns = f'/bench_bridge_{os.getpid()}'
    results = {
        'cpus': os.cpu_count(),
        'lockstep': [
            bridged_vs_direct(False, args.rounds, args.state_steps, ns),
            bridged_vs_direct(True, args.rounds, args.image_steps, ns),
        ],
    }
    results['vector'] = vector_scaling(args.rounds, args.vector_steps, ns)

    print(
        f'bridged / direct, same seeds and actions (median of {args.rounds} rounds, '
        f'{os.cpu_count()} CPUs)'
    )
    print(
        f'{"mode":6} {"direct":>9} {"bridged":>9} {"embedded":>9} {"echo":>9} '
        f'{"bridged/direct":>15} {"embedded/direct":>16} {"ceiling":>8} {"goal":>6}'
    )
    for r in results['lockstep']:
        print(
            f'{r["mode"]:6} {r["direct_steps_per_s"]:9.1f} {r["bridged_steps_per_s"]:9.1f} '
            f'{r["embedded_steps_per_s"]:9.1f} {r["echo_steps_per_s"]:9.1f} '
            f'{r["bridged_over_direct"]:15.3f} {r["embedded_over_direct"]:16.3f} '
            f'{r["round_trip_ceiling"]:8.3f} {">=" + str(r["goal"]):>6}'
        )
    print(
        'echo: the env against bench/echo_sim.py (round trips only, no physics); ceiling: '
        'echo / (direct + echo), the best bridged/direct a lockstep round trip allows'
    )
    print('\nAsyncVectorEnv, env steps/s of the whole vector (state observations)')
    print(f'{"backend":9} {"1 env":>9} {"2 envs":>9} {"speed-up":>9} {"goal":>6}')
    for r in results['vector']:
        print(
            f'{r["backend"]:9} {r["one_env_steps_per_s"]:9.1f} '
            f'{r["two_envs_steps_per_s"]:9.1f} {r["speedup"]:9.3f} {">=" + str(r["goal"]):>6}'
        )
    if args.json:
        print(json.dumps(results))


if __name__ == '__main__':
    main()
