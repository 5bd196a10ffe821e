# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The HIL-SERL flow of scripts/lerobot_check.py: demonstrations, datasets, learner and actor.

Runs in the LeRobot venv (lerobot_check.py imports it). What needs the workspace's own Python
(the graph, hil_demo, bag_to_lerobot, reading the bag) runs as workspace processes
(scripts/env.sh); everything LeRobot does runs in LeRobot's own modules and processes:

3. demos: `hil_demo` records demonstrations by the synthetic human into a bag,
   `bag_to_lerobot` writes it as a v3.0 dataset twice (camera frames as PNG images with
   --images, and as mp4 videos), and LeRobot's LeRobotDataset loads both: features, episode
   boundaries, the executed actions, interventions, rewards, gripper penalties, all as the bag's
   StepInfo says.
4. train: `python -m lerobot.rl.learner` with the images dataset as its offline buffer and
   `python -m lerobot.rl.actor` stepping `gym_hil/FrankaHilPickCube-v0`, whose env starts its
   own graph with the synthetic human (FRANKA_HIL_LAUNCH=1, FRANKA_HIL_TELEOP=script), until the
   learner has done TRAIN_STEPS optimisation steps and the actor has loaded the learner's
   updated weights; the online buffer the learner saved at step TRAIN_STEPS holds the human's
   executed actions of intervened steps (seen on the graph's step_info).
"""

import json
import os
from pathlib import Path
import re
import signal
import socket
import subprocess
import sys
import threading
import time

from franka_hil_msgs.msg import StepInfo
import numpy as np
import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.qos import QoSProfile, ReliabilityPolicy
from rclpy.signals import SignalHandlerOptions

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = 'franka_hil_gym_bridge'
GRIPPER_PENALTY = -0.02
FPS = 10
DEMO_EPISODES = 6
TRAIN_TASK = 'FrankaHilPickCube-v0'
ACTOR_NAMESPACE = '/lerobot_actor'
TRAIN_STEPS = 200
TRAIN_TIMEOUT_S = 600.0
STATE_DIM = 18
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


def workspace(command, log_path=None, timeout=None, **popen):
    """Run `command` (argv) with the workspace environment (scripts/env.sh); return the process."""
    argv = ['bash', '-c', f'source "{ROOT}/scripts/env.sh" && exec "$@"', 'workspace', *command]
    if log_path is None:
        return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    with open(log_path, 'wb') as log:
        return subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, **popen)


def tail(path, chars=3000):
    """Return the end of a log file."""
    try:
        return Path(path).read_text(errors='replace')[-chars:]
    except OSError:
        return ''


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
        if ([r['step'] for r in rows] == list(range(1, len(rows) + 1)) and rows[-1]['done']
                and not any(r['rerecord'] for r in rows)):
            kept.append(rows)
    return kept


def record_demos(workdir, failures):
    """Part 3: demonstrations into a bag, the bag into two v3.0 datasets; load them."""
    demo = workdir / 'demo'
    result = workspace(['hil_demo', '--episodes', str(DEMO_EPISODES), '--out', str(demo),
                        f'gripper_penalty:={GRIPPER_PENALTY}'], timeout=300)
    failures.check(result.returncode == 0, f'hil_demo exit code {result.returncode}')
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:])
        return None
    print('  ' + '\n  '.join(line for line in result.stdout.splitlines() if line.startswith(
        '[demo] ') and 'success rate' in line))
    dump = workspace(['python', '-c', BAG_DUMP, str(demo / 'bag')], timeout=120)
    failures.check(dump.returncode == 0, 'reading the demo bag')
    if dump.returncode != 0:
        print(dump.stderr[-2000:])
        return None
    bag = json.loads(dump.stdout)
    wanted = {'/robot_description', '/joy', '/cmd_vel', '/step_info', '/observation',
              '/front/image_raw', '/wrist/image_raw', '/intervention', '/episode_event'}
    recorded = {topic for topic, count in bag['topics'].items() if count > 0}
    failures.check(wanted <= recorded,
                   f'demo bag: topics {sorted(wanted - recorded)} missing or empty')
    steps = bag['steps']
    failures.check(bool(steps) and all(len(r['policy_action']) == len(r['action']) == 4
                                       for r in steps),
                   "demo bag: StepInfo carries the policy's and the executed 4-D actions")
    datasets, skipped = {}, {}
    for name, extra in (('demos_images', ['--images']), ('demos_video', [])):
        out = workdir / name
        result = workspace(['bag_to_lerobot', str(demo / 'bag'), str(out), '--task',
                            'pick_cube', *extra], timeout=300)
        failures.check(result.returncode == 0, f'bag_to_lerobot {name} exit code '
                       f'{result.returncode}: {result.stderr[-500:]}')
        if result.returncode == 0:
            datasets[name] = out
            skipped[name] = {int(n): why for n, why in re.findall(
                r'skipped sim episode (\d+): (.*)', result.stdout)}
            print(f'  {name}: bag_to_lerobot {result.stdout.strip().splitlines()[0]}'
                  + ''.join(f'; skipped sim episode {n}: {why}'
                            for n, why in skipped[name].items()))
    if len(datasets) < 2:
        return None
    episodes = complete_episodes(steps, skipped['demos_images'])
    failures.check(len(episodes) >= DEMO_EPISODES - 1 and skipped['demos_images'] == skipped[
        'demos_video'], f'bag_to_lerobot exported {len(episodes)} of the {DEMO_EPISODES} demos '
        f'(skipped {skipped})')
    images = check_dataset(datasets['demos_images'], episodes, True, failures)
    check_dataset(datasets['demos_video'], episodes, False, failures)
    if images is None:
        return None
    return {'dataset': datasets['demos_images'], 'episodes': len(episodes),
            'frames': sum(map(len, episodes)), 'stats': images}


def check_dataset(root, episodes, images, failures):
    """Load a bag_to_lerobot dataset with LeRobotDataset; compare it with the bag's episodes."""
    import av
    from lerobot.datasets.lerobot_dataset import LeRobotDataset
    name = root.name
    dataset = LeRobotDataset('local/franka_hil_demos', root=root)
    features = {key: (value['dtype'], tuple(value['shape']))
                for key, value in dataset.features.items()}
    camera = 'image' if images else 'video'
    failures.check(
        dataset.meta.info['codebase_version'] == 'v3.0'
        and features['observation.state'] == ('float32', (STATE_DIM,))
        and features['action'] == ('float32', (4,))
        and features['observation.images.front'] == (camera, (128, 128, 3))
        and features['observation.images.wrist'] == (camera, (128, 128, 3))
        and 'complementary_info.is_intervention' in features
        and 'complementary_info.discrete_penalty' in features,
        f'{name}: LeRobotDataset features {features}')
    failures.check(dataset.num_episodes == len(episodes)
                   and len(dataset) == sum(map(len, episodes)),
                   f'{name}: {dataset.num_episodes} episodes / {len(dataset)} frames, the bag '
                   f'has {len(episodes)} / {sum(map(len, episodes))}')
    if dataset.num_episodes != len(episodes):
        return None
    table = dataset.hf_dataset.with_format(None)
    rows = [table[i] for i in range(len(table))]
    bounds_ok = actions_ok = True
    for index, bag_rows in enumerate(episodes):
        meta = dataset.meta.episodes[index]
        start, stop = meta['dataset_from_index'], meta['dataset_to_index']
        frames = rows[start:stop]
        bounds_ok &= (stop - start == len(bag_rows)
                      and all(f['episode_index'] == index for f in frames)
                      and [f['frame_index'] for f in frames] == list(range(len(bag_rows))))
        for frame, step in zip(frames, bag_rows):
            actions_ok &= (np.allclose(frame['action'], step['action'], atol=1e-6)
                           and frame['complementary_info.is_intervention']
                           == float(step['intervention'])
                           and frame['next.reward'] == step['reward']
                           and frame['next.done'] == step['done']
                           and np.isclose(frame['complementary_info.discrete_penalty'],
                                          step['penalty']))
    failures.check(bounds_ok, f'{name}: episode boundaries (meta/episodes) as in the bag')
    failures.check(actions_ok, f'{name}: executed actions, interventions, rewards, dones and '
                   'penalties frame by frame as the bag StepInfo')
    interventions = sum(r['complementary_info.is_intervention'] for r in rows)
    penalties = sum(r['complementary_info.discrete_penalty'] < 0 for r in rows)
    failures.check(interventions > 0 and penalties > 0,
                   f'{name}: {interventions:.0f} intervened frames, {penalties} with a gripper '
                   'flip penalty')
    result = {'interventions': int(interventions), 'penalties': int(penalties)}
    if images:
        item = dataset[len(dataset) - 1]
        shape = tuple(item['observation.images.front'].shape)
        failures.check(shape == (3, 128, 128), f'{name}: a frame decodes to {shape} (no video '
                       'decoder involved)')
        result['state_min'] = dataset.meta.stats['observation.state']['min'].tolist()
        result['state_max'] = dataset.meta.stats['observation.state']['max'].tolist()
    else:
        counts = []
        for key in ('observation.images.front', 'observation.images.wrist'):
            path = root / dataset.meta.get_video_file_path(0, key)
            with av.open(str(path)) as container:
                counts.append(sum(1 for _ in container.decode(video=0)))
        last = dataset.meta.episodes[len(episodes) - 1]
        failures.check(counts == [len(dataset)] * 2 and np.isclose(
            last['videos/observation.images.front/to_timestamp'], len(dataset) / FPS),
            f'{name}: mp4 frames {counts} = {len(dataset)} frames, episodes end at '
            f"{last['videos/observation.images.front/to_timestamp']} s")
        try:
            dataset[0]
            result['video_decoding'] = 'ok'
        except Exception as error:  # noqa: B902 - what LeRobot raises depends on the machine
            result['video_decoding'] = f'{type(error).__name__}: {str(error).splitlines()[0]}'
    print(f'  {name}: {dataset.num_episodes} episodes, {len(dataset)} frames, '
          + ', '.join(f'{k} {v}' for k, v in result.items() if not k.startswith('state_')))
    return result


def free_port():
    """Return a TCP port nobody listens on now (for the learner's gRPC server)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def train_config(workdir, dataset, stats, port):
    """Return the HIL-SERL train config (learner and actor) the check runs, as a dict."""
    low, high = np.array(stats['state_min']), np.array(stats['state_max'])
    margin = 0.05 * (high - low) + 0.01
    return {
        'output_dir': str(workdir / 'train'),
        'job_name': 'franka_hil_sac',
        'seed': 1000,
        'batch_size': 32,
        'log_freq': 10,
        'save_checkpoint': True,
        'save_freq': TRAIN_STEPS,
        'wandb': {'enable': False},
        'dataset': {'repo_id': 'local/franka_hil_demos', 'root': str(dataset)},
        'env': {
            'type': 'gym_manipulator',
            'name': 'gym_hil',
            'task': TRAIN_TASK,
            'fps': FPS,
            'features': {'observation.state': {'type': 'STATE', 'shape': [STATE_DIM]},
                         'action': {'type': 'ACTION', 'shape': [3]}},
            'features_map': {'observation.state': 'observation.state', 'action': 'action'},
            'processor': {'control_mode': 'gamepad',
                          'gripper': {'use_gripper': True, 'gripper_penalty': GRIPPER_PENALTY}},
        },
        'policy': {
            'type': 'sac',
            'device': 'cpu',
            'storage_device': 'cpu',
            'push_to_hub': False,
            'use_torch_compile': False,
            'input_features': {'observation.state': {'type': 'STATE', 'shape': [STATE_DIM]}},
            'output_features': {'action': {'type': 'ACTION', 'shape': [3]}},
            'num_discrete_actions': 3,
            'dataset_stats': {
                'observation.state': {'min': (low - margin).tolist(),
                                      'max': (high + margin).tolist()},
                'action': {'min': [-1.0, -1.0, -1.0], 'max': [1.0, 1.0, 1.0]},
            },
            'online_step_before_learning': 30,
            'online_buffer_capacity': 10000,
            'offline_buffer_capacity': 10000,
            'online_steps': 100000,
            'actor_learner_config': {'learner_host': '127.0.0.1', 'learner_port': port,
                                     'policy_parameters_push_frequency': 2},
            'concurrency': {'actor': 'threads', 'learner': 'threads'},
        },
    }


class StepInfoWatch:
    """Counts the actor's steps on the graph (step_info in its namespace), interventions too."""

    def __init__(self, namespace):
        self.context = rclpy.Context()
        rclpy.init(context=self.context, signal_handler_options=SignalHandlerOptions.NO)
        self.node = rclpy.create_node('lerobot_check_watch', context=self.context)
        self.lock = threading.Lock()
        self.steps = []
        self.node.create_subscription(
            StepInfo, f'{namespace}/step_info', self._on_step_info,
            QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE))
        self.topic = f'{namespace}/step_info'
        self.executor = SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self.thread = threading.Thread(target=self.executor.spin, daemon=True)
        self.thread.start()

    def _on_step_info(self, msg):
        with self.lock:
            self.steps.append((time.monotonic(), bool(msg.is_intervention),
                               np.array(msg.action, np.float32),
                               bool(msg.terminated or msg.truncated)))

    def snapshot(self):
        """Return the steps seen so far: [(time, intervened, executed action, ended)]."""
        with self.lock:
            return list(self.steps)

    def publishers(self):
        """Return how many nodes publish step_info there (the launched sim: 1, stopped: 0)."""
        return self.node.count_publishers(self.topic)

    def close(self):
        """Stop the node."""
        self.executor.shutdown()
        self.thread.join(5.0)
        self.node.destroy_node()
        self.context.try_shutdown()


class LeRobotProcess:
    """`python -m lerobot.rl.<module> --config_path ...`, its output in a log file."""

    def __init__(self, module, config_path, log_path, env, *args):
        self.name, self.log_path = module, log_path
        self.command = [sys.executable, '-m', f'lerobot.rl.{module}',
                        '--config_path', str(config_path),
                        f'--env.discover_packages_path={PACKAGE}', *args]
        with open(log_path, 'wb') as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env,
                                            start_new_session=True)

    def text(self):
        """Return the log so far."""
        return Path(self.log_path).read_text(errors='replace')

    def stop(self, grace=30.0):
        """
        Ctrl-C it (LeRobot's signal handler shuts down); kill what is left; return its code.

        Ctrl-C goes to the LeRobot process alone: a graph its env launched stops when it exits
        (stopping the graph first would fail the env's call in flight). What is left after
        `grace` s, the whole process group, gets SIGTERM, then SIGKILL.
        """
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            if self.process.poll() is not None:
                break
            try:
                if sig == signal.SIGINT:
                    self.process.send_signal(sig)
                else:
                    os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        return self.process.poll()


def stop_training(actor, learner, watch, graph_timeout=40.0):
    """
    Stop the actor (None: never started) and the learner; return (exit codes, graph left).

    The graph the actor's env launched stops with it (close() or its parent's death): graph
    left is how many step_info publishers `watch` still sees after up to graph_timeout s.
    """
    codes = {}
    if actor is not None:
        codes['actor'] = actor.stop()
    codes['learner'] = learner.stop()
    deadline = time.monotonic() + graph_timeout
    while watch.publishers() and time.monotonic() < deadline:
        time.sleep(0.5)
    return codes, watch.publishers()


def learner_steps(text):
    """Return the learner's latest logged optimisation step count (0 before the first)."""
    found = re.findall(r'\[LEARNER\] Number of optimization step: (\d+)', text)
    return int(found[-1]) if found else 0


def learner_rates(text):
    """Return the learner's logged optimisation loop frequencies (Hz)."""
    return [float(x) for x in re.findall(
        r'\[LEARNER\] Optimization frequency loop \[Hz\]: ([0-9.e+-]+)', text)]


def run_training(workdir, demos, failures, timeout=TRAIN_TIMEOUT_S):
    """Part 4: LeRobot's learner and actor against a graph the actor's env launches."""
    from lerobot.datasets.lerobot_dataset import LeRobotDataset
    port = free_port()
    config = train_config(workdir, demos['dataset'], demos['stats'], port)
    config_path = workdir / 'train_config_franka_hil.json'
    config_path.write_text(json.dumps(config, indent=2))
    env = dict(os.environ)
    actor_env = dict(env, FRANKA_HIL_LAUNCH='1', FRANKA_HIL_TELEOP='script',
                     FRANKA_HIL_NAMESPACE=ACTOR_NAMESPACE)
    watch = StepInfoWatch(ACTOR_NAMESPACE)
    learner = LeRobotProcess('learner', config_path, workdir / 'learner.log', env)
    actor = None
    started = time.monotonic()
    result = {}
    try:
        # the learner first: the actor gives up when nobody answers on the port
        while 'gRPC server started' not in learner.text():
            if learner.process.poll() is not None or time.monotonic() - started > 120:
                raise RuntimeError(f'the learner did not start:\n{tail(learner.log_path)}')
            time.sleep(0.5)
        # LeRobot's validate() refuses an existing output_dir, which the learner has made:
        # the actor writes its logs to a directory of its own.
        actor = LeRobotProcess('actor', config_path, workdir / 'actor.log', actor_env,
                               f'--output_dir={workdir / "actor"}')
        actor_started = time.monotonic()
        reached = None
        while True:
            for process in (learner, actor):
                if process.process.poll() is not None:
                    raise RuntimeError(f'the {process.name} exited with code '
                                       f'{process.process.returncode}:\n'
                                       f'{tail(process.log_path)}')
                # an exception in LeRobot's main thread leaves its gRPC threads running
                if 'Traceback (most recent call last)' in process.text():
                    raise RuntimeError(f'the {process.name} failed:\n'
                                       f'{tail(process.log_path)}')
            steps = learner_steps(learner.text())
            loads = actor.text().count('[ACTOR] Load new parameters from Learner.')
            if steps >= TRAIN_STEPS and reached is None:
                reached = time.monotonic()
            # the learner logs this once its checkpoint (online buffer included) is written
            checkpoint = 'Resume training' in learner.text()
            if reached is not None and loads >= 2 and checkpoint:
                break
            if time.monotonic() - started > timeout:
                raise RuntimeError(f'after {timeout:.0f} s: {steps} optimisation steps, '
                                   f'{loads} parameter loads by the actor, learner checkpoint '
                                   f'{checkpoint}\n--- learner:\n{tail(learner.log_path)}\n'
                                   f'--- actor:\n{tail(actor.log_path)}')
            time.sleep(0.5)
        seen = watch.snapshot()
        result.update(
            optimisation_steps=learner_steps(learner.text()),
            actor_loads=actor.text().count('[ACTOR] Load new parameters from Learner.'),
            learner_pushes=learner.text().count('[LEARNER] Parameters sent'),
            actor_steps=len(seen), interventions=sum(s[1] for s in seen),
            episodes=sum(s[3] for s in seen),
            actor_steps_per_s=(len(seen) - 1) / (seen[-1][0] - seen[0][0]) if len(seen) > 1
            else 0.0,
            learner_hz=float(np.median(learner_rates(learner.text()) or [0.0])),
            seconds=time.monotonic() - actor_started)
    except RuntimeError as error:
        failures.check(False, f'actor + learner: {error}')
        return None
    finally:
        codes, graph_left = stop_training(actor, learner, watch)
        watch.close()
        result.update(exit_codes=codes, graph_left=graph_left)
    failures.check(not graph_left, f'the graph the actor launched stopped ({graph_left} '
                   'step_info publishers left)')
    failures.check(result['exit_codes'] == {'actor': 0, 'learner': 0},
                   f"actor and learner stop cleanly on Ctrl-C (exit codes {result['exit_codes']})")
    failures.check(result['optimisation_steps'] >= TRAIN_STEPS,
                   f"learner: {result['optimisation_steps']} optimisation steps")
    failures.check(result['learner_pushes'] >= 2 and result['actor_loads'] >= 2,
                   f"actor loaded the learner's updated weights ({result['actor_loads']} loads; "
                   f"the learner sent {result['learner_pushes']}, the first being its initial "
                   'weights)')
    failures.check(result['interventions'] > 0,
                   f"the synthetic human intervened on {result['interventions']} of "
                   f"{result['actor_steps']} actor steps")
    # The online buffer as the learner saved it at step TRAIN_STEPS (its checkpoint dataset).
    online = LeRobotDataset('local/franka_hil_online', root=workdir / 'train' / 'dataset')
    actions = np.stack([np.asarray(a, np.float32)
                        for a in online.hf_dataset.with_format(None)['action']])
    human = [s[2] for s in seen if s[1]]
    matched = sum(bool(np.any(np.all(np.isclose(actions, a, atol=1e-5), axis=1)))
                  for a in human)
    result.update(online_buffer=len(online), human_actions_in_buffer=matched)
    failures.check(len(online) >= config['policy']['online_step_before_learning']
                   and matched > 0,
                   f'learner online buffer at step {TRAIN_STEPS}: {len(online)} transitions, '
                   f"{matched} of them the human's executed actions")
    print(f"  learner: {result['optimisation_steps']} optimisation steps "
          f"(median loop {result['learner_hz']:.0f} Hz), online buffer {len(online)}, "
          f"{result['learner_pushes']} parameter pushes")
    print(f"  actor: {result['actor_steps']} steps ({result['actor_steps_per_s']:.1f}/s), "
          f"{result['episodes']} episodes, {result['interventions']} intervened, "
          f"{result['actor_loads']} parameter loads; {result['seconds']:.0f} s; "
          f"exit codes {result['exit_codes']}")
    return result
