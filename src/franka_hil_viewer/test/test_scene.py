# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The ROS-free conversions: URDF visuals, TF to world poses, markers and step info as entries."""

import math
from types import SimpleNamespace as Msg

from franka_hil_common import events
from franka_hil_viewer import scene
from franka_hil_viewer.graph_view import GraphView
from franka_hil_viewer.recording import entity_rows, image_pixels
from franka_hil_viewer.urdf_visuals import parse_urdf, quaternion_from_rpy
import numpy as np
import pytest
import rerun as rr

URDF = """<?xml version="1.0"?>
<robot name="toy">
  <material name="red"><color rgba="1 0 0 1"/></material>
  <link name="base">
    <visual><origin xyz="0 0 0.1" rpy="0 0 1.5707963267948966"/>
      <geometry><box size="0.2 0.4 0.6"/></geometry><material name="red"/></visual>
    <visual><geometry><cylinder radius="0.05" length="0.3"/></geometry>
      <material name="inline"><color rgba="0 0 1 0.5"/></material></visual>
  </link>
  <link name="tip">
    <visual><geometry><sphere radius="0.02"/></geometry></visual>
    <visual><geometry><mesh filename="file://{mesh_dir}/hand%20v2.stl" scale="0.001 0.001 0.001"/>
      </geometry></visual>
    <visual><geometry><mesh filename="file:///nowhere/finger.stl"/></geometry></visual>
    <visual><geometry><mesh filename="package://franka_description/meshes/hand.dae"/>
      </geometry></visual>
  </link>
  <joint name="j" type="revolute"><parent link="base"/><child link="tip"/></joint>
</robot>
"""


def values(archetype, component):
    """Return the values of one component of an archetype, as Python lists."""
    return getattr(archetype, component).as_arrow_array().to_pylist()


STL = """solid t
facet normal 0 0 1
outer loop
vertex 0 0 0
vertex 1 0 0
vertex 0 1 0
endloop
endfacet
endsolid t
"""


@pytest.fixture
def urdf(tmp_path):
    """Give the toy URDF, its mesh file written under tmp_path."""
    (tmp_path / 'hand v2.stl').write_text(STL)
    return URDF.replace('{mesh_dir}', str(tmp_path))


def test_urdf_visuals_shapes_origins_colours_and_meshes(urdf, tmp_path):
    model = parse_urdf(urdf)
    assert model.name == 'toy' and model.links == ('base', 'tip')
    box, cylinder, sphere, mesh = model.visuals
    assert (box.shape, box.size, box.position, box.rgba) == (
        'box',
        (0.2, 0.4, 0.6),
        (0.0, 0.0, 0.1),
        (1, 0, 0, 1),
    )
    assert np.allclose(box.quaternion, (0, 0, math.sqrt(0.5), math.sqrt(0.5)))
    assert (cylinder.shape, cylinder.size, cylinder.rgba) == (
        'cylinder',
        (0.05, 0.3),
        (0, 0, 1, 0.5),
    )
    assert sphere.size == (0.02,) and sphere.rgba == (0.7, 0.7, 0.7, 1.0)
    assert mesh.mesh_path == str(tmp_path / 'hand v2.stl') and mesh.scale == (0.001,) * 3
    assert len(model.skipped) == 2
    assert 'finger.stl not found' in model.skipped[0] and 'package://' in model.skipped[1]


@pytest.mark.parametrize('text', ['not xml <', '<launch/>'])
def test_urdf_that_is_not_one_is_a_clear_error(text):
    with pytest.raises(ValueError, match='robot_description'):
        parse_urdf(text)


def test_rpy_matches_a_rotation_matrix():
    roll, pitch, yaw = 0.3, -0.7, 1.1
    x, y, z, w = quaternion_from_rpy(roll, pitch, yaw)
    from_quaternion = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )

    def rot(axis, a):
        c, s = math.cos(a), math.sin(a)
        return {
            'x': np.array([[1, 0, 0], [0, c, -s], [0, s, c]]),
            'y': np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
            'z': np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]),
        }[axis]

    assert np.allclose(from_quaternion, rot('z', yaw) @ rot('y', pitch) @ rot('x', roll))


def test_robot_entries_hang_each_visual_under_its_link_frame(urdf):
    entries = scene.robot_entries(parse_urdf(urdf), frame_prefix='sim0/')
    paths = [path for path, _, static in entries if static]
    assert len(paths) == len(entries)
    assert paths[:3] == [
        'world/tf/sim0__base/visual_0',
        'world/tf/sim0__base/visual_1',
        'world/tf/sim0__tip/visual_0',
    ]
    box = entries[0][1]
    assert isinstance(box, rr.Boxes3D)
    assert np.allclose(values(box, 'half_sizes'), [[0.1, 0.2, 0.3]])
    assert np.allclose(values(box, 'centers'), [[0, 0, 0.1]])
    assert isinstance(entries[1][1], rr.Cylinders3D)
    assert isinstance(entries[2][1], rr.Ellipsoids3D)
    # The mesh: its scale as a transform, then the asset itself (file read at log time).
    mesh_transform, mesh = entries[3][1], entries[4][1]
    assert entries[3][0] == entries[4][0] == 'world/tf/sim0__tip/visual_1'
    assert np.allclose(values(mesh_transform, 'scale'), [[0.001] * 3])
    assert isinstance(mesh, rr.Asset3D)


def test_tf_tree_chains_transforms_to_world_poses():
    tree = scene.TfTree()
    quarter_turn = (0.0, 0.0, math.sqrt(0.5), math.sqrt(0.5))
    tree.update('world', 'a', (1, 0, 0), quarter_turn)
    tree.update('a', 'b', (1, 0, 0), (0, 0, 0, 1))
    position, rotation = tree.world_pose('b')
    assert np.allclose(position, (1, 1, 0)) and np.allclose(rotation, quarter_turn)
    assert tree.world_pose('unknown') is None
    tree.update('c', 'd', (0, 0, 0), (0, 0, 0, 1))
    tree.update('d', 'c', (0, 0, 0), (0, 0, 0, 1))
    assert tree.world_pose('c') is None  # a cycle is no pose
    entries = scene.frame_entries(tree, ['b', 'c', 'unknown'])
    assert [path for path, _, _ in entries] == ['world/tf/b']
    assert np.allclose(values(entries[0][1], 'translation'), [[1, 1, 0]])


def _marker(
    kind, frame='world', position=(0, 0, 0), scale=(0.1, 0.1, 0.1), points=(), action=0, ns='thing'
):
    return Msg(
        ns=ns,
        id=0,
        type=kind,
        action=action,
        header=Msg(frame_id=frame),
        pose=Msg(
            position=Msg(x=position[0], y=position[1], z=position[2]),
            orientation=Msg(x=0.0, y=0.0, z=0.0, w=1.0),
        ),
        scale=Msg(x=scale[0], y=scale[1], z=scale[2]),
        color=Msg(r=1.0, g=0.0, b=0.0, a=1.0),
        points=[Msg(x=p[0], y=p[1], z=p[2]) for p in points],
    )


def test_markers_in_world_coordinates():
    tree = scene.TfTree()
    tree.update('world', 'base', (0, 0, 1), (0, 0, 0, 1))
    markers = Msg(
        markers=[
            _marker(scene.CUBE, position=(0.5, 0, 0.02), scale=(0.04, 0.04, 0.04), ns='cube'),
            _marker(scene.SPHERE, frame='base', position=(0.1, 0, 0), ns='target'),
            _marker(
                scene.LINE_LIST,
                points=[(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 1, 1)],
                scale=(0.01, 0, 0),
                ns='bounds',
            ),
            _marker(scene.CUBE, frame='nowhere', ns='lost'),
            _marker(scene.CUBE, action=scene.DELETE, ns='gone'),
        ]
    )
    entries = {path: arch for path, arch, _ in scene.marker_entries(markers, tree)}
    assert set(entries) == {
        'world/markers/cube/0',
        'world/markers/target/0',
        'world/markers/bounds/0',
        'world/markers/gone/0',
    }
    cube = entries['world/markers/cube/0']
    assert np.allclose(values(cube, 'centers'), [[0.5, 0, 0.02]])
    assert np.allclose(values(cube, 'half_sizes'), [[0.02] * 3])
    assert values(cube, 'colors') == [0xFF0000FF]
    assert np.allclose(values(entries['world/markers/target/0'], 'centers'), [[0.1, 0, 1]])
    strips = values(entries['world/markers/bounds/0'], 'strips')
    assert np.allclose(strips, [[[0, 0, 0], [1, 0, 0]], [[0, 1, 0], [0, 1, 1]]])
    assert isinstance(entries['world/markers/gone/0'], rr.Clear)


def _step(
    episode=1,
    step=1,
    human=False,
    reward=0.0,
    terminated=False,
    truncated=False,
    success=False,
    event=events.NONE,
):
    return Msg(
        episode=episode,
        step=step,
        is_intervention=human,
        reward=reward,
        terminated=terminated,
        truncated=truncated,
        success=success,
        human_event=event,
        physics_error=False,
        action=[0.1, 0.0, -0.2, 1.0],
    )


def test_a_time_limit_is_info_a_failure_a_warning_only_a_physics_error_an_error():
    for info, level in (
        (_step(truncated=True), 'INFO'),
        (_step(terminated=True), 'WARN'),
        (_step(terminated=True, success=True), 'INFO'),
        (_step(terminated=True, event=events.FAILURE), 'WARN'),
    ):
        [(_, entry, _)] = scene.StepView().events(info)
        assert entry.level.as_arrow_array().to_pylist() == [level], info
    broken = _step(terminated=True)
    broken.physics_error = True
    assert scene.end_level(broken) == 'ERROR'


def test_step_view_plots_says_who_acts_and_logs_takeovers_and_outcomes():
    view = scene.StepView()

    def step(info):
        """Return the event texts of one step and its status line's text."""
        entries = view.events(info)
        assert all(path == 'events' for path, _, _ in entries)
        path, status, _ = view.status(info)
        assert path == 'status'
        return [values(arch, 'text')[0] for _, arch, _ in entries], values(status, 'text')[0]

    first = _step()
    assert view.plot([first]) == {
        'plot/reward': [0.0],
        'plot/is_intervention': [0.0],
        'plot/success': [0.0],
    }
    logs, status = step(first)
    assert logs == [] and 'POLICY acts' in status
    logs, status = step(_step(step=2, human=True))
    assert logs == ['episode 1 step 2: human takes over'] and 'HUMAN acts' in status
    ended = _step(
        step=3, human=True, reward=1.0, terminated=True, success=True, event=events.SUCCESS
    )
    logs, _ = step(ended)
    assert logs == ['episode 1 success: terminated, human pressed success at step 3']
    assert view.plot([first, ended])['plot/success'] == [0.0, 1.0]
    logs, status = step(_step(episode=2))
    assert 'episode **2**' in status and 'last episode: episode 1: success' in status
    logs, _ = step(_step(episode=2, step=100, truncated=True))
    assert logs == ['episode 2 failure: truncated (time limit) at step 100']


def test_step_view_tells_the_steps_missing_between_two():
    view = scene.StepView()
    seen = [(1, 1), (1, 2), (1, 3), (2, 1), (3, 1), (3, 4), (5, 2), (6, 7), (1, 1), (1, 2)]
    assert [view.gap(_step(episode=e, step=s)) for e, s in seen] == [
        None,
        None,
        None,
        None,
        None,  # consecutive steps, episodes that start at step 1
        'steps missing between episode 3 step 1 and episode 3 step 4',
        'steps missing between episode 3 step 4 and episode 5 step 2',  # episode 4 whole
        'steps missing between episode 5 step 2 and episode 6 step 7',
        None,
        None,
    ]  # a restarted simulator counts from episode 1 again


def test_logged_entries_read_back_at_sim_time(tmp_path):
    pixels = np.random.default_rng(0).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    stream = rr.RecordingStream('test', recording_id='viewer-scene-test')
    stream.save(tmp_path / 'out.rrd')
    scene.log(stream, 0, scene.world_entries())
    scene.log(stream, 1_500_000_000, scene.image_entries('front', pixels))
    stream.flush()
    stream.disconnect()
    rows = entity_rows(tmp_path / 'out.rrd')
    ((time, row),) = rows['/cameras/front']
    assert time == 1_500_000_000
    assert np.array_equal(image_pixels(row), pixels)
    assert rows['/world'][0][0] is None  # static


def test_a_batch_of_steps_plots_every_step_and_shows_the_last_status(tmp_path):
    stream = rr.RecordingStream('test', recording_id='viewer-status-test')
    stream.save(tmp_path / 'out.rrd')
    view = GraphView(stream)
    view.on_step_info(_stamped(_step(step=1), 1))
    # steps faster than the viewer reads them: one batch
    view.on_step_infos(
        [_stamped(_step(step=step, human=step > 2, reward=step / 10), step) for step in (2, 3, 4)]
    )
    assert view.on_step_infos([]) == []  # nothing new: nothing logged
    assert view.on_step_infos([_stamped(_step(step=7), 7)]) == [
        'steps missing between episode 1 step 4 and episode 1 step 7'
    ]
    stream.flush()
    stream.disconnect()
    assert view.counts['step_info'] == 5
    rows = entity_rows(tmp_path / 'out.rrd')
    plotted = [
        (t, row['Scalars:scalars'][0]) for t, row in rows['/plot/reward'] if t is not None
    ]  # after its static style row
    assert plotted == [(1, 0.0), (2, 0.2), (3, 0.3), (4, 0.4), (7, 0.0)]
    assert [
        (t, row['Scalars:scalars'][0]) for t, row in rows['/plot/is_intervention'] if t is not None
    ] == [(1, 0.0), (2, 0.0), (3, 1.0), (4, 1.0), (7, 0.0)]
    statuses = [
        (t, row['TextDocument:text'][0])
        for t, row in rows['/status']
        if 'TextDocument:text' in row
    ]
    assert [t for t, _ in statuses] == [1, 4, 7]
    assert 'step **7**' in statuses[-1][1]
    logged = [(t, row['TextLog:text'][0], row['TextLog:level'][0]) for t, row in rows['/events']]
    assert logged == [
        (3, 'episode 1 step 3: human takes over', 'WARN'),
        (7, 'steps missing between episode 1 step 4 and episode 1 step 7', 'WARN'),
        (7, 'episode 1 step 7: policy acts again', 'INFO'),
    ]


def _stamped(msg, ns):
    msg.header = Msg(stamp=Msg(sec=0, nanosec=ns))
    return msg


def test_a_recording_opens_paused_at_its_first_episode_and_the_live_view_follows():
    # Paused before any data arrives, rerun starts each timeline at its first time, not its end.
    assert scene.blueprint(('front',), time_panel=True).time_panel.play_state is not None
    assert scene.blueprint(('front',), time_panel=False).time_panel.play_state is None
