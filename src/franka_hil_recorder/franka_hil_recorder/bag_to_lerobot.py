# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
`franka-hil-bag-to-lerobot BAG OUT_DIR`: a recorded bag as a LeRobot dataset (v3.0 layout).

It writes the format LeRobot 0.4.x loads directly (LeRobotDataset(repo_id, root=OUT_DIR)),
without importing lerobot or torch: data/chunk-000/file-000.parquet (all frames; needs
pyarrow), per camera videos/observation.images.<camera>/chunk-000/file-000.mp4 (the episodes
back to back), and meta/info.json, meta/tasks.parquet, meta/stats.json and
meta/episodes/chunk-000/file-000.parquet (lengths, frame ranges, video time ranges, per-episode
stats). With --images the camera frames are PNG images inside the data file (feature dtype
`image`) instead of videos, so a CPU-only learner reads them without a video decoder.
One frame per control step, as LeRobot's gym_manipulator records HIL-SERL demos:
  observation.state            agent_pos of the observation the step acted on (`observation`)
  observation.environment_state  its environment_state (the cube position), with
                               --environment-state (a state policy that must find the cube)
  observation.images.<camera>  the camera frame (`<camera>/image_raw`) nearest that observation
  action                       StepInfo.action, the executed action (the human's when overriding)
  next.reward, next.done       StepInfo.reward, terminated or truncated
  complementary_info.is_intervention / .discrete_penalty   from StepInfo
The observation a step acted on is the newest `observation` stamped before the step's StepInfo,
which needs a simulation clock that does not run backwards between episodes.
Verified by our tests: the files read back (pyarrow, ffmpeg) with the recorded values; and by
scripts/check_lerobot.sh: LeRobot 0.4.4's LeRobotDataset loads them (features, episode
boundaries, interventions, actions) and its learner trains from them.
"""

import argparse
import json
from pathlib import Path
import shutil
import struct
import sys
import zlib

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


CODEBASE_VERSION = 'v3.0'
CHUNKS_SIZE = 1000
# LeRobot starts a new data / video file past these sizes; this writer writes one file of each
# (any size loads), and says so in info.json as LeRobot does.
DATA_FILES_SIZE_MB = 100
VIDEO_FILES_SIZE_MB = 500
DEFAULT_TASK = 'Pick up the cube.'
DATA_PATH = 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet'
VIDEO_PATH = 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4'
EPISODES_PATH = 'meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet'
STATS = ('min', 'max', 'mean', 'std', 'count')

# Per-frame columns taken from StepInfo: name -> (StepInfo field, parquet dtype).
STEP_COLUMNS = {
    'next.reward': ('reward', 'float32'),
    'next.done': (None, 'bool'),
    'complementary_info.is_intervention': ('is_intervention', 'float32'),
    'complementary_info.discrete_penalty': ('discrete_penalty', 'float32'),
}
INDEX_COLUMNS = ('frame_index', 'episode_index', 'index', 'task_index')
# Why an episode the person marked with `r` (StepInfo.rerecord_episode) is not exported.
RERECORDED = 'marked for re-recording'


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ExportError(
            'writing a LeRobot dataset needs pyarrow for its parquet files: '
            '`pip install pyarrow` (lerobot itself depends on it)'
        ) from None
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
            observations.append(
                (
                    stamp_ns(msg.header),
                    log_ns,
                    np.array(msg.agent_pos),
                    np.array(msg.environment_state),
                )
            )
        else:
            camera_stamps[camera_topics[topic]].add(stamp_ns(msg.header))
    observations.sort(key=lambda o: o[:2])
    return steps, observations, {c: sorted(s) for c, s in camera_stamps.items()}, camera_topics


def _episode_problem(records, include_incomplete, include_rerecorded):
    numbers = [step for step, _, _ in records]
    last = records[-1][2]
    if not include_rerecorded and any(m.rerecord_episode for _, _, m in records):
        return RERECORDED
    if not include_incomplete:
        if numbers != list(range(1, len(numbers) + 1)):
            return f'steps {numbers[0]}..{numbers[-1]} are not a complete run from step 1'
        if not (last.terminated or last.truncated):
            return 'did not end (recording stopped mid-episode)'
    return None


def build_frames(
    steps, observations, camera_stamps, fps, include_incomplete=False, include_rerecorded=False
):
    """
    Turn pass-1 data into episodes of frames.

    Returns (episodes as lists of frame dicts, skipped episodes as {sim episode: reason}).
    A frame dict holds 'state', 'action', the STEP_COLUMNS values and, per camera, the stamp of
    its image.
    """
    obs_stamps = [o[0] for o in observations]
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
            frame = {
                'state': observations[i][2],
                'action': np.array(info.action),
                'environment_state': observations[i][3]
                if len(observations[i]) > 3
                else np.zeros(0),
                'next.done': bool(info.terminated or info.truncated),
                'images': {},
            }
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
                    raise ExportError(
                        f'{key} has length {frame[key].shape} after {shape}: '
                        'a dataset needs one fixed length'
                    )
    return shapes['state'][0], shapes['action'][0]


def _stats(values):
    """Return LeRobot per-feature stats of `values` (frames first)."""
    values = np.asarray(values, dtype=np.float64)
    return {
        'min': values.min(axis=0).tolist(),
        'max': values.max(axis=0).tolist(),
        'mean': values.mean(axis=0).tolist(),
        'std': values.std(axis=0).tolist(),
        'count': [len(values)],
    }


def _image_stats(frames):
    """Per-channel stats of (N, H, W, 3) uint8 frames, scaled to [0, 1], shaped (3, 1, 1)."""
    pixels = np.stack(frames).reshape(-1, 3).astype(np.float64) / 255.0
    stats = {k: [[[c]] for c in v] for k, v in _stats(pixels).items() if k != 'count'}
    stats['count'] = [len(frames)]
    return stats


def aggregate_stats(episode_stats):
    """Return the dataset's stats of one feature from its episodes' (as meta/stats.json holds)."""
    counts = np.array([s['count'][0] for s in episode_stats], dtype=np.float64)
    means = np.array([s['mean'] for s in episode_stats], dtype=np.float64)
    variances = np.array([s['std'] for s in episode_stats], dtype=np.float64) ** 2
    weights = (counts / counts.sum()).reshape((-1,) + (1,) * (means.ndim - 1))
    mean = (weights * means).sum(axis=0)
    variance = (weights * (variances + (means - mean) ** 2)).sum(axis=0)
    return {
        'min': np.min([s['min'] for s in episode_stats], axis=0).tolist(),
        'max': np.max([s['max'] for s in episode_stats], axis=0).tolist(),
        'mean': mean.tolist(),
        'std': np.sqrt(variance).tolist(),
        'count': [int(counts.sum())],
    }


def png_bytes(image):
    """Encode an (H, W, 3) uint8 RGB image as PNG: what a dataset's `image` feature stores."""
    height, width, _ = image.shape
    rows = np.zeros((height, 1 + width * 3), np.uint8)  # a filter byte (0: none) per row
    rows[:, 1:] = np.ascontiguousarray(image, np.uint8).reshape(height, width * 3)

    def chunk(kind, data):
        return (
            struct.pack('>I', len(data))
            + kind
            + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(rows.tobytes(), 6))
        + chunk(b'IEND', b'')
    )


def _pandas_index_metadata(index, columns):
    """
    Return the schema metadata with which pandas reads a parquet file back with this index.

    LeRobot reads meta/tasks.parquet with pandas and takes each task's text from the index;
    pyarrow alone writes no index, so this writes what pandas would.
    """

    def column(name, kind):
        return {
            'name': name,
            'field_name': name,
            'pandas_type': kind,
            'numpy_type': 'object' if kind == 'unicode' else kind,
            'metadata': None,
        }

    return {
        b'pandas': json.dumps(
            {
                'index_columns': [index],
                'column_indexes': [
                    {
                        'name': None,
                        'field_name': None,
                        'pandas_type': 'unicode',
                        'numpy_type': 'object',
                        'metadata': {'encoding': 'UTF-8'},
                    }
                ],
                'columns': [column(name, kind) for name, kind in columns]
                + [column(index, 'unicode')],
                'creator': {'library': 'pyarrow', 'version': '0'},
                'pandas_version': '2.0.0',
            }
        ).encode()
    }


class LeRobotWriter:
    """
    Writes episodes into a new LeRobot v3.0 dataset directory.

    All frames go to one data file (data/chunk-000/file-000.parquet) and, per camera, one mp4
    (videos/observation.images.<camera>/chunk-000/file-000.mp4, the episodes back to back),
    or with images=True the camera frames go into the data file as PNG (feature dtype `image`),
    so that reading the dataset back needs no video decoder.
    """

    def __init__(
        self,
        root,
        fps,
        task,
        robot_type,
        state_dim,
        action_dim,
        cameras,
        images=False,
        environment_state_dim=0,
    ):
        self.root = Path(root)
        self.fps, self.task, self.robot_type = fps, task, robot_type
        self.cameras = list(cameras)
        self.images = images
        self.features = {
            'observation.state': {'dtype': 'float32', 'shape': [state_dim], 'names': None},
            **(
                {
                    'observation.environment_state': {
                        'dtype': 'float32',
                        'shape': [environment_state_dim],
                        'names': None,
                    }
                }
                if environment_state_dim
                else {}
            ),
            'action': {'dtype': 'float32', 'shape': [action_dim], 'names': None},
            **{
                name: {'dtype': dtype, 'shape': [1], 'names': None}
                for name, (_, dtype) in STEP_COLUMNS.items()
            },
            'timestamp': {'dtype': 'float32', 'shape': [1], 'names': None},
            **{name: {'dtype': 'int64', 'shape': [1], 'names': None} for name in INDEX_COLUMNS},
        }
        self.episodes = []
        self.total_frames = 0
        self._pa, self._pq = _pyarrow()
        self._data = None
        self._videos = {}
        self._video_frames = dict.fromkeys(self.cameras, 0)

    def _path(self, template, **keys):
        return self.root / template.format(chunk_index=0, file_index=0, **keys)

    def _camera_feature(self, key, image):
        height, width, _ = image.shape
        if key in self.features:
            if self.features[key]['shape'] != [height, width, 3]:
                raise ExportError(
                    f'{key}: frames of {width}x{height} after '
                    f'{self.features[key]["shape"][1]}x'
                    f'{self.features[key]["shape"][0]}'
                )
            return
        feature = {
            'dtype': 'image' if self.images else 'video',
            'shape': [height, width, 3],
            'names': ['height', 'width', 'channels'],
        }
        if not self.images:
            feature['info'] = {
                'video.height': height,
                'video.width': width,
                'video.codec': 'h264',
                'video.pix_fmt': 'yuv420p',
                'video.is_depth_map': False,
                'video.fps': self.fps,
                'video.channels': 3,
                'has_audio': False,
            }
        self.features[key] = feature

    def write_episode(self, frames, images):
        """Write one episode: frames from build_frames, images {camera: list of RGB arrays}."""
        pa = self._pa
        index = len(self.episodes)
        n = len(frames)
        columns = {
            'observation.state': np.stack([f['state'] for f in frames]).astype(np.float32),
            **(
                {
                    'observation.environment_state': np.stack(
                        [f['environment_state'] for f in frames]
                    ).astype(np.float32)
                }
                if 'observation.environment_state' in self.features
                else {}
            ),
            'action': np.stack([f['action'] for f in frames]).astype(np.float32),
            **{
                name: np.array([f[name] for f in frames], dtype=dtype)
                for name, (_, dtype) in STEP_COLUMNS.items()
            },
            'timestamp': (np.arange(n) / self.fps).astype(np.float32),
            'frame_index': np.arange(n, dtype=np.int64),
            'episode_index': np.full(n, index, dtype=np.int64),
            'index': np.arange(self.total_frames, self.total_frames + n, dtype=np.int64),
            'task_index': np.zeros(n, dtype=np.int64),
        }
        arrays = {
            name: (
                pa.FixedSizeListArray.from_arrays(pa.array(values.ravel()), values.shape[1])
                if values.ndim == 2
                else pa.array(values)
            )
            for name, values in columns.items()
        }
        stats = {
            name: _stats(values if values.ndim == 2 else values[:, None])
            for name, values in columns.items()
        }
        episode = {
            'episode_index': index,
            'tasks': [self.task],
            'length': n,
            'data/chunk_index': 0,
            'data/file_index': 0,
            'dataset_from_index': self.total_frames,
            'dataset_to_index': self.total_frames + n,
        }
        for camera in self.cameras:
            key = f'observation.images.{camera}'
            self._camera_feature(key, images[camera][0])
            stats[key] = _image_stats(images[camera])
            if self.images:
                arrays[key] = pa.StructArray.from_arrays(
                    [
                        pa.array([png_bytes(image) for image in images[camera]], pa.binary()),
                        pa.array([None] * n, pa.string()),
                    ],
                    names=['bytes', 'path'],
                )
                continue
            video = self._videos.get(camera)
            if video is None:
                video = self._videos[camera] = VideoWriter(
                    self._path(VIDEO_PATH, video_key=key), self.fps
                )
                video.path.parent.mkdir(parents=True, exist_ok=True)
            start = self._video_frames[camera]
            for image in images[camera]:
                video.add(image)
            self._video_frames[camera] += n
            episode.update(
                {
                    f'videos/{key}/chunk_index': 0,
                    f'videos/{key}/file_index': 0,
                    f'videos/{key}/from_timestamp': start / self.fps,
                    f'videos/{key}/to_timestamp': (start + n) / self.fps,
                }
            )
        table = pa.table(arrays)
        if self._data is None:
            path = self._path(DATA_PATH)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._data = self._pq.ParquetWriter(path, table.schema)
        self._data.write_table(table)
        episode.update({'meta/episodes/chunk_index': 0, 'meta/episodes/file_index': 0})
        for name, feature_stats in stats.items():
            for stat in STATS:
                episode[f'stats/{name}/{stat}'] = feature_stats[stat]
        self.episodes.append((episode, stats))
        self.total_frames += n

    def close(self):
        """Close the data file and the videos (finish() does it too)."""
        if self._data is not None:
            self._data.close()
            self._data = None
        for video in self._videos.values():
            video.close()

    def finish(self):
        """Close the files and write the meta/ files."""
        pa, pq = self._pa, self._pq
        self.close()
        meta = self.root / 'meta'
        meta.mkdir(parents=True, exist_ok=True)
        count = len(self.episodes)
        info = {
            'codebase_version': CODEBASE_VERSION,
            'robot_type': self.robot_type,
            'total_episodes': count,
            'total_frames': self.total_frames,
            'total_tasks': 1,
            'chunks_size': CHUNKS_SIZE,
            'data_files_size_in_mb': DATA_FILES_SIZE_MB,
            'video_files_size_in_mb': VIDEO_FILES_SIZE_MB,
            'fps': self.fps,
            'splits': {'train': f'0:{count}'},
            'data_path': DATA_PATH,
            'video_path': VIDEO_PATH if self.cameras and not self.images else None,
            'features': self.features,
        }
        (meta / 'info.json').write_text(json.dumps(info, indent=4) + '\n')
        tasks = pa.table(
            {'task_index': pa.array([0], pa.int64()), 'task': pa.array([self.task], pa.string())}
        )
        tasks = tasks.replace_schema_metadata(
            _pandas_index_metadata('task', [('task_index', 'int64')])
        )
        pq.write_table(tasks, meta / 'tasks.parquet')
        path = self._path(EPISODES_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist([episode for episode, _ in self.episodes]), path)
        names = self.episodes[0][1] if self.episodes else {}
        stats = {name: aggregate_stats([s[name] for _, s in self.episodes]) for name in names}
        (meta / 'stats.json').write_text(json.dumps(stats, indent=4) + '\n')


def whole_episodes(bag_path, namespace=None):
    """
    Return (the bag's sim episodes a state-only dataset gets, {skipped episode: reason}).

    The episodes export_lerobot writes with no cameras (`--cameras=`): complete from step 1,
    ended, not marked for re-recording, each step after an observation.
    """
    with Bag(bag_path, namespace) as bag:
        steps, observations, _, _ = _read_steps(bag, ())
    _, skipped = build_frames(steps, observations, {}, fps=1.0)
    return sorted(set(steps) - set(skipped)), skipped


def export_lerobot(
    bag_path,
    output,
    namespace=None,
    fps=None,
    task=DEFAULT_TASK,
    robot_type='franka_panda',
    include_incomplete=False,
    include_rerecorded=False,
    images=False,
    cameras=CAMERAS,
    environment_state=False,
):
    """
    Write the dataset; return (episodes written, frames written, {skipped episode: reason}).

    images=True stores the camera frames in the data file as PNG (no mp4, no video decoder
    needed to read them); `cameras` names the cameras to export (none: a state-only dataset).
    environment_state=True adds observation.environment_state (the cube position).
    """
    unknown = sorted(set(cameras) - set(CAMERAS))
    if unknown:
        raise ExportError(f'unknown camera(s) {unknown}: the sim has {list(CAMERAS)}')
    output = Path(output)
    if output.exists():
        raise ExportError(f'{output} exists already: refusing to overwrite a dataset')
    _pyarrow()
    with Bag(bag_path, namespace) as bag:
        steps, observations, camera_stamps, camera_topics = _read_steps(bag, cameras)
        if not steps:
            raise ExportError(f'{bag_path}: no {names.STEP_INFO} messages')
        if fps is None:
            rates = [
                frame_rate(sorted(stamp for _, stamp, _ in records), 'step_info')
                for records in steps.values()
                if len(records) > 1
            ]
            if not rates:
                raise ExportError('cannot tell the control rate: give --fps')
            fps = round(float(np.median(rates)))
        episodes, skipped = build_frames(
            steps, observations, camera_stamps, fps, include_incomplete, include_rerecorded
        )
        if not episodes:
            raise ExportError(f'{bag_path}: no episode to export ({skipped})')
        state_dim, action_dim = _check_shapes(episodes)
        environment_dim = 0
        if environment_state:
            sizes = {len(f['environment_state']) for frames in episodes for f in frames}
            if len(sizes) != 1 or not min(sizes):
                raise ExportError(
                    f'environment_state lengths {sorted(sizes)}: a dataset needs '
                    'one fixed, non-zero length'
                )
            environment_dim = sizes.pop()
        writer = LeRobotWriter(
            output,
            fps,
            task,
            robot_type,
            state_dim,
            action_dim,
            camera_stamps,
            images,
            environment_dim,
        )
        try:
            _write_episodes(bag, writer, episodes, camera_topics)
            writer.finish()
        except BaseException:
            writer.close()
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
    for topic, _, msg in bag.messages(camera_topics) if camera_topics else ():
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
        prog='franka-hil-bag-to-lerobot',
        description='Write the episodes of a bag as a LeRobot dataset (v3.0 layout).',
    )
    parser.add_argument('bag', help='rosbag2 directory written by the recorder')
    parser.add_argument('output', help='new dataset directory')
    parser.add_argument(
        '--namespace',
        help='namespace of the sim topics (default: the only '
        'step_info/observation topics in the bag)',
    )
    parser.add_argument('--fps', type=int, help='control rate (default: from StepInfo stamps)')
    parser.add_argument('--task', default=DEFAULT_TASK, help='task description of every frame')
    parser.add_argument('--robot-type', default='franka_panda', help='info.json robot_type')
    parser.add_argument(
        '--images',
        action='store_true',
        help='store camera frames as PNG images in the data file instead of '
        'mp4 videos (LeRobot then reads them without a video decoder)',
    )
    parser.add_argument(
        '--cameras',
        default=','.join(CAMERAS),
        help='comma-separated cameras to export (default: %(default)s; '
        'empty: a state-only dataset)',
    )
    parser.add_argument(
        '--environment-state',
        action='store_true',
        help='also export observation.environment_state (the cube position)',
    )
    parser.add_argument(
        '--include-incomplete',
        action='store_true',
        help='also export episodes that were not recorded from start to end',
    )
    parser.add_argument(
        '--include-rerecorded',
        action='store_true',
        help='also export episodes the human marked for re-recording',
    )
    args = parser.parse_args(argv)
    if args.fps is not None and args.fps <= 0:
        parser.error('--fps must be positive')
    try:
        count, frames, skipped = export_lerobot(
            args.bag,
            args.output,
            args.namespace,
            args.fps,
            args.task,
            args.robot_type,
            args.include_incomplete,
            args.include_rerecorded,
            args.images,
            [c for c in args.cameras.split(',') if c],
            args.environment_state,
        )
    except ExportError as error:
        print(f'franka-hil-bag-to-lerobot: {error}', file=sys.stderr)
        return 1
    print(f'{args.output}: {count} episodes, {frames} frames')
    rerecorded = sum(reason == RERECORDED for reason in skipped.values())
    if rerecorded:
        print(
            f'  {rerecorded} episode(s) marked for re-recording (r) left out of the dataset '
            '(--include-rerecorded keeps them)'
        )
    for number, reason in sorted(skipped.items()):
        print(f'  skipped sim episode {number}: {reason}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
