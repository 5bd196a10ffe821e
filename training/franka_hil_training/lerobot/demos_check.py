# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Part 3 of the LeRobot check: demonstrations into a bag, the bag into LeRobot datasets.

`hil_demo` records demonstrations by the synthetic human into a bag, `bag_to_lerobot` writes it
as a v3.0 dataset twice (camera frames as PNG images with --images, and as mp4 videos), and
LeRobot's LeRobotDataset loads both: features, episode boundaries, the executed actions,
interventions, rewards, gripper penalties, all as the bag's StepInfo says. What needs the
workspace's own Python (hil_demo, bag_to_lerobot, reading the bag) runs as workspace processes
(scripts/env.sh); the loading runs here, in the LeRobot venv.
"""

import json
import re

from franka_hil_training.lerobot.train_config import FPS, GRIPPER_PENALTY, STATE_DIM
from franka_hil_training.workspace import run_in_workspace
import numpy as np

DEMO_EPISODES = 6
# Reads a bag with the workspace's Python: every StepInfo, and the message count of each topic.
BAG_DUMP = """
import json, sys
from franka_hil_common import names
from franka_hil_recorder.bag_export import Bag
from rosbags.highlevel import AnyReader
with Bag(sys.argv[1]) as bag:
    topic = bag.topic(names.STEP_INFO)
    steps = [dict(episode=m.episode, step=m.step, action=[float(a) for a in m.action],
                  policy_action=[float(a) for a in m.policy_action],
                  intervention=bool(m.is_intervention), reward=float(m.reward),
                  done=bool(m.terminated or m.truncated), penalty=float(m.discrete_penalty),
                  rerecord=bool(m.rerecord_episode))
             for _, _, m in bag.messages([topic])]
with AnyReader([__import__('pathlib').Path(sys.argv[1])]) as reader:
    counts = {}
    for c in reader.connections:
        counts[c.topic] = counts.get(c.topic, 0) + c.msgcount
print(json.dumps({'steps': steps, 'topics': counts}))
"""
RECORDED_TOPICS = {
    '/robot_description',
    '/joy',
    '/cmd_vel',
    '/step_info',
    '/observation',
    '/front/image_raw',
    '/wrist/image_raw',
    '/intervention',
    '/episode_event',
}


def complete_episodes(steps, skipped=()):
    """
    Group bag StepInfo rows into the episodes bag_to_lerobot exports, in order.

    Those are the complete ones (steps 1..n, ended, not re-recorded), less the sim episodes it
    says it `skipped` for want of an observation or camera frame (the first one of a recording
    may start before the recorder has the cameras).
    """
    episodes = {}
    for row in steps:
        episodes.setdefault(row['episode'], []).append(row)
    kept = []
    for number in sorted(set(episodes) - set(skipped)):
        rows = sorted(episodes[number], key=lambda r: r['step'])
        if (
            [r['step'] for r in rows] == list(range(1, len(rows) + 1))
            and rows[-1]['done']
            and not any(r['rerecord'] for r in rows)
        ):
            kept.append(rows)
    return kept


def record_bag(demo, failures):
    """hil_demo into `demo`/bag; return the bag's StepInfo rows (None: failed)."""
    result = run_in_workspace(
        [
            'hil_demo',
            '--episodes',
            str(DEMO_EPISODES),
            '--out',
            str(demo),
            f'gripper_penalty:={GRIPPER_PENALTY}',
        ],
        timeout=300,
    )
    failures.check(result.returncode == 0, f'hil_demo exit code {result.returncode}')
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:])
        return None
    print(
        '  '
        + '\n  '.join(
            line
            for line in result.stdout.splitlines()
            if line.startswith('[demo] ') and 'success rate' in line
        )
    )
    dump = run_in_workspace(['python', '-c', BAG_DUMP, str(demo / 'bag')], timeout=120)
    failures.check(dump.returncode == 0, 'reading the demo bag')
    if dump.returncode != 0:
        print(dump.stderr[-2000:])
        return None
    bag = json.loads(dump.stdout)
    recorded = {topic for topic, count in bag['topics'].items() if count > 0}
    failures.check(
        RECORDED_TOPICS <= recorded,
        f'demo bag: topics {sorted(RECORDED_TOPICS - recorded)} missing or empty',
    )
    steps = bag['steps']
    failures.check(
        bool(steps) and all(len(r['policy_action']) == len(r['action']) == 4 for r in steps),
        "demo bag: StepInfo carries the policy's and the executed 4-D actions",
    )
    return steps


def export_datasets(workdir, bag, failures):
    """bag_to_lerobot twice (images, videos); return ({name: dataset}, {name: skipped})."""
    datasets, skipped = {}, {}
    for name, extra in (('demos_images', ['--images']), ('demos_video', [])):
        out = workdir / name
        result = run_in_workspace(
            ['bag_to_lerobot', str(bag), str(out), '--task', 'pick_cube', *extra], timeout=300
        )
        failures.check(
            result.returncode == 0,
            f'bag_to_lerobot {name} exit code {result.returncode}: {result.stderr[-500:]}',
        )
        if result.returncode == 0:
            datasets[name] = out
            skipped[name] = {
                int(n): why
                for n, why in re.findall(r'skipped sim episode (\d+): (.*)', result.stdout)
            }
            print(
                f'  {name}: bag_to_lerobot {result.stdout.strip().splitlines()[0]}'
                + ''.join(f'; skipped sim episode {n}: {why}' for n, why in skipped[name].items())
            )
    return datasets, skipped


def record_demos(workdir, failures):
    """Part 3: demonstrations into a bag, the bag into two v3.0 datasets; load them."""
    demo = workdir / 'demo'
    steps = record_bag(demo, failures)
    if steps is None:
        return None
    datasets, skipped = export_datasets(workdir, demo / 'bag', failures)
    if len(datasets) < 2:
        return None
    episodes = complete_episodes(steps, skipped['demos_images'])
    failures.check(
        len(episodes) >= DEMO_EPISODES - 1 and skipped['demos_images'] == skipped['demos_video'],
        f'bag_to_lerobot exported {len(episodes)} of the {DEMO_EPISODES} demos '
        f'(skipped {skipped})',
    )
    images = check_dataset(datasets['demos_images'], episodes, True, failures)
    check_dataset(
        datasets['demos_video'],
        episodes,
        False,
        failures,
        datasets['demos_images'] if images is not None else None,
    )
    if images is None:
        return None
    return {
        'dataset': datasets['demos_images'],
        'episodes': len(episodes),
        'frames': sum(map(len, episodes)),
        'stats': images,
    }


def check_features(dataset, name, images, failures):
    """Check the features: state, action, both cameras, intervention and penalty."""
    features = {
        key: (value['dtype'], tuple(value['shape'])) for key, value in dataset.features.items()
    }
    camera = 'image' if images else 'video'
    failures.check(
        dataset.meta.info['codebase_version'] == 'v3.0'
        and features['observation.state'] == ('float32', (STATE_DIM,))
        and features['action'] == ('float32', (4,))
        and features['observation.images.front'] == (camera, (128, 128, 3))
        and features['observation.images.wrist'] == (camera, (128, 128, 3))
        and 'complementary_info.is_intervention' in features
        and 'complementary_info.discrete_penalty' in features,
        f'{name}: LeRobotDataset features {features}',
    )


def check_frames(dataset, name, episodes, failures):
    """Episode boundaries and every frame against the bag's StepInfo; return the frames."""
    table = dataset.hf_dataset.with_format(None)
    rows = [table[i] for i in range(len(table))]
    bounds_ok = actions_ok = True
    for index, bag_rows in enumerate(episodes):
        meta = dataset.meta.episodes[index]
        start, stop = meta['dataset_from_index'], meta['dataset_to_index']
        frames = rows[start:stop]
        bounds_ok &= (
            stop - start == len(bag_rows)
            and all(f['episode_index'] == index for f in frames)
            and [f['frame_index'] for f in frames] == list(range(len(bag_rows)))
        )
        for frame, step in zip(frames, bag_rows):
            actions_ok &= (
                np.allclose(frame['action'], step['action'], atol=1e-6)
                and frame['complementary_info.is_intervention'] == float(step['intervention'])
                and frame['next.reward'] == step['reward']
                and frame['next.done'] == step['done']
                and np.isclose(frame['complementary_info.discrete_penalty'], step['penalty'])
            )
    failures.check(bounds_ok, f'{name}: episode boundaries (meta/episodes) as in the bag')
    failures.check(
        actions_ok,
        f'{name}: executed actions, interventions, rewards, dones and '
        'penalties frame by frame as the bag StepInfo',
    )
    return rows


def check_images(dataset, name, result, failures):
    """Check that a frame decodes; keep the state's range (the config's stats) in `result`."""
    item = dataset[len(dataset) - 1]
    shape = tuple(item['observation.images.front'].shape)
    failures.check(
        shape == (3, 128, 128), f'{name}: a frame decodes to {shape} (no video decoder involved)'
    )
    result['state_min'] = dataset.meta.stats['observation.state']['min'].tolist()
    result['state_max'] = dataset.meta.stats['observation.state']['max'].tolist()


def decoded_frame(root, index, video_backend=None):
    """Return frame `index` of a dataset as LeRobotDataset gives it (a video backend or none)."""
    from lerobot.datasets.lerobot_dataset import LeRobotDataset

    dataset = LeRobotDataset('local/franka_hil_demos', root=root, video_backend=video_backend)
    return dataset[index]


def check_videos(dataset, root, name, episodes, result, failures, images_root=None):
    """
    Check the mp4s hold a frame per row; decode them as LeRobot does.

    The default backend (torchcodec where LeRobot installs it) needs FFmpeg's shared libraries,
    which the machine may lack: what it does is noted, not asserted. video_backend='pyav'
    (PyAV's own FFmpeg) must decode, to the PNG copy's frames within codec error.
    """
    import av

    counts = []
    for key in ('observation.images.front', 'observation.images.wrist'):
        path = root / dataset.meta.get_video_file_path(0, key)
        with av.open(str(path)) as container:
            counts.append(sum(1 for _ in container.decode(video=0)))
    last = dataset.meta.episodes[len(episodes) - 1]
    failures.check(
        counts == [len(dataset)] * 2
        and np.isclose(last['videos/observation.images.front/to_timestamp'], len(dataset) / FPS),
        f'{name}: mp4 frames {counts} = {len(dataset)} frames, episodes end at '
        f'{last["videos/observation.images.front/to_timestamp"]} s',
    )
    backend = getattr(dataset, 'video_backend', None) or getattr(dataset, '_video_backend', '?')
    try:
        dataset[0]
        result['video_decoding'] = f'ok ({backend})'
    except Exception as error:  # noqa: B902 - what LeRobot raises depends on the machine
        result['video_decoding'] = (
            f'{backend}: {type(error).__name__}: {str(error).splitlines()[0][:160]}'
        )
    index = len(dataset) - 1
    try:
        item = decoded_frame(root, index, 'pyav')
    except Exception as error:  # noqa: B902
        failures.check(
            False, f"{name}: video_backend='pyav' decodes: {type(error).__name__}: {error}"
        )
        return
    shape = tuple(item['observation.images.front'].shape)
    result['pyav'] = f'ok {shape}'
    if images_root is not None:
        png = decoded_frame(images_root, index)
        diffs = [
            float((item[key] - png[key]).abs().mean())
            for key in ('observation.images.front', 'observation.images.wrist')
        ]
        result['pyav'] += f', mean |mp4 - png| {max(diffs):.4f}'
        failures.check(
            shape == (3, 128, 128) and max(diffs) < 0.03,
            f"{name}: video_backend='pyav' frame {index} {shape} = the PNG copy's "
            f'within codec error (mean difference {diffs})',
        )


def check_dataset(root, episodes, images, failures, images_root=None):
    """Load a bag_to_lerobot dataset with LeRobotDataset; compare it with the bag's episodes."""
    from lerobot.datasets.lerobot_dataset import LeRobotDataset

    name = root.name
    dataset = LeRobotDataset('local/franka_hil_demos', root=root)
    check_features(dataset, name, images, failures)
    failures.check(
        dataset.num_episodes == len(episodes) and len(dataset) == sum(map(len, episodes)),
        f'{name}: {dataset.num_episodes} episodes / {len(dataset)} frames, the bag '
        f'has {len(episodes)} / {sum(map(len, episodes))}',
    )
    if dataset.num_episodes != len(episodes):
        return None
    rows = check_frames(dataset, name, episodes, failures)
    interventions = sum(r['complementary_info.is_intervention'] for r in rows)
    penalties = sum(r['complementary_info.discrete_penalty'] < 0 for r in rows)
    failures.check(
        interventions > 0 and penalties > 0,
        f'{name}: {interventions:.0f} intervened frames, {penalties} with a gripper flip penalty',
    )
    result = {'interventions': int(interventions), 'penalties': int(penalties)}
    if images:
        check_images(dataset, name, result, failures)
    else:
        check_videos(dataset, root, name, episodes, result, failures, images_root)
    print(
        f'  {name}: {dataset.num_episodes} episodes, {len(dataset)} frames, '
        + ', '.join(f'{k} {v}' for k, v in result.items() if not k.startswith('state_'))
    )
    return result
