# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The ids the package registers on import, as LeRobot's plugin loader imports it."""

import importlib
import pkgutil
import sys

import franka_hil_gym_bridge
import gymnasium as gym
import pytest

VARIANTS = {
    'Base': {'action_space': 'base'},
    '': {},
    'Gamepad': {'gripper_penalty': -0.02, 'teleop': 'gamepad'},
    'Keyboard': {'teleop': 'keyboard'},
    'StateRandom': {'random_block_position': True, 'state_obs': True, 'timeout': 10.0},
    'PixelsRandom': {'random_block_position': True, 'pixel_obs': True, 'timeout': 10.0},
}


@pytest.mark.parametrize('variant, kwargs', VARIANTS.items())
def test_graph_backed_ids_in_both_namespaces(variant, kwargs):
    for env_id in (
        f'franka_hil_ros/PandaPickCube{variant}-v0',
        f'gym_hil/FrankaHilPickCube{variant}-v0',
    ):
        spec = gym.spec(env_id)
        assert spec.entry_point == 'franka_hil_gym_bridge.env:FrankaHilRosEnv'
        assert spec.kwargs == kwargs
        assert spec.max_episode_steps == 100


def test_the_bridge_takes_no_direct_id_and_only_its_own_gym_hil_ids():
    assert not any(
        gym.spec(env_id).entry_point.startswith('franka_hil_gym_bridge')
        for env_id in gym.registry
        if env_id.startswith('franka_hil/')
    )
    ours = {env_id for env_id in gym.registry if env_id.startswith('gym_hil/')}
    assert ours == {f'gym_hil/FrankaHilPickCube{v}-v0' for v in VARIANTS}


def test_plugin_import_is_cheap_and_every_module_imports(run_process):
    # LeRobot's load_plugin imports the package, then every submodule.
    code = (
        'import sys, franka_hil_gym_bridge, gymnasium as gym; '
        "assert 'gym_hil/FrankaHilPickCube-v0' in gym.registry; "
        "print(sorted(m for m in ('rclpy', 'mujoco') if m in sys.modules))"
    )
    out = run_process([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == '[]'
    for module in pkgutil.iter_modules(franka_hil_gym_bridge.__path__, 'franka_hil_gym_bridge.'):
        importlib.import_module(module.name)
