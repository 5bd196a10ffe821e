# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The converters on a bag written by the recording core: exact content, checked in the outputs.

The bag is made without DDS (BagRecorder fed with rosbags-serialized messages) so every stamp,
pixel and value is known; the console scripts run as processes on it, and the mp4s, parquet
files and metadata they write are read back and compared with what went in.
"""

import json
import subprocess

from ament_index_python.packages import get_package_prefix
from franka_hil_recorder.bag_recorder import BagRecorder
from franka_hil_recorder.bag_recorder import episode_boundaries
from franka_hil_recorder.bag_recorder import RecorderError
import imageio_ffmpeg
import numpy as np
import pytest

W, H = 40, 32
DT_NS = 100_000_000                  # 10 Hz control
STEPS = {1: 5, 2: 4, 3: 3, 4: 2}     # episode -> steps recorded
RERECORDED, UNFINISHED = 3, 4        # episodes the LeRobot export leaves out by default
EXPORTED = (1, 2)


def script(name):
    return f'{get_package_prefix("franka_hil_recorder")}/lib/franka_hil_recorder/{name}'


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


class Scenario:
    """Messages of a few episodes, with the values the outputs must contain."""

    def __init__(self, store):
        self.store = store
        self.messages = []          # (log time ns, topic, msgtype, message)
        self.frames = []            # stamps of observations, in order
        self.state = {}             # observation stamp -> agent_pos
        self.steps = []             # (episode, step, stamp, action, reward, intervention, done)
        t = 1_000_000_000
        for episode, count in STEPS.items():
            self.observe(t)
            for step in range(1, count + 1):
                t += DT_NS
                last = step == count
                done = last and episode != UNFINISHED
                action = [0.01 * step, -0.02 * episode, 0.5, float(step % 3)]
                reward = 1.0 if done and episode == 1 else 0.0
                self.step(episode, step, t, action, reward, step % 2 == 0, done,
                          rerecord=last and episode == RERECORDED)
                self.observe(t)
            t += 3 * DT_NS

    def make(self, msgtype, **fields):
        return self.store.types[msgtype](**fields)

    def header(self, t):
        time_type = self.store.types['builtin_interfaces/msg/Time']
        return self.make('std_msgs/msg/Header', stamp=time_type(sec=t // 10**9,
                                                                nanosec=t % 10**9), frame_id='')

    def image(self, t, value):
        data = np.full((H, W, 3), value, dtype=np.uint8)
        data[..., 1] = 255 - value
        return self.make('sensor_msgs/msg/Image', header=self.header(t), height=H, width=W,
                         encoding='rgb8', is_bigendian=0, step=W * 3, data=data.ravel())

    def observe(self, t):
        n = len(self.frames)
        self.frames.append(t)
        state = np.arange(18, dtype=np.float32) + n
        self.state[t] = state
        obs = self.make('franka_hil_msgs/msg/Observation', header=self.header(t),
                        agent_pos=state, environment_state=np.zeros(3, np.float32),
                        image_names=[], images=[])
        self.messages.append((t + 1000, '/observation', 'franka_hil_msgs/msg/Observation', obs))
        # The wrist frame arrives before the front one: pairing must go by stamp.
        self.messages.append((t + 3000, '/front/image_raw', 'sensor_msgs/msg/Image',
                              self.image(t, self.front_value(n))))
        self.messages.append((t + 2000, '/wrist/image_raw', 'sensor_msgs/msg/Image',
                              self.image(t, self.wrist_value(n))))

    @staticmethod
    def front_value(n):
        return 20 + 4 * n

    @staticmethod
    def wrist_value(n):
        return 230 - 4 * n

    def step(self, episode, step, t, action, reward, intervention, done, rerecord):
        info = self.make(
            'franka_hil_msgs/msg/StepInfo', header=self.header(t), episode=episode, step=step,
            action=np.array(action, np.float32), policy_action=np.zeros(4, np.float32),
            is_intervention=intervention, reward=reward, terminated=done and reward > 0,
            truncated=done and reward == 0, success=reward > 0, discrete_penalty=-0.05 * step,
            rerecord_episode=rerecord, human_event=0, physics_error=False)
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
        recorder.write('/front/image_raw',
                       bytes(self.store.serialize_cdr(stray, 'sensor_msgs/msg/Image')),
                       self.messages[-1][0] + 10_000)
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


def test_video_has_both_cameras_side_by_side(scenario_bag, tmp_path):
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


def test_video_errors_are_clear(tmp_path):
    result = run(script('bag_to_video'), str(tmp_path / 'missing'), str(tmp_path / 'x.mp4'))
    assert result.returncode == 1 and 'not a finished rosbag2 directory' in result.stderr


def test_lerobot_dataset(scenario_bag, tmp_path):
    scenario, path = scenario_bag
    out = tmp_path / 'dataset'
    result = run(script('bag_to_lerobot'), str(path), str(out), '--task', 'pick')
    try:
        import pyarrow.parquet as pq
    except ImportError:
        assert result.returncode == 1 and 'pip install pyarrow' in result.stderr
        pytest.skip('pyarrow is not installed: only its clear error was checked')
    assert result.returncode == 0, result.stderr
    assert f'skipped sim episode {RERECORDED}: marked for re-recording' in result.stdout
    assert f'skipped sim episode {UNFINISHED}: did not end' in result.stdout

    info = json.loads((out / 'meta/info.json').read_text())
    steps = [s for s in scenario.steps if s[0] in EXPORTED]
    assert info['codebase_version'] == 'v2.1' and info['fps'] == 10
    assert (info['total_episodes'], info['total_frames']) == (len(EXPORTED), len(steps))
    assert info['features']['observation.state']['shape'] == [18]
    assert info['features']['action']['shape'] == [4]
    assert info['features']['observation.images.front']['shape'] == [H, W, 3]
    episodes = [json.loads(line) for line in (out / 'meta/episodes.jsonl').open()]
    assert [e['length'] for e in episodes] == [STEPS[e] for e in EXPORTED]
    stats = [json.loads(line) for line in (out / 'meta/episodes_stats.jsonl').open()]
    assert stats[0]['stats']['next.reward']['max'] == [1.0]

    index = 0
    for episode_index, number in enumerate(EXPORTED):
        table = pq.read_table(out / f'data/chunk-000/episode_{episode_index:06d}.parquet')
        assert set(table.column_names) == {
            'observation.state', 'action', 'next.reward', 'next.done',
            'complementary_info.is_intervention', 'complementary_info.discrete_penalty',
            'timestamp', 'frame_index', 'episode_index', 'index', 'task_index'}
        rows = table.to_pylist()
        expected = [s for s in steps if s[0] == number]
        assert len(rows) == len(expected)
        for k, (row, (_, step, t, action, reward, intervention, done)) in enumerate(
                zip(rows, expected)):
            # The state a step acted on is the observation stamped one control period earlier.
            assert row['observation.state'] == scenario.state[t - DT_NS].tolist()
            assert row['action'] == pytest.approx(action)
            assert row['next.reward'] == reward and row['next.done'] == done
            assert row['complementary_info.is_intervention'] == float(intervention)
            assert row['complementary_info.discrete_penalty'] == pytest.approx(-0.05 * step)
            assert (row['frame_index'], row['episode_index'], row['index']) == (
                k, episode_index, index)
            assert row['timestamp'] == pytest.approx(k / 10)
            index += 1
        for camera, value in (('front', scenario.front_value), ('wrist', scenario.wrist_value)):
            video = out / (f'videos/chunk-000/observation.images.{camera}/'
                           f'episode_{episode_index:06d}.mp4')
            assert imageio_ffmpeg.count_frames_and_secs(str(video))[0] == len(expected)
            reader = imageio_ffmpeg.read_frames(str(video))
            assert tuple(reader.__next__()['size']) == (W, H)
            first = np.frombuffer(reader.__next__(), np.uint8).reshape(H, W, 3)
            reader.close()
            n = scenario.frames.index(expected[0][2] - DT_NS)
            assert abs(first[..., 0].mean() - value(n)) < 4

    again = run(script('bag_to_lerobot'), str(path), str(out))
    assert again.returncode == 1 and 'refusing to overwrite' in again.stderr
