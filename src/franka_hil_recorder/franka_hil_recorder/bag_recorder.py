# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Record serialized ROS 2 messages into a rosbag2 (MCAP) directory without rclpy.

The recorder node only hands over bytes as DDS delivered them; everything that decides what ends
up on disk lives here so it can be tested and reused without a ROS graph: which message
definitions are embedded (custom franka_hil_msgs types from their .msg files), which QoS a
subscription needs to match every publisher, when data reaches the disk (closed MCAP chunks,
flushed periodically, so a SIGKILL loses at most one flush period), what a progress line says,
and how episodes are found again in a finished bag.

Episode boundaries: every control step is recorded on `step_info` (franka_hil_msgs/StepInfo,
fields `episode`, `step`, `terminated`, `truncated`); an episode is the run of StepInfo messages
with one `episode` value, and it ended when its last message has terminated or truncated set.
Human decisions are on `episode_event`. `episode_boundaries()` lists them from a bag.
After a SIGKILL, `flushed_messages()` reads what reached the .mcap file, and `bag_recover`
(recover_bag) writes a finished bag from it.
"""

import argparse
from dataclasses import dataclass, field, replace
import importlib
from pathlib import Path
import struct
import sys
import time

from ament_index_python.packages import get_package_share_directory
from ament_index_python.packages import PackageNotFoundError
from franka_hil_common import names
from franka_hil_common.observation import CAMERAS
from mcap.exceptions import McapError
from mcap.records import Channel
from mcap.records import Message
from mcap.records import Schema
from mcap.stream_reader import StreamReader
from rosbags.interfaces import Nodetype
from rosbags.interfaces import Qos
from rosbags.interfaces import QosDurability
from rosbags.interfaces import QosHistory
from rosbags.interfaces import QosLiveliness
from rosbags.interfaces import QosReliability
from rosbags.interfaces import QosTime
from rosbags.rosbag2 import StoragePlugin
from rosbags.rosbag2 import Writer
from rosbags.typesys import get_types_from_msg
from rosbags.typesys import get_typestore
from rosbags.typesys import Stores
import yaml

# Topics recorded by default; relative names resolve in the recorder's namespace. Everything a
# replay or a dataset needs: the robot (its description, joints, TF, cameras), each step
# (step_info: the policy's and the executed action, reward, episode end, interventions), the
# observation it acted on, and the human side (the pad's joy, the teleop's cmd_vel and
# intervention, episode events).
DEFAULT_TOPICS = (
    names.ROBOT_DESCRIPTION,
    names.JOINT_STATES,
    *(
        topic
        for camera in CAMERAS
        for topic in (names.image_topic(camera), names.camera_info_topic(camera))
    ),
    names.TF,
    names.TF_STATIC,
    names.OBSERVATION,
    names.STEP_INFO,
    names.JOY,
    names.CMD_VEL,
    names.INTERVENTION,
    names.EPISODE_EVENT,
    names.CLOCK,
    # what a review of the bag shows beside the cameras (bag_to_rerun): the robot and markers
    names.ROBOT_DESCRIPTION,
    names.MARKERS,
)

# Subscription history: messages that may wait in DDS while the recorder is busy writing.
# Measured: a back-to-back burst of 1000 128x128 images is recorded whole with 1000, only about
# 12 % of it with 100; the memory is taken only while a backlog exists.
SUBSCRIPTION_DEPTH = 1000

# rosbag2 file format written (Kilted's rosbag2 reads 9).
BAG_VERSION = 9


class RecorderError(RuntimeError):
    """A recording cannot start or go on (bad output path, unknown message type)."""


def _standard_typestore():
    store = getattr(Stores, 'ROS2_KILTED', Stores.LATEST)
    return get_typestore(store)


def _message_file(msgtype):
    """Return the .msg text of 'pkg/msg/Name' from the package's installed share directory."""
    package, _, name = msgtype.split('/')
    try:
        share = Path(get_package_share_directory(package))
    except PackageNotFoundError:
        raise RecorderError(
            f'message type {msgtype}: package {package!r} is not installed in any '
            'AMENT_PREFIX_PATH prefix (source the workspace first)'
        ) from None
    path = share / 'msg' / f'{name}.msg'
    if not path.is_file():
        raise RecorderError(f'message type {msgtype}: no definition at {path}')
    return path.read_text()


def _referenced_types(fields):
    """Yield the names of the message types that a rosbags field list refers to."""
    for _, (kind, detail) in fields:
        if kind in (Nodetype.SEQUENCE, Nodetype.ARRAY):
            kind, detail = detail[0]
        if kind == Nodetype.NAME:
            yield detail


class MessageTypes:
    """
    A rosbags typestore that learns missing types from installed .msg files on demand.

    Standard interfaces come from rosbags' built-in ROS 2 Kilted store; anything else
    (franka_hil_msgs, a locally built tf2_msgs, ...) is parsed from `<share>/<pkg>/msg/*.msg`.
    """

    def __init__(self, find_definition=_message_file):
        self.store = _standard_typestore()
        self._find_definition = find_definition

    def ensure(self, msgtype):
        """Make `msgtype` (and every type it contains) known; raise RecorderError if it can't."""
        if msgtype in self.store.fielddefs:
            return
        parsed = get_types_from_msg(self._find_definition(msgtype), msgtype)
        _, fields = parsed[msgtype]
        for dependency in _referenced_types(fields):
            self.ensure(dependency)
        self.store.register(parsed)

    def learn(self, msgtype, definition):
        """Make `msgtype` known from a definition embedded in a bag (ros2msg, dependencies too)."""
        if msgtype not in self.store.fielddefs:
            self.store.register(get_types_from_msg(definition, msgtype))

    def type_hash(self, msgtype):
        """Return the RIHS01 hash of `msgtype` as ROS 2 reports it in the graph."""
        self.ensure(msgtype)
        return self.store.hash_rihs01(msgtype)


def import_message_class(msgtype):
    """Return the Python class of 'pkg/msg/Name' (rclpy needs it even for raw subscriptions)."""
    package, kind, name = msgtype.split('/')
    try:
        return getattr(importlib.import_module(f'{package}.{kind}'), name)
    except (ImportError, AttributeError):
        raise RecorderError(
            f'message type {msgtype}: Python module {package}.{kind} has no {name} '
            '(is the package built and the workspace sourced?)'
        ) from None


@dataclass(frozen=True)
class EndpointQos:
    """The part of a publisher's QoS that decides whether a subscription matches it."""

    reliable: bool
    transient_local: bool


# Topics whose writers keep a history for late watchers, not as state: the simulator keeps
# step_info's last steps so that the demo sees an episode's first step. A recording holds only
# the steps taken while it records, so these are read volatile.
EVENT_HISTORY_TOPICS = (names.STEP_INFO,)


def subscription_qos(offered, topic=''):
    """
    Return the QoS that receives from every publisher in `offered` (a list of EndpointQos).

    Reliable only when all publishers are reliable (a reliable reader does not match a
    best-effort writer); transient-local only when all are (a transient-local reader does not
    match a volatile writer), so latched topics such as /tf_static deliver their history, and
    `topic` is not one of EVENT_HISTORY_TOPICS.
    """
    offered = list(offered)
    return EndpointQos(
        reliable=bool(offered) and all(q.reliable for q in offered),
        transient_local=(
            bool(offered)
            and all(q.transient_local for q in offered)
            and topic.rsplit('/', 1)[-1] not in EVENT_HISTORY_TOPICS
        ),
    )


def _rosbags_qos(qos):
    infinite = QosTime(sec=0, nsec=0)
    return Qos(
        history=QosHistory.UNKNOWN,
        depth=0,
        reliability=QosReliability.RELIABLE if qos.reliable else QosReliability.BEST_EFFORT,
        durability=(
            QosDurability.TRANSIENT_LOCAL if qos.transient_local else QosDurability.VOLATILE
        ),
        deadline=infinite,
        lifespan=infinite,
        liveliness=QosLiveliness.AUTOMATIC,
        liveliness_lease_duration=infinite,
        avoid_ros_namespace_conventions=False,
    )


@dataclass
class TopicStats:
    """What has been written on one topic."""

    msgtype: str
    messages: int = 0
    size: int = 0


@dataclass
class Progress:
    """A snapshot of a recording, for the periodic log line and the status topic."""

    duration_s: float
    messages: int
    size: int
    topics: dict = field(default_factory=dict)

    def line(self):
        """Return the progress log line: duration, totals, then messages per topic."""
        per_topic = ', '.join(f'{name} {stats.messages}' for name, stats in self.topics.items())
        return f'{self.duration_s:.1f} s, {self.messages} msgs, {self.size / 2**20:.2f} MiB' + (
            f': {per_topic}' if per_topic else ''
        )

    def as_dict(self):
        """Return the snapshot as plain JSON-friendly data."""
        return {
            'duration_s': round(self.duration_s, 3),
            'messages': self.messages,
            'bytes': self.size,
            'topics': {
                name: {'type': s.msgtype, 'messages': s.messages, 'bytes': s.size}
                for name, s in self.topics.items()
            },
        }


class BagRecorder:
    """
    Writes serialized messages as received into a new rosbag2 directory (MCAP storage).

    Call add_topic() once per topic, write() per message, flush() periodically, close() at the
    end. rosbags closes an MCAP chunk when it exceeds 1 MiB; flush() also closes the pending
    chunk and pushes it to the OS, so a killed process leaves every flushed message readable.
    """

    def __init__(self, output, types=None, clock_ns=time.monotonic_ns):
        self.path = Path(output)
        if self.path.exists():
            raise RecorderError(
                f'output {self.path} exists already: refusing to overwrite a bag '
                '(choose a new path or remove it)'
            )
        for parent in self.path.parents:  # the nearest existing one must be a directory
            if parent.exists():
                if not parent.is_dir():
                    raise RecorderError(
                        f'cannot create the bag {self.path}: {parent} is a file, not a directory'
                    )
                break
        self.types = types or MessageTypes()
        self._clock_ns = clock_ns
        self._writer = Writer(self.path, version=BAG_VERSION, storage_plugin=StoragePlugin.MCAP)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer.open()
        except OSError as error:  # read-only, under a file, no permission, disk full
            where = f' ({error.filename})' if error.filename else ''
            raise RecorderError(
                f'cannot create the bag {self.path}: {error.strerror or error}{where}'
            ) from None
        self._storage = self._writer.storage
        if not (hasattr(self._storage, 'close_chunk') and hasattr(self._storage, 'bio')):
            self._writer.close()
            raise RecorderError('this rosbags version cannot flush MCAP chunks (need 0.11.x)')
        self._connections = {}
        self.stats = {}
        self._start_ns = clock_ns()
        self._dirty = False

    @property
    def mcap_path(self):
        """Return the path of the .mcap file inside the bag directory."""
        return self.path / f'{self.path.name}.mcap'

    def add_topic(self, topic, msgtype, offered_qos=()):
        """Start a connection for `topic`, embedding the definition of `msgtype`."""
        if topic in self._connections:
            raise RecorderError(f'topic {topic} is already recorded')
        self.types.ensure(msgtype)
        self._connections[topic] = self._writer.add_connection(
            topic,
            msgtype,
            typestore=self.types.store,
            offered_qos_profiles=[_rosbags_qos(q) for q in offered_qos],
        )
        self.stats[topic] = TopicStats(msgtype)
        self._dirty = True

    def write(self, topic, data, stamp_ns):
        """Write one serialized (CDR) message received at `stamp_ns` (ns since the epoch)."""
        self._writer.write(self._connections[topic], stamp_ns, data)
        stats = self.stats[topic]
        stats.messages += 1
        stats.size += len(data)
        self._dirty = True

    def flush(self):
        """Close the pending chunk and hand everything written so far to the OS."""
        if not self._dirty:
            return
        if self._storage.chunk.bio.tell():
            self._storage.close_chunk()
        self._storage.bio.flush()
        self._dirty = False

    def progress(self):
        """Return a Progress snapshot."""
        return Progress(
            duration_s=(self._clock_ns() - self._start_ns) / 1e9,
            messages=sum(s.messages for s in self.stats.values()),
            size=sum(s.size for s in self.stats.values()),
            topics={name: replace(stats) for name, stats in self.stats.items()},
        )

    def close(self):
        """Finish the MCAP summary and write metadata.yaml (idempotent)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def abandon(self):
        """After a storage fault: close the file as it is (bag_recover reads its chunks)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                self._storage.bio.close()
            except OSError:
                pass  # what was still buffered is lost; the flushed chunks are on disk


@dataclass
class Episode:
    """One episode found in a bag from its StepInfo messages (times are bag log times, ns)."""

    episode: int
    first_step: int
    last_step: int
    steps: int
    start_ns: int
    end_ns: int
    terminated: bool
    truncated: bool
    success: bool
    rerecord: bool

    @property
    def complete(self):
        """Return whether the bag holds the episode from its first step to its end."""
        return (
            self.first_step == 1
            and self.last_step == self.steps
            and (self.terminated or self.truncated)
        )


def find_topic(topics, relative_name, namespace=None):
    """Return the one recorded topic named `relative_name` (in `namespace` when given)."""
    if namespace is not None:
        wanted = '/' + '/'.join(p for p in (namespace.strip('/'), relative_name) if p)
        return wanted if wanted in topics else None
    found = sorted(t for t in topics if t.endswith('/' + relative_name))
    if len(found) > 1:
        raise RecorderError(
            f'several {relative_name} topics in the bag ({", ".join(found)}): '
            'choose one with the namespace option'
        )
    return found[0] if found else None


def episode_boundaries(bag, namespace=None):
    """List the episodes of a finished bag (an Episode per StepInfo `episode` value, in order)."""
    from rosbags.highlevel import AnyReader

    episodes = {}
    with AnyReader([Path(bag)]) as reader:
        topic = find_topic(reader.topics, names.STEP_INFO, namespace)
        if topic is None:
            raise RecorderError(f'{bag}: no {names.STEP_INFO} topic recorded')
        connections = [c for c in reader.connections if c.topic == topic]
        for connection, stamp, raw in reader.messages(connections=connections):
            info = reader.deserialize(raw, connection.msgtype)
            ep = episodes.get(info.episode)
            if ep is None:
                ep = episodes[info.episode] = Episode(
                    info.episode, info.step, info.step, 0, stamp, stamp, False, False, False, False
                )
            ep.steps += 1
            ep.last_step = info.step
            ep.end_ns = stamp
            ep.terminated, ep.truncated = bool(info.terminated), bool(info.truncated)
            ep.success = ep.success or bool(info.success)
            ep.rerecord = ep.rerecord or bool(info.rerecord_episode)
    return list(episodes.values())


def flushed_messages(mcap_path):
    """
    Yield (schema, channel, message) mcap records from every complete chunk of an MCAP file.

    Works on the file of a recorder that was killed (no summary, no metadata.yaml): reading
    stops quietly at the first incomplete record, so everything flushed before the kill comes
    back, in file order. Decode with mcap_ros2's DecoderFactory (definitions are embedded).
    """
    schemas, channels = {}, {}
    with open(mcap_path, 'rb') as stream:
        records = StreamReader(stream).records
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except (McapError, struct.error, ValueError):
                return  # the unfinished tail
            if isinstance(record, Schema):
                schemas[record.id] = record
            elif isinstance(record, Channel):
                channels[record.id] = record
            elif isinstance(record, Message):
                channel = channels[record.channel_id]
                yield schemas.get(channel.schema_id), channel, record


def _offered_qos(channel_metadata):
    profiles = yaml.safe_load(channel_metadata.get('offered_qos_profiles') or '[]') or []
    return [
        EndpointQos(
            reliable=p.get('reliability') == 'reliable',
            transient_local=p.get('durability') == 'transient_local',
        )
        for p in profiles
    ]


def recover_bag(killed, output):
    """Write a finished bag at `output` from what a killed recording flushed; return Progress."""
    files = sorted(Path(killed).glob('*.mcap'))
    if len(files) != 1:
        raise RecorderError(f'{killed}: expected one .mcap file, found {len(files)}')
    types = MessageTypes()
    recorder = BagRecorder(output, types)
    try:
        for schema, channel, message in flushed_messages(files[0]):
            if channel.topic not in recorder.stats:
                if schema is None or schema.encoding != 'ros2msg':
                    raise RecorderError(f'{channel.topic}: no ros2msg definition in the file')
                types.learn(schema.name, schema.data.decode())
                recorder.add_topic(channel.topic, schema.name, _offered_qos(channel.metadata))
            recorder.write(channel.topic, message.data, message.log_time)
    finally:
        recorder.close()
    return recorder.progress()


def recover_main(argv=None):
    """Command line entry point of franka-hil-bag-recover."""
    parser = argparse.ArgumentParser(
        prog='franka-hil-bag-recover',
        description='Write a finished bag from the .mcap of a recording that was killed.',
    )
    parser.add_argument('killed', help='bag directory without metadata.yaml')
    parser.add_argument('output', help='new bag directory')
    args = parser.parse_args(argv)
    try:
        progress = recover_bag(args.killed, args.output)
    except RecorderError as error:
        print(f'franka-hil-bag-recover: {error}', file=sys.stderr)
        return 1
    print(
        f'{args.output}: {progress.messages} messages recovered: '
        + ', '.join(f'{t} {s.messages}' for t, s in progress.topics.items())
    )
    return 0
