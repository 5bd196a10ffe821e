# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The policy alone: a LeRobot SAC checkpoint on held-out random-cube seeds, nobody overriding.

Runs in the LeRobot venv (`franka-hil-eval-lerobot`, scripts/eval_policy.sh). The env is the one
LeRobot's actor makes (gym_manipulator.make_robot_env with the run's train config, its
processors and step function), for gym_hil/FrankaHilPickCubeStateRandom-v0 (cube drawn at
random at each reset) on a graph it launches with teleop none (FRANKA_HIL_LAUNCH=1,
FRANKA_HIL_TELEOP=none). Episode k is reset with seed first_seed + k; the policy acts as the
actor runs it (policy.select_action: actions sampled from its distribution), or with
--deterministic its mean action (tanh of the mean, the gripper by the discrete critic's argmax,
as select_action picks it).
Prints and writes (--out, JSON) the success rate and the mean episode length.
"""

import argparse
import json
import os
from pathlib import Path
import sys
import time

EVAL_TASK = 'FrankaHilPickCubeStateRandom-v0'
PACKAGE = 'franka_hil_gym_bridge'


def parse_args(argv=None):
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument(
        'checkpoint',
        type=Path,
        help='a learner checkpoint (its pretrained_model folder or the folder above it)',
    )
    parser.add_argument(
        '--config',
        type=Path,
        default=None,
        help='the train config JSON (default: train_config.json of the checkpoint)',
    )
    parser.add_argument('--seeds', type=int, default=50, help='episodes (one seed each)')
    parser.add_argument(
        '--first-seed',
        type=int,
        default=10000,
        help='seed of the first episode (training never resets with these)',
    )
    parser.add_argument(
        '--deterministic', action='store_true', help="the policy's mean action instead of a sample"
    )
    parser.add_argument('--out', type=Path, default=None, help='write the result here (JSON)')
    return parser.parse_args(argv)


def load_policy(checkpoint, config_path):
    """
    Return (policy, train config, model folder, processors) of a learner checkpoint.

    LeRobot >= 0.5: the policy is a GaussianActorPolicy and normalises nothing itself; the actor
    runs it between the pre- and postprocessor made from the config's stats (processors: that
    pair). LeRobot 0.4.4: a SACPolicy that normalises inside (processors: None).
    """
    import draccus
    from lerobot.configs.parser import load_plugin

    try:  # LeRobot >= 0.5
        from lerobot.policies import make_pre_post_processors
        from lerobot.policies.gaussian_actor.modeling_gaussian_actor import (
            GaussianActorPolicy as SACPolicy,
        )
        from lerobot.rl.train_rl import TrainRLServerPipelineConfig
    except ImportError:  # LeRobot 0.4.4
        from lerobot.configs.train import TrainRLServerPipelineConfig
        from lerobot.policies.sac.modeling_sac import SACPolicy

        make_pre_post_processors = None

    model = (
        checkpoint / 'pretrained_model'
        if (checkpoint / 'pretrained_model').is_dir()
        else checkpoint
    )
    cfg = draccus.parse(
        TrainRLServerPipelineConfig,
        config_path=str(config_path or model / 'train_config.json'),
        args=[],
    )
    cfg.env.task = EVAL_TASK
    load_plugin(PACKAGE)  # what --env.discover_packages_path does
    policy = SACPolicy.from_pretrained(str(model)).eval()
    processors = (
        None
        if make_pre_post_processors is None
        else make_pre_post_processors(
            policy_cfg=cfg.policy, dataset_stats=cfg.policy.dataset_stats
        )
    )
    return policy, cfg, model, processors


def act(policy, processors, observation, deterministic):
    """Return the policy's action for an observation, as LeRobot's actor computes it."""
    import torch

    if processors is not None:
        observation = processors[0].process_observation(observation)
    action = (
        mean_action(policy, observation)
        if deterministic
        else policy.select_action(batch=observation)
    )
    if processors is None:
        return action
    if policy.config.num_discrete_actions is None:
        return processors[1].process_action(action)
    continuous = processors[1].process_action(action[..., :-1])
    return torch.cat([continuous, action[..., -1:].to(continuous.dtype)], dim=-1)


def run_episode(
    env, env_processor, action_processor, policy, keys, seed, deterministic, processors=None
):
    """Run one episode of the policy alone from reset(seed); return (steps, success)."""
    from lerobot.processor import create_transition, TransitionKey
    from lerobot.rl import gym_manipulator
    import torch

    obs, info = env.reset(seed=seed)
    env_processor.reset()
    action_processor.reset()
    transition = env_processor(create_transition(observation=obs, info=info))
    steps, success = 0, False
    while True:
        observation = {
            key: value
            for key, value in transition[TransitionKey.OBSERVATION].items()
            if key in keys
        }
        with torch.no_grad():
            action = act(policy, processors, observation, deterministic)
        transition = gym_manipulator.step_env_and_process_transition(
            env, transition, action, env_processor, action_processor
        )
        steps += 1
        info = transition[TransitionKey.INFO]
        success = (
            success
            or bool(info.get('succeed', False))
            or float(transition[TransitionKey.REWARD]) > 0.5
        )
        if transition.get(TransitionKey.DONE) or transition.get(TransitionKey.TRUNCATED):
            return steps, success


def evaluate(checkpoint, config_path, seeds, first_seed, deterministic=False):
    """Run the policy alone for `seeds` episodes; return the result dict."""
    os.environ.update(
        FRANKA_HIL_LAUNCH='1',
        FRANKA_HIL_TELEOP='none',
        FRANKA_HIL_NAMESPACE=f'/eval_{os.getpid()}',
    )
    from lerobot.rl import gym_manipulator
    import torch

    torch.set_num_threads(1)
    policy, cfg, model, processors = load_policy(checkpoint, config_path)
    keys = list(cfg.policy.input_features)
    env, teleop = gym_manipulator.make_robot_env(cfg.env)
    env_processor, action_processor = gym_manipulator.make_processors(
        env, teleop, cfg.env, cfg.policy.device
    )
    lengths, successes = [], []
    started = time.monotonic()
    try:
        for k in range(seeds):
            steps, success = run_episode(
                env,
                env_processor,
                action_processor,
                policy,
                keys,
                first_seed + k,
                deterministic,
                processors,
            )
            lengths.append(steps)
            successes.append(success)
    finally:
        env.close()
    return {
        'checkpoint': str(model),
        'task': EVAL_TASK,
        'seeds': [first_seed, first_seed + seeds - 1],
        'episodes': seeds,
        'success_rate': sum(successes) / seeds,
        'mean_episode_length': sum(lengths) / seeds,
        'successes': successes,
        'lengths': lengths,
        'deterministic': deterministic,
        'seconds': round(time.monotonic() - started, 1),
    }


def mean_action(policy, observation):
    """Return the SAC policy's mean action (and its discrete critic's gripper choice)."""
    import torch

    _, _, means = policy.actor(observation, None)
    action = torch.tanh(means)
    if policy.config.num_discrete_actions is not None:
        values = policy.discrete_critic(observation, None)
        action = torch.cat([action, torch.argmax(values, dim=-1, keepdim=True)], dim=-1)
    return action


def main(argv=None):
    """Evaluate, print, write."""
    options = parse_args(argv)
    result = evaluate(
        options.checkpoint,
        options.config,
        options.seeds,
        options.first_seed,
        options.deterministic,
    )
    print(
        f'[eval] {result["checkpoint"]}: success {result["success_rate"]:.0%} over '
        f'{result["episodes"]} seeds {result["seeds"][0]}..{result["seeds"][1]}, mean '
        f'episode length {result["mean_episode_length"]:.1f} steps '
        f'({result["seconds"]:.0f} s{", mean actions" if options.deterministic else ""})',
        flush=True,
    )
    if options.out is not None:
        options.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
