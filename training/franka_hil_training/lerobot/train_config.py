# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The HIL-SERL train config (learner and actor) of the check; the training runs start from it.

LeRobot's TrainRLServerPipelineConfig as a dict (written as JSON, read with --config_path).
LeRobot 0.5 split SAC in two: the policy is `gaussian_actor` (its actor and encoders), SAC itself
is the config's `algorithm` (critics, temperature, torch.compile); the rest is as in 0.4.4.
"""

import importlib.metadata

import numpy as np

GRIPPER_PENALTY = -0.02
FPS = 10
TRAIN_TASK = 'FrankaHilPickCube-v0'
TRAIN_STEPS = 200
STATE_DIM = 18


def env_config():
    """Return the env part: gym_hil's task on our graph, gamepad processors, the gripper."""
    return {
        'type': 'gym_manipulator',
        'name': 'gym_hil',
        'task': TRAIN_TASK,
        'fps': FPS,
        'features': {
            'observation.state': {'type': 'STATE', 'shape': [STATE_DIM]},
            'action': {'type': 'ACTION', 'shape': [3]},
        },
        'features_map': {'observation.state': 'observation.state', 'action': 'action'},
        'processor': {
            'control_mode': 'gamepad',
            'gripper': {'use_gripper': True, 'gripper_penalty': GRIPPER_PENALTY},
        },
    }


def lerobot_version():
    """Return the installed LeRobot's (major, minor), or None where it is not installed."""
    try:
        return tuple(int(x) for x in importlib.metadata.version('lerobot').split('.')[:2])
    except importlib.metadata.PackageNotFoundError:
        return None


def split_sac(version=None):
    """Whether LeRobot (`version`, default the installed one) has SAC as policy + algorithm."""
    version = version or lerobot_version()
    return version is not None and version >= (0, 5)


def policy_config(stats, port):
    """Return the policy part: SAC on CPU, the state's range from the demos' `stats`."""
    low, high = np.array(stats['state_min']), np.array(stats['state_max'])
    margin = 0.05 * (high - low) + 0.01
    policy = {
        'type': 'sac',
        'device': 'cpu',
        'storage_device': 'cpu',
        'push_to_hub': False,
        'use_torch_compile': False,
        'input_features': {'observation.state': {'type': 'STATE', 'shape': [STATE_DIM]}},
        'output_features': {'action': {'type': 'ACTION', 'shape': [3]}},
        'num_discrete_actions': 3,
        'dataset_stats': {
            'observation.state': {'min': (low - margin).tolist(), 'max': (high + margin).tolist()},
            'action': {'min': [-1.0, -1.0, -1.0], 'max': [1.0, 1.0, 1.0]},
        },
        'online_step_before_learning': 30,
        'online_buffer_capacity': 10000,
        'offline_buffer_capacity': 10000,
        'online_steps': 100000,
        'actor_learner_config': {
            'learner_host': '127.0.0.1',
            'learner_port': port,
            'policy_parameters_push_frequency': 2,
        },
        'concurrency': {'actor': 'threads', 'learner': 'threads'},
    }
    if split_sac():
        policy['type'] = 'gaussian_actor'
        del policy['use_torch_compile']  # the algorithm's (train_config)
    return policy


def train_config(workdir, dataset, stats, port):
    """Return the HIL-SERL train config (learner and actor) the check runs, as a dict."""
    config = {
        'output_dir': str(workdir / 'train'),
        'job_name': 'franka_hil_sac',
        'seed': 1000,
        'batch_size': 32,
        'log_freq': 10,
        'save_checkpoint': True,
        'save_freq': TRAIN_STEPS,
        'wandb': {'enable': False},
        'dataset': {'repo_id': 'local/franka_hil_demos', 'root': str(dataset)},
        'env': env_config(),
        'policy': policy_config(stats, port),
    }
    if split_sac():
        config['algorithm'] = {'type': 'sac', 'use_torch_compile': False}
    return config
