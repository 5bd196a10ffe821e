# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The graph-backed env needs no simulator where it runs: its process cannot even import MuJoCo.

A LeRobot virtualenv pins its own MuJoCo, which the simulator's compiled controller was not built
against; the env must work there, stepping a sim node that runs elsewhere.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

NAMESPACE = f'/no_mujoco_{os.getpid()}'

# Run in a fresh interpreter: `import mujoco` (and so franka_hil_sim) raises ImportError there.
CLIENT = textwrap.dedent("""
    import importlib.abc, json, sys

    class NoMujoco(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == 'mujoco' or name.startswith('mujoco.'):
                raise ImportError(f'{name} is blocked in this test process')
            return None

    sys.meta_path.insert(0, NoMujoco())
    try:
        import mujoco  # noqa: F401
        raise SystemExit('mujoco imported although blocked')
    except ImportError:
        pass
    import gymnasium as gym
    import franka_hil_gym_bridge  # noqa: F401
    import numpy as np

    env = gym.make('gym_hil/FrankaHilPickCube-v0', namespace=sys.argv[1], image_obs=False,
                   use_gripper=True, gripper_penalty=-0.05)
    observation, _ = env.reset(seed=3)
    steps = []
    for _ in range(5):
        observation, reward, terminated, truncated, info = env.step(
            np.array([0.5, 0.0, -0.5, 1.0], np.float32))
        steps.append(observation['agent_pos'].tolist())
    env.close()
    print(json.dumps({
        'spaces': [str(env.observation_space), str(env.action_space)],
        'steps': steps, 'info_keys': sorted(info),
        'loaded': sorted(m for m in ('mujoco', 'franka_hil_sim', 'OpenGL') if m in sys.modules)}))
""")


@pytest.mark.slow
def test_the_graph_env_steps_a_sim_node_where_mujoco_cannot_be_imported(start_process):
    import gymnasium as gym
    import franka_hil_sim  # noqa: F401  (the direct envs, for the reference run)
    import numpy as np

    sim = start_process(
        [
            sys.executable,
            '-m',
            'franka_hil_sim.node.sim_node',
            '--ros-args',
            '-r',
            f'__ns:={NAMESPACE}',
        ],
        name='sim_node',
    )
    sim.wait_for_output('ready:', timeout=60)
    client = subprocess.run(
        [sys.executable, '-c', CLIENT, NAMESPACE],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert client.returncode == 0, client.stderr
    result = json.loads(client.stdout.strip().splitlines()[-1])
    assert result['loaded'] == []
    direct = gym.make('franka_hil/PandaPickCube-v0')
    assert result['spaces'] == [str(direct.observation_space), str(direct.action_space)]
    direct.reset(seed=3)
    for remote in result['steps']:
        observation = direct.step(np.array([0.5, 0.0, -0.5, 1.0], np.float32))[0]
        np.testing.assert_allclose(remote, observation['agent_pos'], rtol=0, atol=0)
    direct.close()
    assert {'is_intervention', 'teleop_action', 'discrete_penalty'} <= set(result['info_keys'])
