# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
`bag_to_lerobot BAG OUT_DIR`: a recorded bag as a LeRobot dataset (v2.1 layout), without lerobot.

lerobot pulls in torch and is not installable on our machines, so this writes the on-disk format
itself: data/chunk-000/episode_000000.parquet (needs pyarrow), one mp4 per episode and camera
under videos/chunk-000/observation.images.<camera>/, and meta/info.json, episodes.jsonl,
tasks.jsonl, episodes_stats.jsonl. lerobot >= 0.4 reads v3.0 datasets: convert with lerobot's
v2.1 -> v3.0 script. One frame per control step, as LeRobot's gym_manipulator records HIL-SERL
demos:
  observation.state            agent_pos of the observation the step acted on (`observation`)
  observation.images.<camera>  the camera frame (`<camera>/image_raw`) nearest that observation
  action                       StepInfo.action, the executed action (the human's when overriding)
  next.reward, next.done       StepInfo.reward, terminated or truncated
  complementary_info.is_intervention / .discrete_penalty   from StepInfo
The observation a step acted on is the newest `observation` stamped before the step's StepInfo,
which needs a simulation clock that does not run backwards between episodes.
Verified by our tests: the files read back (pyarrow, ffmpeg) with the recorded values. Not
verified: loading with lerobot's LeRobotDataset, which is not installed here.
"""

import argparse
import json
import math
from pathlib import Path
import shutil
import sys

from franka_hil_common import names
from franka_hil_common.names import image_topic
from franka_hil_common.observation import CAMERAS
from franka_hil_recorder.bag_export import Bag
from franka_hil_recorder.bag_export import ExportError
from franka_hil_recorder.bag_export import frame_rate
from franka_hil_recorder.bag_export import image_to_rgb
from franka_hil_recorder.bag_export import nearest
from franka_hil_recorder.bag_export import stamp_ns
from franka_hil_recorder.bag_export import VideoWriter
import numpy as np


CODEBASE_VERSION = 'v2.1'
CHUNKS_SIZE = 1000
DEFAULT_TASK = 'Pick up the cube.'
DATA_PATH = 'data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet'
VIDEO_PATH = 'videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4'

# Per-frame columns taken from StepInfo: name -> (StepInfo field, parquet dtype).
STEP_COLUMNS = {
    'next.reward': ('reward', 'float32'),
    'next.done': (None, 'bool'),
    'complementary_info.is_intervention': ('is_intervention', 'float32'),
    'complementary_info.discrete_penalty': ('discrete_penalty', 'float32'),
}
INDEX_COLUMNS = ('frame_index', 'episode_index', 'index', 'task_index')


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ExportError('writing a LeRobot dataset needs pyarrow for its parquet files: '
                          '`pip install pyarrow` (lerobot itself depends on it)') from None
    return pyarrow, pyarrow.parquet


def _read_steps(bag, cameras):
    """Read StepInfo, observation states and camera stamps (pass 1: no pixels kept)."""
    step_topic, obs_topic = bag.topic(names.STEP_INFO), bag.topic(names.OBSERVATION)
    camera_topics = {bag.topic(image_topic(c), required=False): c for c in cameras}
    camera_topics.pop(None, None)
    steps, observations = {}, []
    camera_stamps = {c: set() for c in camera_topics.values()}
    for topic, log_ns, msg in bag.messages([step_topic, obs_topic, *camera_topics]):
        if topic == step_topic:
            steps.setdefault(msg.episode, []).append((msg.step, stamp_ns(msg.header), msg))
        elif topic == obs_topic:
            observations.append((stamp_ns(msg.header), log_ns, np.array(msg.agent_pos)))
        else:
            camera_stamps[camera_topics[topic]].add(stamp_ns(msg.header))
    observations.sort(key=lambda o: o[:2])
    return steps, observations, {c: sorted(s) for c, s in camera_stamps.items()}, camera_topics


def _episode_problem(records, include_incomplete, include_rerecorded):
    numbers = [step for step, _, _ in records]
    last = records[-1][2]
    if not include_rerecorded and any(m.rerecord_episode for _, _, m in records):
        return 'marked for re-recording'
    if not include_incomplete:
        if numbers != list(range(1, len(numbers) + 1)):
            return f'steps {numbers[0]}..{numbers[-1]} are not a complete run from step 1'
        if not (last.terminated or last.truncated):
            return 'did not end (recording stopped mid-episode)'
    return None


def build_frames(steps, observations, camera_stamps, fps, include_incomplete=False,
                 include_rerecorded=False):
    """
    Turn pass-1 data into episodes of frames.

    Returns (episodes as lists of frame dicts, skipped episodes as {sim episode: reason}).
    A frame dict holds 'state', 'action', the STEP_COLUMNS values and, per camera, the stamp of
    its image.
    """
    obs_stamps = [stamp for stamp, _, _ in observations]
    tolerance = 0.5e9 / fps
    episodes, skipped = [], {}
    for number in sorted(steps):
        records = sorted(steps[number], key=lambda r: r[0])
        problem = _episode_problem(records, include_incomplete, include_rerecorded)
        frames = []
        for step, stamp, info in records:
            if problem:
                break
            i = np.searchsorted(obs_stamps, stamp, side='left') - 1
            if i < 0:
                problem = f'no observation before step {step}'
                break
            frame = {'state': observations[i][2], 'action': np.array(info.action),
                     'next.done': bool(info.terminated or info.truncated), 'images': {}}
            for column, (field, _) in STEP_COLUMNS.items():
                if field:
                    frame[column] = getattr(info, field)
            for camera, stamps in camera_stamps.items():
                j = nearest(stamps, obs_stamps[i], tolerance)
                if j is None:
                    problem = f'no {camera} frame near the observation of step {step}'
                    break
                frame['images'][camera] = stamps[j]
            frames.append(frame)
        if problem:
            skipped[number] = problem
        else:
            episodes.append(frames)
    return episodes, skipped


def _check_shapes(episodes):
    shapes = {}
    for frames in episodes:
        for frame in frames:
            for key in ('state', 'action'):
                shape = shapes.setdefault(key, frame[key].shape)
                if frame[key].shape != shape or frame[key].ndim != 1 or not shape[0]:
                    raise ExportError(f'{key} has length {frame[key].shape} after {shape}: '
                                      'a dataset needs one fixed length')
    return shapes['state'][0], shapes['action'][0]


def _stats(values):
    """Return LeRobot per-feature stats of `values` (frames first)."""
    values = np.asarray(values, dtype=np.float64)
    return {'min': values.min(axis=0).tolist(), 'max': values.max(axis=0).tolist(),
            'mean': values.mean(axis=0).tolist(), 'std': values.std(axis=0).tolist(),
            'count': [len(values)]}


def _image_stats(frames):
    """Per-channel stats of (N, H, W, 3) uint8 frames, scaled to [0, 1], shaped (3, 1, 1)."""
    pixels = np.stack(frames).reshape(-1, 3).astype(np.float64) / 255.0
    stats = {k: [[[c]] for c in v] for k, v in _stats(pixels).items() if k != 'count'}
    stats['count'] = [len(frames)]
    return stats


class LeRobotWriter:
    """Writes episodes into a new LeRobot v2.1 dataset directory."""

    def __init__(self, root, fps, task, robot_type, state_dim, action_dim, cameras):
        self.root = Path(root)
        self.fps, self.task, self.robot_type = fps, task, robot_type
        self.cameras = list(cameras)
        self.features = {
            'observation.state': {'dtype': 'float32', 'shape': [state_dim], 'names': None},
            'action': {'dtype': 'float32', 'shape': [action_dim], 'names': None},
            **{name: {'dtype': dtype, 'shape': [1], 'names': None}
               for name, (_, dtype) in STEP_COLUMNS.items()},
            'timestamp': {'dtype': 'float32', 'shape': [1], 'names': None},
            **{name: {'dtype': 'int64', 'shape': [1], 'names': None} for name in INDEX_COLUMNS},
        }
        self.episodes = []
        self.total_frames = 0
        self._pa, self._pq = _pyarrow()

    def _path(self, template, index, **keys):
        return self.root / template.format(episode_chunk=index // CHUNKS_SIZE,
                                           episode_index=index, **keys)

    def write_episode(self, frames, images):
        """Write one episode: frames from build_frames, images {camera: list of RGB arrays}."""
        pa = self._pa
        index = len(self.episodes)
        n = len(frames)
        columns = {
            'observation.state': np.stack([f['state'] for f in frames]).astype(np.float32),
            'action': np.stack([f['action'] for f in frames]).astype(np.float32),
            **{name: np.array([f[name] for f in frames], dtype=dtype)
               for name, (_, dtype) in STEP_COLUMNS.items()},
            'timestamp': (np.arange(n) / self.fps).astype(np.float32),
            'frame_index': np.arange(n, dtype=np.int64),
            'episode_index': np.full(n, index, dtype=np.int64),
            'index': np.arange(self.total_frames, self.total_frames + n, dtype=np.int64),
            'task_index': np.zeros(n, dtype=np.int64),
        }
        arrays = {
            name: (pa.FixedSizeListArray.from_arrays(pa.array(values.ravel()), values.shape[1])
                   if values.ndim == 2 else pa.array(values))
            for name, values in columns.items()}
        path = self._path(DATA_PATH, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._pq.write_table(pa.table(arrays), path)
        stats = {name: _stats(values if values.ndim == 2 else values[:, None])
                 for name, values in columns.items()}
        for camera in self.cameras:
            key = f'observation.images.{camera}'
            video = VideoWriter(self._path(VIDEO_PATH, index, video_key=key), self.fps)
            video.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                for image in images[camera]:
                    video.add(image)
            finally:
                video.close()
            height, width, _ = images[camera][0].shape
            self.features[key] = {
                'dtype': 'video', 'shape': [height, width, 3],
                'names': ['height', 'width', 'channels'],
                'info': {'video.fps': self.fps, 'video.height': height, 'video.width': width,
                         'video.channels': 3, 'video.codec': 'h264', 'video.pix_fmt': 'yuv420p',
                         'video.is_depth_map': False, 'has_audio': False}}
            stats[key] = _image_stats(images[camera])
        self.episodes.append({'episode_index': index, 'tasks': [self.task], 'length': n,
                              'stats': stats})
        self.total_frames += n

    def finish(self):
        """Write the meta/ files."""
        meta = self.root / 'meta'
        meta.mkdir(parents=True, exist_ok=True)
        count = len(self.episodes)
        info = {
            'codebase_version': CODEBASE_VERSION, 'robot_type': self.robot_type,
            'total_episodes': count, 'total_frames': self.total_frames, 'total_tasks': 1,
            'total_videos': count * len(self.cameras),
            'total_chunks': max(1, math.ceil(count / CHUNKS_SIZE)),
            'chunks_size': CHUNKS_SIZE, 'fps': self.fps, 'splits': {'train': f'0:{count}'},
            'data_path': DATA_PATH, 'video_path': VIDEO_PATH if self.cameras else None,
            'features': self.features,
        }
        (meta / 'info.json').write_text(json.dumps(info, indent=4) + '\n')
        (meta / 'tasks.jsonl').write_text(json.dumps({'task_index': 0, 'task': self.task}) + '\n')
        (meta / 'episodes.jsonl').write_text(''.join(
            json.dumps({k: e[k] for k in ('episode_index', 'tasks', 'length')}) + '\n'
            for e in self.episodes))
        (meta / 'episodes_stats.jsonl').write_text(''.join(
            json.dumps({'episode_index': e['episode_index'], 'stats': e['stats']}) + '\n'
            for e in self.episodes))


def export_lerobot(bag_path, output, namespace=None, fps=None, task=DEFAULT_TASK,
                   robot_type='franka_panda', include_incomplete=False,
                   include_rerecorded=False):
    """Write the dataset; return (episodes written, frames written, {skipped episode: reason})."""
    output = Path(output)
    if output.exists():
        raise ExportError(f'{output} exists already: refusing to overwrite a dataset')
    _pyarrow()
    with Bag(bag_path, namespace) as bag:
        steps, observations, camera_stamps, camera_topics = _read_steps(bag, CAMERAS)
        if not steps:
            raise ExportError(f'{bag_path}: no {names.STEP_INFO} messages')
        if fps is None:
            rates = [frame_rate(sorted(stamp for _, stamp, _ in records), 'step_info')
                     for records in steps.values() if len(records) > 1]
            if not rates:
                raise ExportError('cannot tell the control rate: give --fps')
            fps = round(float(np.median(rates)))
        episodes, skipped = build_frames(steps, observations, camera_stamps, fps,
                                         include_incomplete, include_rerecorded)
        if not episodes:
            raise ExportError(f'{bag_path}: no episode to export ({skipped})')
        state_dim, action_dim = _check_shapes(episodes)
        writer = LeRobotWriter(output, fps, task, robot_type, state_dim, action_dim,
                               camera_stamps)
        try:
            _write_episodes(bag, writer, episodes, camera_topics)
            writer.finish()
        except BaseException:
            shutil.rmtree(output, ignore_errors=True)
            raise
    return len(episodes), writer.total_frames, skipped


def _write_episodes(bag, writer, episodes, camera_topics):
    """Pass 2: collect each episode's camera frames, writing an episode once it is complete."""
    needed = {}
    for e, frames in enumerate(episodes):
        for f, frame in enumerate(frames):
            for camera, stamp in frame['images'].items():
                needed.setdefault((camera, stamp), []).append((e, f))
    images = [{c: [None] * len(frames) for c in camera_topics.values()} for frames in episodes]
    missing = [len(frames) * len(camera_topics) for frames in episodes]
    done = 0

    def write_ready():
        nonlocal done
        while done < len(episodes) and not missing[done]:
            writer.write_episode(episodes[done], images[done])
            images[done] = None
            done += 1

    write_ready()
    for topic, _, msg in bag.messages(camera_topics):
        camera = camera_topics[topic]
        for e, f in needed.pop((camera, stamp_ns(msg.header)), ()):
            images[e][camera][f] = image_to_rgb(msg)
            missing[e] -= 1
        write_ready()
    if done < len(episodes):
        raise ExportError('camera frames vanished between two reads of the bag')


def main(argv=None):
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog='bag_to_lerobot',
        description='Write the episodes of a bag as a LeRobot dataset (v2.1 layout).')
    parser.add_argument('bag', help='rosbag2 directory written by the recorder')
    parser.add_argument('output', help='new dataset directory')
    parser.add_argument('--namespace', help='namespace of the sim topics (default: the only '
                                            'step_info/observation topics in the bag)')
    parser.add_argument('--fps', type=int, help='control rate (default: from StepInfo stamps)')
    parser.add_argument('--task', default=DEFAULT_TASK, help='task description of every frame')
    parser.add_argument('--robot-type', default='franka_panda', help='info.json robot_type')
    parser.add_argument('--include-incomplete', action='store_true',
                        help='also export episodes that were not recorded from start to end')
    parser.add_argument('--include-rerecorded', action='store_true',
                        help='also export episodes the human marked for re-recording')
    args = parser.parse_args(argv)
    if args.fps is not None and args.fps <= 0:
        parser.error('--fps must be positive')
    try:
        count, frames, skipped = export_lerobot(
            args.bag, args.output, args.namespace, args.fps, args.task, args.robot_type,
            args.include_incomplete, args.include_rerecorded)
    except ExportError as error:
        print(f'bag_to_lerobot: {error}', file=sys.stderr)
        return 1
    print(f'{args.output}: {count} episodes, {frames} frames')
    for number, reason in sorted(skipped.items()):
        print(f'  skipped sim episode {number}: {reason}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
