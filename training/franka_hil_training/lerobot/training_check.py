# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Part 4 of the LeRobot check: LeRobot's learner and actor on a graph the actor's env launches.

`python -m lerobot.rl.learner` with the images dataset of part 3 as its offline buffer and
`python -m lerobot.rl.actor` stepping `gym_hil/FrankaHilPickCube-v0`, whose env starts its own
graph with the corrective synthetic human (FRANKA_HIL_LAUNCH=1, FRANKA_HIL_TELEOP=script,
FRANKA_HIL_HUMAN=corrective), until the
learner has done TRAIN_STEPS optimisation steps and the actor has loaded the learner's updated
weights; the online buffer the learner saved at step TRAIN_STEPS holds the human's executed
actions of intervened steps (seen on the graph's step_info).
"""

import json
import os
import time

from franka_hil_training.lerobot.processes import (
    failed,
    free_port,
    learner_rates,
    learner_steps,
    LeRobotProcess,
    stop_training,
    tail,
    wait_for_learner,
)
from franka_hil_training.lerobot.step_info_watch import StepInfoWatch
from franka_hil_training.lerobot.train_config import train_config, TRAIN_STEPS
import numpy as np

ACTOR_NAMESPACE = '/lerobot_actor'
TRAIN_TIMEOUT_S = 600.0
LOADED = '[ACTOR] Load new parameters from Learner.'


def raise_if_failed(processes):
    """Raise RuntimeError if a process exited or printed a traceback."""
    for process in processes:
        if process.process.poll() is not None:
            raise RuntimeError(
                f'the {process.name} exited with code '
                f'{process.process.returncode}:\n{tail(process.log_path)}'
            )
        # an exception in LeRobot's main thread leaves its gRPC threads running
        if failed(process.text()):
            raise RuntimeError(f'the {process.name} failed:\n{tail(process.log_path)}')


def wait_until_trained(learner, actor, started, timeout):
    """Wait for TRAIN_STEPS steps, two parameter loads by the actor and the checkpoint."""
    reached = None
    while True:
        raise_if_failed((learner, actor))
        steps = learner_steps(learner.text())
        loads = actor.text().count(LOADED)
        if steps >= TRAIN_STEPS and reached is None:
            reached = time.monotonic()
        # the learner logs this once its checkpoint (online buffer included) is written
        checkpoint = 'Resume training' in learner.text()
        if reached is not None and loads >= 2 and checkpoint:
            return
        if time.monotonic() - started > timeout:
            raise RuntimeError(
                f'after {timeout:.0f} s: {steps} optimisation steps, '
                f'{loads} parameter loads by the actor, learner checkpoint '
                f'{checkpoint}\n--- learner:\n{tail(learner.log_path)}\n'
                f'--- actor:\n{tail(actor.log_path)}'
            )
        time.sleep(0.5)


def training_figures(learner, actor, seen, actor_started):
    """Return what the learner's and actor's logs and the step_info seen say."""
    return {
        'optimisation_steps': learner_steps(learner.text()),
        'actor_loads': actor.text().count(LOADED),
        'learner_pushes': learner.text().count('[LEARNER] Parameters sent'),
        'actor_steps': len(seen),
        'interventions': sum(s[1] for s in seen),
        'episodes': sum(s[3] for s in seen),
        'actor_steps_per_s': (len(seen) - 1) / (seen[-1][0] - seen[0][0])
        if len(seen) > 1
        else 0.0,
        'learner_hz': float(np.median(learner_rates(learner.text()) or [0.0])),
        'seconds': time.monotonic() - actor_started,
    }


def check_figures(result, failures):
    """Assert the stop, the learner's steps and pushes, the actor's loads and the human."""
    failures.check(
        not result['graph_left'],
        f'the graph the actor launched stopped ({result["graph_left"]} step_info publishers left)',
    )
    failures.check(
        result['exit_codes'] == {'actor': 0, 'learner': 0},
        f'actor and learner stop cleanly on Ctrl-C (exit codes {result["exit_codes"]})',
    )
    failures.check(
        result['optimisation_steps'] >= TRAIN_STEPS,
        f'learner: {result["optimisation_steps"]} optimisation steps',
    )
    failures.check(
        result['learner_pushes'] >= 2 and result['actor_loads'] >= 2,
        f"actor loaded the learner's updated weights ({result['actor_loads']} loads; "
        f'the learner sent {result["learner_pushes"]}, the first being its initial '
        'weights)',
    )
    failures.check(
        result['interventions'] > 0,
        f'the synthetic human intervened on {result["interventions"]} of '
        f'{result["actor_steps"]} actor steps',
    )


def buffer_table(root):
    """Return (the table, LeRobotDataset) of a replay buffer the learner saved as a dataset."""
    from lerobot.datasets.lerobot_dataset import LeRobotDataset

    dataset = LeRobotDataset('local/franka_hil_buffer', root=root)
    return dataset.hf_dataset.with_format(None), dataset


def column(table, name):
    """Return a column of a buffer table as a 2-D float array (one row a frame)."""
    return np.stack([np.atleast_1d(np.asarray(v, np.float32)) for v in table[name]])


def check_online_buffer(workdir, seen, config, result, failures):
    """Check the online buffer the learner saved at step TRAIN_STEPS holds the human's actions."""
    table, online = buffer_table(workdir / 'train' / 'dataset')
    actions = column(table, 'action')
    human = [s[2] for s in seen if s[1]]
    matched = sum(bool(np.any(np.all(np.isclose(actions, a, atol=1e-5), axis=1))) for a in human)
    result.update(online_buffer=len(online), human_actions_in_buffer=matched)
    failures.check(
        len(online) >= config['policy']['online_step_before_learning'] and matched > 0,
        f'learner online buffer at step {TRAIN_STEPS}: {len(online)} transitions, '
        f"{matched} of them the human's executed actions",
    )
    if 'complementary_info.is_intervention' in table.column_names:
        check_interventions(workdir, seen, table, result, failures)
    else:
        result['interventions_flagged'] = None  # LeRobot < 0.5: the actor sends no flag


def graph_episodes(seen):
    """
    Return the actor's episodes as the graph's step_info tells them, and the duplicates.

    Each episode, in episode order: {step number: (intervened, executed action)}. A message
    lost on the way is a step number missing; a (episode, step) seen twice is counted
    (another graph on the same topic would show so).
    """
    episodes, duplicates = {}, 0
    for _, intervened, action, _, episode, step in seen:
        duplicates += step in episodes.setdefault(episode, {})
        episodes[episode][step] = (intervened, action)
    return [episodes[e] for e in sorted(episodes)], duplicates


def pair_steps(episode_index, episodes):
    """
    Pair the buffer's steps with the graph's: its k-th episode with the graph's k-th.

    Return (buffer rows, graph steps, steps the graph's step_info lacks): a buffer episode's
    row i is step number first + i, `first` the lowest step number of any episode (1).
    """
    first = min((min(e) for e in episodes if e), default=1)
    rows, graph, missing = [], [], 0
    for k, e in enumerate(sorted(set(episode_index))):
        indices = np.flatnonzero(episode_index == e)
        steps = episodes[k] if k < len(episodes) else {}
        for i, row in enumerate(indices):
            if first + i in steps:
                rows.append(row)
                graph.append(steps[first + i])
            else:
                missing += 1
    return np.array(rows, int), graph, missing


def check_interventions(workdir, seen, table, result, failures):
    """
    Check the human's steps as the learner has them against the graph's step_info.

    The learner's online buffer holds the actor's first whole episodes; every step step_info says
    the human drove (and no other) must be flagged is_intervention with the executed action, and
    copied to the offline buffer (dataset_offline, after the demonstrations).
    """
    flags = column(table, 'complementary_info.is_intervention')[:, 0] > 0.5
    actions = column(table, 'action')
    episode_index = column(table, 'episode_index')[:, 0].astype(int)
    episodes, duplicates = graph_episodes(seen)
    rows, graph, missing = pair_steps(episode_index, episodes)
    graph_flags = np.array([g[0] for g in graph], bool)
    graph_actions = np.stack([g[1] for g in graph]) if graph else np.zeros((0, 4), np.float32)
    differ = rows[graph_flags != flags[rows]].tolist()
    human = rows[graph_flags]
    same_steps = not missing and not duplicates and not differ
    same_actions = same_steps and bool(
        np.allclose(actions[human], graph_actions[graph_flags], atol=1e-5)
    )
    write_pairing(
        workdir / 'interventions.json',
        episode_index,
        episodes,
        flags,
        graph_flags,
        missing=missing,
        duplicates=duplicates,
        differ=differ,
    )
    demo_frames = result.get('demo_frames', 0)
    offline, copied, same_offline = offline_copies(workdir, demo_frames, flags, actions)
    result.update(
        interventions_flagged=int(flags.sum()),
        interventions_on_graph=int(graph_flags.sum()),
        online_policy_steps=int(len(flags) - flags.sum()),
        offline_buffer=len(offline),
        offline_copied=len(copied),
    )
    failures.check(
        same_steps and flags.sum() > 0,
        f'interventions: {int(flags.sum())} of the {len(flags)} steps in the online '
        f'buffer ({len(set(episode_index))} episodes) flagged '
        'complementary_info.is_intervention; step_info says '
        f'{int(graph_flags.sum())} of the same steps (steps that differ '
        f'{differ[:10]}, {missing} step_info messages missing, {duplicates} '
        'duplicated; interventions.json)',
    )
    failures.check(
        same_actions,
        'interventions: the flagged steps carry the executed '
        "(human) action of the graph's step_info",
    )
    failures.check(
        same_offline,
        f'interventions: the offline buffer ({len(offline)} = '
        f'{demo_frames} demonstration frames + {len(copied)}) holds the '
        f'{int(flags.sum())} flagged steps, with their actions',
    )


def write_pairing(path, episode_index, episodes, flags, graph_flags, **mismatches):
    """Save the buffer-to-step_info pairing, for a reader to see where they differ."""
    pairing = {
        'buffer_lengths': np.bincount(episode_index).tolist(),
        'graph_lengths': [len(e) for e in episodes],
        **mismatches,
        'buffer_flags': flags.astype(int).tolist(),
        'graph_flags': graph_flags.astype(int).tolist(),
    }
    path.write_text(json.dumps(pairing))


def offline_copies(workdir, demo_frames, flags, actions):
    """Read the offline buffer: its rows after the demonstrations must be the flagged steps."""
    offline, _ = buffer_table(workdir / 'train' / 'dataset_offline')
    copied = column(offline, 'action')[demo_frames:]
    copied_flags = column(offline, 'complementary_info.is_intervention')[demo_frames:, 0] > 0.5
    same = (
        len(copied) == int(flags.sum())
        and bool(np.all(copied_flags))
        and bool(np.allclose(copied, actions[flags], atol=1e-5))
    )
    return offline, copied, same


def print_figures(result):
    """Print the learner's and the actor's figures."""
    print(
        f'  learner: {result["optimisation_steps"]} optimisation steps '
        f'(median loop {result["learner_hz"]:.0f} Hz), online buffer '
        f'{result["online_buffer"]}, {result["learner_pushes"]} parameter pushes'
    )
    if result.get('interventions_flagged') is not None:
        print(
            f'  interventions: {result["interventions_flagged"]} steps flagged in the online '
            f"buffer (and {result['online_policy_steps']} the policy's) = "
            f"{result['interventions_on_graph']} on the graph's step_info over the same "
            f'steps; offline buffer {result["offline_buffer"]} = {result["demo_frames"]} '
            f'demonstration frames + {result["offline_copied"]} copied'
        )
    print(
        f'  actor: {result["actor_steps"]} steps ({result["actor_steps_per_s"]:.1f}/s), '
        f'{result["episodes"]} episodes, {result["interventions"]} intervened, '
        f'{result["actor_loads"]} parameter loads; {result["seconds"]:.0f} s; '
        f'exit codes {result["exit_codes"]}'
    )


def run_training(workdir, demos, failures, timeout=TRAIN_TIMEOUT_S):
    """Part 4: LeRobot's learner and actor against a graph the actor's env launches."""
    config = train_config(workdir, demos['dataset'], demos['stats'], free_port())
    config_path = workdir / 'train_config_franka_hil.json'
    config_path.write_text(json.dumps(config, indent=2))
    env = dict(os.environ)
    # the corrective synthetic human: it takes over only when the policy goes off track, so the
    # actor's steps are the human's and the policy's, and the check tells them apart
    actor_env = dict(
        env,
        FRANKA_HIL_LAUNCH='1',
        FRANKA_HIL_TELEOP='script',
        FRANKA_HIL_HUMAN='corrective',
        FRANKA_HIL_NAMESPACE=ACTOR_NAMESPACE,
    )
    watch = StepInfoWatch(ACTOR_NAMESPACE)
    learner = LeRobotProcess('learner', config_path, workdir / 'learner.log', env)
    actor = None
    started = time.monotonic()
    result = {'demo_frames': demos['frames']}
    try:
        # the learner first: the actor gives up when nobody answers on the port
        wait_for_learner(learner, 120)
        # LeRobot's validate() refuses an existing output_dir, which the learner has made:
        # the actor writes its logs to a directory of its own.
        actor = LeRobotProcess(
            'actor',
            config_path,
            workdir / 'actor.log',
            actor_env,
            f'--output_dir={workdir / "actor"}',
        )
        actor_started = time.monotonic()
        wait_until_trained(learner, actor, started, timeout)
        seen = watch.snapshot()
        result.update(training_figures(learner, actor, seen, actor_started))
    except RuntimeError as error:
        failures.check(False, f'actor + learner: {error}')
        return None
    finally:
        codes, graph_left = stop_training(actor, learner, watch)
        watch.close()
        result.update(exit_codes=codes, graph_left=graph_left)
    check_figures(result, failures)
    check_online_buffer(workdir, seen, config, result, failures)
    print_figures(result)
    return result
