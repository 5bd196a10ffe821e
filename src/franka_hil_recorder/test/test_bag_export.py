# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The converters on a bag written by the recording core: exact content, checked in the outputs.

The bag is made without DDS (BagRecorder fed with rosbags-serialized messages) so every stamp,
pixel and value is known; the console scripts run as processes on it, and the mp4s, parquet
files and metadata they write are read back and compared with what went in.
"""

import json

from ament_index_python.packages import get_package_prefix
from franka_hil_recorder.bag_recorder import BagRecorder
from franka_hil_recorder.bag_recorder import episode_boundaries
from franka_hil_recorder.bag_recorder import RecorderError
import imageio_ffmpeg
import numpy as np
import pytest

W, H = 40, 32
DT_NS = 100_000_000  # 10 Hz control
STEPS = {1: 5, 2: 4, 3: 3, 4: 2}  # episode -> steps recorded
RERECORDED, UNFINISHED = 3, 4  # episodes the LeRobot export leaves out by default
EXPORTED = (1, 2)


def script(name):
    return f'{get_package_prefix("franka_hil_recorder")}/lib/franka_hil_recorder/{name}'


@pytest.fixture(scope='session')
def run(run_process):
    """Run a command to its end, its output captured."""
    return lambda *args: run_process(args, capture_output=True, text=True, timeout=60)


class Scenario:
    """Messages of a few episodes, with the values the outputs must contain."""

    def __init__(self, store):
        self.store = store
        self.messages = []  # (log time ns, topic, msgtype, message)
        self.frames = []  # stamps of observations, in order
        self.state = {}  # observation stamp -> agent_pos
        self.steps = []  # (episode, step, stamp, action, reward, intervention, done)
        t = 1_000_000_000
        for episode, count in STEPS.items():
            self.observe(t)
            for step in range(1, count + 1):
                t += DT_NS
                last = step == count
                done = last and episode != UNFINISHED
                action = [0.01 * step, -0.02 * episode, 0.5, float(step % 3)]
                reward = 1.0 if done and episode == 1 else 0.0
                self.step(
                    episode,
                    step,
                    t,
                    action,
                    reward,
                    step % 2 == 0,
                    done,
                    rerecord=last and episode == RERECORDED,
                )
                self.observe(t)
            t += 3 * DT_NS

    def make(self, msgtype, **fields):
        return self.store.types[msgtype](**fields)

    def header(self, t):
        time_type = self.store.types['builtin_interfaces/msg/Time']
        return self.make(
            'std_msgs/msg/Header', stamp=time_type(sec=t // 10**9, nanosec=t % 10**9), frame_id=''
        )

    def image(self, t, value):
        data = np.full((H, W, 3), value, dtype=np.uint8)
        data[..., 1] = 255 - value
        return self.make(
            'sensor_msgs/msg/Image',
            header=self.header(t),
            height=H,
            width=W,
            encoding='rgb8',
            is_bigendian=0,
            step=W * 3,
            data=data.ravel(),
        )

    def observe(self, t):
        n = len(self.frames)
        self.frames.append(t)
        state = np.arange(18, dtype=np.float32) + n
        self.state[t] = state
        obs = self.make(
            'franka_hil_msgs/msg/Observation',
            header=self.header(t),
            agent_pos=state,
            environment_state=state[:3] - 100.0,
            image_names=[],
            images=[],
        )
        self.messages.append((t + 1000, '/observation', 'franka_hil_msgs/msg/Observation', obs))
        # The wrist frame arrives before the front one: pairing must go by stamp.
        self.messages.append(
            (
                t + 3000,
                '/front/image_raw',
                'sensor_msgs/msg/Image',
                self.image(t, self.front_value(n)),
            )
        )
        self.messages.append(
            (
                t + 2000,
                '/wrist/image_raw',
                'sensor_msgs/msg/Image',
                self.image(t, self.wrist_value(n)),
            )
        )

    @staticmethod
    def front_value(n):
        return 20 + 4 * n

    @staticmethod
    def wrist_value(n):
        return 230 - 4 * n

    def step(self, episode, step, t, action, reward, intervention, done, rerecord):
        info = self.make(
            'franka_hil_msgs/msg/StepInfo',
            header=self.header(t),
            episode=episode,
            step=step,
            action=np.array(action, np.float32),
            policy_action=np.zeros(4, np.float32),
            is_intervention=intervention,
            reward=reward,
            terminated=done and reward > 0,
            truncated=done and reward == 0,
            success=reward > 0,
            discrete_penalty=-0.05 * step,
            rerecord_episode=rerecord,
            human_event=0,
            physics_error=False,
            actor=2 if intervention else 1,
        )
        self.steps.append((episode, step, t, action, reward, intervention, done))
        self.messages.append((t + 500, '/step_info', 'franka_hil_msgs/msg/StepInfo', info))

    def write(self, path):
        recorder = BagRecorder(path)
        types = {}
        for log_ns, topic, msgtype, message in sorted(self.messages, key=lambda m: m[0]):
            if topic not in types:
                types[topic] = msgtype
                recorder.add_topic(topic, msgtype)
            recorder.write(topic, bytes(self.store.serialize_cdr(message, msgtype)), log_ns)
        # One front frame without a wrist partner: left out of the video.
        stray = self.image(self.frames[-1] + DT_NS // 2, 0)
        recorder.write(
            '/front/image_raw',
            bytes(self.store.serialize_cdr(stray, 'sensor_msgs/msg/Image')),
            self.messages[-1][0] + 10_000,
        )
        recorder.close()


@pytest.fixture(scope='module')
def scenario_bag(tmp_path_factory):
    from franka_hil_recorder.bag_recorder import MessageTypes

    types = MessageTypes()
    for msgtype in ('franka_hil_msgs/msg/Observation', 'franka_hil_msgs/msg/StepInfo'):
        types.ensure(msgtype)
    scenario = Scenario(types.store)
    path = tmp_path_factory.mktemp('export') / 'demo'
    scenario.write(path)
    return scenario, path


def test_recorder_refuses_to_overwrite_a_bag(scenario_bag):
    _, path = scenario_bag
    with pytest.raises(RecorderError, match='refusing to overwrite'):
        BagRecorder(path)


def test_episode_boundaries(scenario_bag):
    scenario, path = scenario_bag
    episodes = episode_boundaries(path)
    assert [(e.episode, e.steps) for e in episodes] == list(STEPS.items())
    assert [e.complete for e in episodes] == [True, True, True, False]
    assert [e.rerecord for e in episodes] == [False, False, True, False]
    assert episodes[0].success and episodes[0].terminated and episodes[1].truncated
    assert all(e.start_ns <= e.end_ns < f.start_ns for e, f in zip(episodes, episodes[1:]))


def test_video_has_both_cameras_side_by_side(run, scenario_bag, tmp_path):
    scenario, path = scenario_bag
    out = tmp_path / 'demo.mp4'
    result = run(script('bag_to_video'), str(path), str(out))
    assert result.returncode == 0, result.stderr
    assert '1 unpaired' in result.stdout
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == len(scenario.frames)
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = reader.__next__()
    assert tuple(meta['size']) == (2 * W, H)
    assert meta['fps'] == pytest.approx(1e9 / DT_NS)
    for n, raw in enumerate(reader):
        frame = np.frombuffer(raw, np.uint8).reshape(H, 2 * W, 3).astype(int)
        # Flat colours survive H.264: each half shows its camera's frame of the same stamp.
        assert abs(frame[:, :W, 0].mean() - scenario.front_value(n)) < 4
        assert abs(frame[:, W:, 0].mean() - scenario.wrist_value(n)) < 4


def test_video_errors_are_clear(run, tmp_path):
    result = run(script('bag_to_video'), str(tmp_path / 'missing'), str(tmp_path / 'x.mp4'))
    assert result.returncode == 1 and 'not a finished rosbag2 directory' in result.stderr


def _export(run, path, out, *args):
    result = run(script('bag_to_lerobot'), str(path), str(out), '--task', 'pick', *args)
    try:
        import pyarrow.parquet as pq
    except ImportError:
        assert result.returncode == 1 and 'pip install pyarrow' in result.stderr
        pytest.skip('pyarrow is not installed: only its clear error was checked')
    assert result.returncode == 0, result.stderr
    assert f'skipped sim episode {RERECORDED}: marked for re-recording' in result.stdout
    assert '1 episode(s) marked for re-recording (r) left out of the dataset' in result.stdout
    assert f'skipped sim episode {UNFINISHED}: did not end' in result.stdout
    return pq


def _check_layout(pq, scenario, out, images):
    """Check the v3.0 files every export writes; return (data rows, episodes rows, steps)."""
    info = json.loads((out / 'meta/info.json').read_text())
    steps = [s for s in scenario.steps if s[0] in EXPORTED]
    assert info['codebase_version'] == 'v3.0' and info['fps'] == 10
    assert (info['total_episodes'], info['total_frames']) == (len(EXPORTED), len(steps))
    assert info['data_path'] == 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet'
    assert info['features']['observation.state']['shape'] == [18]
    assert info['features']['action']['shape'] == [4]
    for camera in ('front', 'wrist'):
        feature = info['features'][f'observation.images.{camera}']
        assert feature['shape'] == [H, W, 3]
        assert feature['dtype'] == ('image' if images else 'video')

    tasks = pq.read_table(out / 'meta/tasks.parquet')
    assert tasks.to_pylist() == [{'task_index': 0, 'task': 'pick'}]
    pandas = json.loads(tasks.schema.metadata[b'pandas'])
    assert pandas['index_columns'] == ['task']  # LeRobot reads the task text from the index

    episodes = pq.read_table(out / 'meta/episodes/chunk-000/file-000.parquet').to_pylist()
    assert [e['episode_index'] for e in episodes] == list(range(len(EXPORTED)))
    assert [e['length'] for e in episodes] == [STEPS[e] for e in EXPORTED]
    assert [(e['dataset_from_index'], e['dataset_to_index']) for e in episodes] == [
        (0, STEPS[1]),
        (STEPS[1], STEPS[1] + STEPS[2]),
    ]
    assert all(e['tasks'] == ['pick'] for e in episodes)
    assert episodes[0]['stats/next.reward/max'] == [1.0]
    assert episodes[1]['stats/next.reward/max'] == [0.0]

    stats = json.loads((out / 'meta/stats.json').read_text())
    rewards = [s[4] for s in steps]
    assert stats['next.reward']['mean'] == pytest.approx([np.mean(rewards)])
    assert stats['next.reward']['std'] == pytest.approx([np.std(rewards)])
    assert stats['next.reward']['count'] == [len(steps)]
    assert np.array(stats['observation.images.front']['mean']).shape == (3, 1, 1)

    rows = pq.read_table(out / 'data/chunk-000/file-000.parquet').to_pylist()
    assert len(rows) == len(steps)
    index = 0
    for episode_index, number in enumerate(EXPORTED):
        expected = [s for s in steps if s[0] == number]
        for k, (_, step, t, action, reward, intervention, done) in enumerate(expected):
            row = rows[index]
            # The state a step acted on is the observation stamped one control period earlier.
            assert row['observation.state'] == scenario.state[t - DT_NS].tolist()
            assert row['action'] == pytest.approx(action)
            assert row['next.reward'] == reward and row['next.done'] == done
            assert row['complementary_info.is_intervention'] == float(intervention)
            assert row['complementary_info.discrete_penalty'] == pytest.approx(-0.05 * step)
            assert (row['frame_index'], row['episode_index'], row['index']) == (
                k,
                episode_index,
                index,
            )
            assert row['timestamp'] == pytest.approx(k / 10)
            index += 1
    return rows, episodes, steps


def _first_frame_index(scenario, steps, number):
    first = next(s for s in steps if s[0] == number)
    return scenario.frames.index(first[2] - DT_NS)


def test_lerobot_dataset_with_videos(run, scenario_bag, tmp_path):
    scenario, path = scenario_bag
    out = tmp_path / 'dataset'
    pq = _export(run, path, out)
    rows, episodes, steps = _check_layout(pq, scenario, out, images=False)
    assert 'observation.images.front' not in rows[0]
    for camera, value in (('front', scenario.front_value), ('wrist', scenario.wrist_value)):
        key = f'observation.images.{camera}'
        video = out / f'videos/{key}/chunk-000/file-000.mp4'
        # one file, the episodes back to back; each episode says where it lies in it
        assert imageio_ffmpeg.count_frames_and_secs(str(video))[0] == len(steps)
        assert [
            (e[f'videos/{key}/from_timestamp'], e[f'videos/{key}/to_timestamp']) for e in episodes
        ] == [(0.0, STEPS[1] / 10), (STEPS[1] / 10, (STEPS[1] + STEPS[2]) / 10)]
        reader = imageio_ffmpeg.read_frames(str(video))
        assert tuple(reader.__next__()['size']) == (W, H)
        frames = [np.frombuffer(f, np.uint8).reshape(H, W, 3) for f in reader]
        for e, number in enumerate(EXPORTED):
            first = frames[episodes[e]['dataset_from_index']]
            n = _first_frame_index(scenario, steps, number)
            assert abs(first[..., 0].mean() - value(n)) < 4

    again = run(script('bag_to_lerobot'), str(path), str(out))
    assert again.returncode == 1 and 'refusing to overwrite' in again.stderr


def test_lerobot_dataset_with_images_needs_no_video(run, scenario_bag, tmp_path):
    scenario, path = scenario_bag
    out = tmp_path / 'dataset'
    pq = _export(run, path, out, '--images')
    rows, episodes, steps = _check_layout(pq, scenario, out, images=True)
    assert not (out / 'videos').exists()
    assert json.loads((out / 'meta/info.json').read_text())['video_path'] is None
    for camera, value in (('front', scenario.front_value), ('wrist', scenario.wrist_value)):
        key = f'observation.images.{camera}'
        for e, number in enumerate(EXPORTED):
            cell = rows[episodes[e]['dataset_from_index']][key]
            assert cell['path'] is None
            image = _decode_png(cell['bytes'])
            n = _first_frame_index(scenario, steps, number)
            assert image.shape == (H, W, 3)
            assert (image[..., 0] == value(n)).all() and (image[..., 1] == 255 - value(n)).all()
        assert not any(f'videos/{key}/from_timestamp' in e for e in episodes)


def test_lerobot_dataset_state_only(run, scenario_bag, tmp_path):
    scenario, path = scenario_bag
    out = tmp_path / 'dataset'
    _export(run, path, out, '--cameras', '')
    info = json.loads((out / 'meta/info.json').read_text())
    assert not any(key.startswith('observation.images') for key in info['features'])
    assert info['total_frames'] == sum(STEPS[e] for e in EXPORTED)
    bad = run(script('bag_to_lerobot'), str(path), str(tmp_path / 'other'), '--cameras', 'top')
    assert bad.returncode == 1 and "unknown camera(s) ['top']" in bad.stderr


def test_lerobot_dataset_with_the_environment_state(run, scenario_bag, tmp_path):
    # a state policy on a random cube needs the cube position: observation.environment_state
    scenario, path = scenario_bag
    out = tmp_path / 'dataset'
    pq = _export(run, path, out, '--cameras', '', '--environment-state')
    info = json.loads((out / 'meta/info.json').read_text())
    assert info['features']['observation.environment_state']['shape'] == [3]
    rows = pq.read_table(out / 'data/chunk-000/file-000.parquet').to_pylist()
    steps = [s for s in scenario.steps if s[0] in EXPORTED]
    assert len(rows) == len(steps)
    for row, (_, _, t, *_) in zip(rows, steps):
        state = scenario.state[t - DT_NS]
        assert row['observation.state'] == state.tolist()
        assert row['observation.environment_state'] == (state[:3] - 100.0).tolist()
    stats = json.loads((out / 'meta/stats.json').read_text())
    assert len(stats['observation.environment_state']['min']) == 3
    _export(run, path, tmp_path / 'plain', '--cameras', '')  # not asked for: not exported
    plain = json.loads((tmp_path / 'plain' / 'meta/info.json').read_text())
    assert 'observation.environment_state' not in plain['features']


def _decode_png(data):
    """Decode the PNGs png_bytes writes (8-bit RGB, filter 0), with the standard library."""
    import struct
    import zlib

    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    position, chunks = 8, {}
    while position < len(data):
        (length,) = struct.unpack('>I', data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack('>I', data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b'') + body
        position += 12 + length
    width, height, depth, color = struct.unpack('>IIBB', chunks[b'IHDR'][:10])
    assert (depth, color) == (8, 2)
    rows = np.frombuffer(zlib.decompress(chunks[b'IDAT']), np.uint8).reshape(height, -1)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(height, width, 3)
