# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The graph's messages as Rerun log entries, without ROS: one layout for the live view and bags.

Every function takes decoded values or message objects (read by attribute only, so rclpy and
rosbags messages both work) and returns entries (entity path, Rerun archetype, static). The
caller sets the time line (sim time from the message stamp) and logs them: `log(stream, ns, ...)`.

Layout: `world` (z up) holds the TF frames flattened to world poses under `world/tf/<frame>`, the
robot's URDF visuals under their link's frame, and the markers under `world/markers/<ns>/<id>`;
`cameras/<camera>` the images; `plot/*` the reward and the intervention flag per step; `status` a
line saying who acts, the episode, step and outcome; `events` a log of takeovers and episode ends.
"""

from franka_hil_common import events
from franka_hil_viewer.urdf_visuals import quaternion_multiply, rotate
import numpy as np
import rerun as rr
import rerun.blueprint as rrb

TIMELINE = 'sim_time'
WORLD = 'world'
IDENTITY = ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))
# visualization_msgs/Marker types and actions (the message's constants).
CUBE, SPHERE, CYLINDER, LINE_STRIP, LINE_LIST, POINTS = 1, 2, 3, 4, 5, 8
DELETE, DELETEALL = 2, 3
SOLID = rr.components.FillMode.Solid
POLICY_COLOR, HUMAN_COLOR = (60, 120, 230), (230, 80, 40)


def entity_name(frame):
    """Return a TF frame id as one entity path part (a prefix's '/' would nest entities)."""
    return frame.strip('/').replace('/', '__')


def frame_path(frame):
    """Return the entity path of a TF frame's world pose."""
    return f'{WORLD}/tf/{entity_name(frame)}'


def log(stream, stamp_ns, entries):
    """Log entries at sim time `stamp_ns` on a RecordingStream."""
    stream.set_time(TIMELINE, duration=stamp_ns * 1e-9)
    for path, archetype, static in entries:
        stream.log(path, archetype, static=static)


def log_series(stream, stamps_ns, series):
    """Log many rows of scalar series at once (per-step plots): {entity path: values}."""
    times = rr.TimeColumn(TIMELINE, duration=np.asarray(stamps_ns, dtype=np.int64) * 1e-9)
    for path, values in series.items():
        stream.send_columns(path, indexes=[times], columns=rr.Scalars.columns(scalars=values))


def world_entries():
    """Return the world's axes entry: z up, as in ROS."""
    return [(WORLD, rr.ViewCoordinates.RIGHT_HAND_Z_UP, True)]


def _rgba(rgba):
    return [int(round(255 * float(np.clip(c, 0.0, 1.0)))) for c in rgba]


def robot_entries(model, frame_prefix=''):
    """Return static entries drawing each URDF visual under its link's TF frame entity."""
    entries = []
    for v in model.visuals:
        path = f'{frame_path(frame_prefix + v.link)}/visual_{v.index}'
        color = [_rgba(v.rgba)]
        if v.shape == 'box':
            shape = rr.Boxes3D(
                half_sizes=[np.asarray(v.size) / 2],
                centers=[v.position],
                quaternions=[v.quaternion],
                colors=color,
                fill_mode=SOLID,
            )
        elif v.shape == 'cylinder':
            shape = rr.Cylinders3D(
                lengths=[v.size[1]],
                radii=[v.size[0]],
                centers=[v.position],
                quaternions=[v.quaternion],
                colors=color,
                fill_mode=SOLID,
            )
        elif v.shape == 'sphere':
            shape = rr.Ellipsoids3D(
                half_sizes=[[v.size[0]] * 3],
                centers=[v.position],
                quaternions=[v.quaternion],
                colors=color,
                fill_mode=SOLID,
            )
        else:
            entries.append(
                (
                    path,
                    rr.Transform3D(translation=v.position, quaternion=v.quaternion, scale=v.scale),
                    True,
                )
            )
            shape = rr.Asset3D(path=v.mesh_path, albedo_factor=color[0])
        entries.append((path, shape, True))
    return entries


class TfTree:
    """The latest transform of each frame to its parent, resolved to world poses."""

    def __init__(self, root=WORLD):
        self.root = root
        self.parents = {}

    def update(self, parent, child, translation, quaternion):
        """Set child's transform (translation xyz, quaternion xyzw) in parent."""
        self.parents[child] = (
            parent,
            tuple(map(float, translation)),
            tuple(map(float, quaternion)),
        )

    def update_from_msg(self, msg):
        """Take every transform of a tf2_msgs/TFMessage; return the child frames."""
        children = []
        for t in msg.transforms:
            tr, q = t.transform.translation, t.transform.rotation
            self.update(
                t.header.frame_id, t.child_frame_id, (tr.x, tr.y, tr.z), (q.x, q.y, q.z, q.w)
            )
            children.append(t.child_frame_id)
        return children

    def world_pose(self, frame):
        """Return (translation, quaternion xyzw) of a frame in the root frame; None if unknown."""
        return self.world_poses([frame]).get(frame)

    def world_poses(self, frames):
        """
        Return {frame: (translation, quaternion xyzw) in the root frame} of those resolvable.

        Each frame's pose is its parent's composed with its own transform, every parent
        resolved once (not once per descendant); unknown parents and cycles resolve nothing.
        """
        known = {self.root: (np.zeros(3), (0.0, 0.0, 0.0, 1.0))}
        for frame in frames:
            chain = []
            while frame not in known and frame in self.parents and frame not in chain:
                chain.append(frame)
                frame = self.parents[frame][0]
            if frame not in known:
                continue
            for child in reversed(chain):
                parent, translation, quaternion = self.parents[child]
                position, rotation = known[parent]
                known[child] = (
                    rotate(rotation, translation) + position,
                    quaternion_multiply(rotation, quaternion),
                )
        return {frame: known[frame] for frame in frames if frame in known}

    def frames(self):
        """Return every frame with a parent."""
        return list(self.parents)


def frame_entries(tree, frames):
    """Return Transform3D entries of the world poses of `frames` (those the tree can resolve)."""
    return [
        (frame_path(frame), rr.Transform3D(translation=pose[0], quaternion=pose[1]), False)
        for frame, pose in tree.world_poses(frames).items()
    ]


def _pose(pose):
    p, q = pose.position, pose.orientation
    return np.array((p.x, p.y, p.z)), (q.x, q.y, q.z, q.w)


def marker_entries(markers, tree):
    """
    Return the entries of a visualization_msgs/MarkerArray in world coordinates.

    Cubes, spheres, cylinders, line lists / strips and points are drawn; DELETE clears one marker
    and DELETEALL every marker. Markers in a frame the tree cannot resolve are left out.
    """
    entries = []
    for m in markers.markers:
        path = f'{WORLD}/markers/{entity_name(m.ns) or "_"}/{m.id}'
        if m.action == DELETEALL:
            entries.append((f'{WORLD}/markers', rr.Clear(recursive=True), False))
            continue
        if m.action == DELETE:
            entries.append((path, rr.Clear(recursive=False), False))
            continue
        frame = tree.world_pose(m.header.frame_id) if m.header.frame_id != tree.root else IDENTITY
        if frame is None:
            continue
        local_position, local_rotation = _pose(m.pose)
        position = rotate(frame[1], local_position) + frame[0]
        rotation = quaternion_multiply(frame[1], local_rotation)
        color = [_rgba((m.color.r, m.color.g, m.color.b, m.color.a))]
        scale = np.array((m.scale.x, m.scale.y, m.scale.z))

        def world(points):
            return [rotate(rotation, (p.x, p.y, p.z)) + position for p in points]

        if m.type == CUBE:
            shape = rr.Boxes3D(
                half_sizes=[scale / 2],
                centers=[position],
                quaternions=[rotation],
                colors=color,
                fill_mode=SOLID,
            )
        elif m.type == SPHERE:
            shape = rr.Ellipsoids3D(
                half_sizes=[scale / 2],
                centers=[position],
                quaternions=[rotation],
                colors=color,
                fill_mode=SOLID,
            )
        elif m.type == CYLINDER:
            shape = rr.Cylinders3D(
                lengths=[scale[2]],
                radii=[scale[0] / 2],
                centers=[position],
                quaternions=[rotation],
                colors=color,
                fill_mode=SOLID,
            )
        elif m.type == LINE_LIST:
            points = world(m.points)
            shape = rr.LineStrips3D(
                [points[i : i + 2] for i in range(0, len(points) - 1, 2)],
                radii=scale[0] / 2,
                colors=color,
            )
        elif m.type == LINE_STRIP:
            shape = rr.LineStrips3D([world(m.points)], radii=scale[0] / 2, colors=color)
        elif m.type == POINTS:
            shape = rr.Points3D(world(m.points), radii=scale[0] / 2, colors=color)
        else:
            continue
        entries.append((path, shape, False))
    return entries


def image_entries(camera, pixels):
    """Return the camera panel's entry of an HxWx3 uint8 RGB image."""
    return [(f'cameras/{camera}', rr.Image(pixels, color_model='RGB'), False)]


def series_entries():
    """Return the static styles of the step plot's series."""
    return [
        ('plot/reward', rr.SeriesLines(names=['reward'], colors=[(40, 170, 60)]), True),
        (
            'plot/is_intervention',
            rr.SeriesLines(names=['human acts (0/1)'], colors=[HUMAN_COLOR]),
            True,
        ),
        ('plot/success', rr.SeriesLines(names=['success'], colors=[(230, 200, 40)]), True),
    ]


def outcome(info):
    """Return how a step ended its episode ('' when it did not)."""
    if not (info.terminated or info.truncated):
        return ''
    how = 'success' if info.success else 'failure'
    why = ['terminated' if info.terminated else 'truncated (time limit)']
    if info.human_event:
        why.append(f'human pressed {events.NAMES.get(info.human_event, info.human_event)}')
    if info.physics_error:
        why.append('physics error')
    return f'{how}: {", ".join(why)}'


def end_level(info):
    """
    Return the events panel's level of an episode's end.

    Only a physics error is an ERROR: a time limit is how most episodes end, not a fault, and a
    failure is the task's (or the person's) verdict, a WARN.
    """
    if info.physics_error:
        return 'ERROR'
    if info.success or (info.truncated and not info.terminated):
        return 'INFO'
    return 'WARN'


def event(text, level):
    """Return the entry of a line in the events panel (level: INFO, WARN, ERROR)."""
    return ('events', rr.TextLog(text, level=level), False)


class StepView:
    """Per-step views of franka_hil_msgs/StepInfo: plot, status line, events, steps missing."""

    def __init__(self):
        self.human = None
        self.last_outcome = ''
        self.last = None  # (episode, step) of the last StepInfo

    def gap(self, info):
        """Return the text of the steps missing before StepInfo `info`; None: none missing."""
        last, self.last = self.last, (info.episode, info.step)
        if last is None:
            return None
        episode, step = last
        if (info.episode == episode and info.step > step + 1) or (
            info.episode > episode and (info.episode > episode + 1 or info.step > 1)
        ):
            return (
                f'steps missing between episode {episode} step {step} and episode '
                f'{info.episode} step {info.step}'
            )
        return None  # the next step, a new episode, or a restarted simulator

    @staticmethod
    def plot(infos):
        """Return the plot's series of StepInfos: {entity path: one value per step}."""
        return {
            'plot/reward': [float(info.reward) for info in infos],
            'plot/is_intervention': [float(bool(info.is_intervention)) for info in infos],
            'plot/success': [float(bool(info.success)) for info in infos],
        }

    def events(self, info):
        """Return the event entries of one StepInfo (takeover, hand back, episode end)."""
        human = bool(info.is_intervention)
        entries = []
        if self.human is not None and human != self.human:
            entries.append(
                event(
                    f'episode {info.episode} step {info.step}: '
                    f'{"human takes over" if human else "policy acts again"}',
                    'WARN' if human else 'INFO',
                )
            )
        self.human = human
        ended = outcome(info)
        if ended:
            self.last_outcome = f'episode {info.episode}: {ended}'
            entries.append(
                event(f'episode {info.episode} {ended} at step {info.step}', end_level(info))
            )
        return entries

    def status(self, info):
        """Return the status line entry of a StepInfo, the latest one passed to events()."""
        who = 'human' if info.is_intervention else 'policy'
        ended = outcome(info)
        action = ', '.join(f'{a:+.2f}' for a in info.action)
        text = (
            f'## {who.upper()} acts\n\nepisode **{info.episode}**, step **{info.step}**, '
            f'reward **{info.reward:g}**\n\nexecuted action [{action}]\n\n'
            f'{("**" + ended + "**") if ended else "running"}'
            + (f'\n\nlast episode: {self.last_outcome}' if self.last_outcome and not ended else '')
        )
        return ('status', rr.TextDocument(text, media_type='text/markdown'), False)


def blueprint(cameras, time_panel=False):
    """
    Return the view's layout: 3D world and plot on the left; cameras, status and events right.

    time_panel: show the time line panel expanded and paused at the start (recordings), else
    collapsed, following the newest data (live view).
    """
    return rrb.Blueprint(
        rrb.Horizontal(
            rrb.Vertical(
                rrb.Spatial3DView(name='robot', origin=WORLD),
                rrb.TimeSeriesView(name='step info', origin='plot'),
                row_shares=[3, 2],
            ),
            rrb.Vertical(
                rrb.Horizontal(
                    *[
                        rrb.Spatial2DView(name=camera, origin=f'cameras/{camera}')
                        for camera in cameras
                    ]
                ),
                rrb.TextDocumentView(name='status', origin='status'),
                rrb.TextLogView(name='events', origin='events'),
                row_shares=[3, 2, 2],
            ),
            column_shares=[3, 2],
        ),
        # A recording opens paused at its start, the first episode; live, the view follows.
        rrb.TimePanel(state='expanded', play_state='paused')
        if time_panel
        else rrb.TimePanel(state='collapsed'),
        collapse_panels=True,
    )
