# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
robot_description generated from the MJCF, so MuJoCo and ROS can never disagree.

Every body under panda_link0 becomes a link, its joint a revolute/prismatic joint (limits, effort
from actuatorfrcrange, velocity from the model's custom numerics, mimic from a joint equality),
a joint-less body a fixed joint. Geoms that collide become collision elements (URDF has no
capsule, so a capsule becomes a cylinder with two spheres), the others (the link meshes) visual
elements that name the very mesh files MuJoCo loaded, as absolute file:// URIs, at full detail.
"""

import contextlib
import hashlib
import math
import os
from pathlib import Path
import tempfile
from xml.sax.saxutils import quoteattr

from franka_hil_common.cache import cache_dir
from franka_hil_sim.core import robot
from franka_hil_sim.core.robot import robot_bodies, robot_spec, ROBOT_XML
import mujoco
import numpy as np


def _num(value):
    return f'{float(value):.9g}'


def _vec(values):
    return ' '.join(_num(v) for v in values)


def _rpy(quat):
    mat = np.zeros(9)
    mujoco.mju_quat2Mat(mat, np.asarray(quat, dtype=float))
    r = mat.reshape(3, 3)
    pitch = math.atan2(-r[2, 0], math.hypot(r[0, 0], r[1, 0]))
    return (math.atan2(r[2, 1], r[2, 2]), pitch, math.atan2(r[1, 0], r[0, 0]))


def _origin(pos, quat):
    return f'<origin xyz="{_vec(pos)}" rpy="{_vec(_rpy(quat))}"/>'


def _rotate(quat, vec):
    out = np.zeros(3)
    mujoco.mju_rotVecQuat(out, np.asarray(vec, dtype=float), np.asarray(quat, dtype=float))
    return out


def _mesh(model, geom):
    """(origin, geometry) of a mesh geom: the mesh file in the frame the geom was written in."""
    mesh = model.geom_dataid[geom]
    # MuJoCo re-centres a mesh on its inertia frame and moves the geom by the same offset: undo.
    pos, quat = np.zeros(3), np.zeros(4)
    mujoco.mju_negPose(pos, quat, model.mesh_pos[mesh], model.mesh_quat[mesh])
    out_pos, out_quat = np.zeros(3), np.zeros(4)
    mujoco.mju_mulPose(out_pos, out_quat, model.geom_pos[geom], model.geom_quat[geom], pos, quat)
    path = model.paths[model.mesh_pathadr[mesh] :].split(b'\0', 1)[0].decode()
    if not Path(path).is_absolute():
        raise ValueError(f'mesh {model.mesh(mesh).name} has no absolute file path: {path!r}')
    scale = model.mesh_scale[mesh]
    scaled = '' if np.all(scale == 1.0) else f' scale="{_vec(scale)}"'
    # (rounded to the nanometre: the round trip leaves ~1e-16 residues)
    return (
        _origin(np.round(out_pos, 9) + 0.0, np.round(out_quat, 9)),
        f'<mesh filename={quoteattr(Path(path).as_uri())}{scaled}/>',
    )


def _shapes(model, geom):
    """(origin, geometry) pairs that draw one MuJoCo geom in URDF."""
    kind, size = int(model.geom_type[geom]), model.geom_size[geom]
    pos, quat = model.geom_pos[geom], model.geom_quat[geom]
    gt = mujoco.mjtGeom
    if kind == gt.mjGEOM_MESH:
        return [_mesh(model, geom)]
    if kind == gt.mjGEOM_BOX:
        return [(_origin(pos, quat), f'<box size="{_vec(2 * size)}"/>')]
    if kind == gt.mjGEOM_SPHERE:
        return [(_origin(pos, quat), f'<sphere radius="{_num(size[0])}"/>')]
    cylinder = f'<cylinder radius="{_num(size[0])}" length="{_num(2 * size[1])}"/>'
    if kind == gt.mjGEOM_CYLINDER:
        return [(_origin(pos, quat), cylinder)]
    if kind == gt.mjGEOM_CAPSULE:
        tip = _rotate(quat, (0.0, 0.0, size[1]))
        ball = f'<sphere radius="{_num(size[0])}"/>'
        return [
            (_origin(pos, quat), cylinder),
            (_origin(pos + tip, quat), ball),
            (_origin(pos - tip, quat), ball),
        ]
    raise ValueError(f'geom {geom} of type {kind} has no URDF equivalent')


def _material(model, geom):
    mat = model.geom_matid[geom]
    if mat < 0:
        return None, model.geom_rgba[geom]
    return model.material(mat).name, model.mat_rgba[mat]


def _link(model, body):
    name = model.body(body).name
    lines = [f'  <link name="{name}">']
    if model.body_mass[body] > 0:
        inertia = model.body_inertia[body]
        lines += [
            '    <inertial>',
            f'      {_origin(model.body_ipos[body], model.body_iquat[body])}',
            f'      <mass value="{_num(model.body_mass[body])}"/>',
            f'      <inertia ixx="{_num(inertia[0])}" ixy="0" ixz="0" iyy="{_num(inertia[1])}"'
            f' iyz="0" izz="{_num(inertia[2])}"/>',
            '    </inertial>',
        ]
    for geom in range(model.ngeom):
        if model.geom_bodyid[geom] != body:
            continue
        material, _ = _material(model, geom)
        use = '' if material is None else f'<material name="{material}"/>'
        collides = model.geom_contype[geom] or model.geom_conaffinity[geom]
        for origin, shape in _shapes(model, geom):
            if collides:
                lines.append(f'    <collision>{origin}<geometry>{shape}</geometry></collision>')
            else:
                lines.append(f'    <visual>{origin}<geometry>{shape}</geometry>{use}</visual>')
    lines.append('  </link>')
    return lines


def _fixed_joint_name(child):
    # franka_description's names: panda_joint8 for the flange, <frame>_joint otherwise.
    if child.startswith('panda_link'):
        return 'panda_joint' + child[len('panda_link') :]
    return child + '_joint'


def _mimics(model):
    pairs = {}
    for eq in range(model.neq):
        if model.eq_type[eq] == mujoco.mjtEq.mjEQ_JOINT:
            leader = model.joint(model.eq_obj1id[eq]).name
            pairs[model.joint(model.eq_obj2id[eq]).name] = leader
    return pairs


def _velocity_limit(model, joint):
    key = f'velocity_limit/{joint}'
    for i in range(model.nnumeric):
        if model.numeric(i).name == key:
            return float(model.numeric(i).data[0])
    raise ValueError(f'model has no custom numeric {key}')


def _joint(model, body, mimics):
    parent = model.body(model.body_parentid[body]).name
    child = model.body(body).name
    origin = _origin(model.body_pos[body], model.body_quat[body])
    if model.body_jntnum[body] == 0:
        return [
            f'  <joint name="{_fixed_joint_name(child)}" type="fixed">',
            f'    <parent link="{parent}"/><child link="{child}"/>{origin}',
            '  </joint>',
        ]
    joint = model.body_jntadr[body]
    name = model.joint(joint).name
    kind = {
        int(mujoco.mjtJoint.mjJNT_HINGE): 'revolute',
        int(mujoco.mjtJoint.mjJNT_SLIDE): 'prismatic',
    }[int(model.jnt_type[joint])]
    low, high = model.jnt_range[joint]
    effort = max(abs(v) for v in model.jnt_actfrcrange[joint])
    lines = [
        f'  <joint name="{name}" type="{kind}">',
        f'    <parent link="{parent}"/><child link="{child}"/>{origin}',
        f'    <axis xyz="{_vec(model.jnt_axis[joint])}"/>',
        f'    <limit lower="{_num(low)}" upper="{_num(high)}" effort="{_num(effort)}"'
        f' velocity="{_num(_velocity_limit(model, name))}"/>',
    ]
    damping = model.dof_damping[model.jnt_dofadr[joint]]
    if damping > 0:
        lines.append(f'    <dynamics damping="{_num(damping)}"/>')
    if name in mimics:
        lines.append(f'    <mimic joint="{mimics[name]}"/>')
    lines.append('  </joint>')
    return lines


def urdf_from_model(model, name='panda'):
    """URDF text of the robot in `model` (bodies from panda_link0 down)."""
    bodies = robot_bodies(model)
    mimics = _mimics(model)
    lines = [
        '<?xml version="1.0"?>',
        '<!-- Generated by franka_hil_sim.core.mjcf_to_urdf from panda.xml: do not edit. -->',
        f'<robot name={quoteattr(name)}>',
    ]
    for mat in range(model.nmat):
        lines.append(
            f'  <material name="{model.material(mat).name}">'
            f'<color rgba="{_vec(model.mat_rgba[mat])}"/></material>'
        )
    for body in bodies:
        lines += _link(model, body)
        if body != bodies[0]:
            lines += _joint(model, body, mimics)
    lines.append('</robot>')
    return '\n'.join(lines) + '\n'


def robot_description():
    """
    URDF for the robot_description parameter / topic (full-detail meshes: rviz has a GPU).

    Kept in the cache under a hash of what it is made from (the robot's MJCF, its mesh files,
    this converter, MuJoCo's version): compiling the full meshes took 0.3-0.4 s of CPU at every
    simulator's start. Made again where the cache cannot be read or written.
    """
    spec = robot_spec('full')
    path = cache_dir('urdf') / f'{_description_key(spec)}.urdf'
    with contextlib.suppress(OSError):
        return path.read_text()
    text = urdf_from_model(spec.compile())
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile('w', dir=path.parent, delete=False) as f:
            f.write(text)  # then renamed: several simulators may start at once
        os.replace(f.name, path)
    return text


def _description_key(spec):
    digest = hashlib.sha256(mujoco.__version__.encode())
    for source in (ROBOT_XML, Path(__file__), Path(robot.__file__)):
        digest.update(source.read_bytes())
    for mesh in spec.meshes:
        stat = Path(mesh.file).stat()
        digest.update(f'{mesh.file} {stat.st_size} {stat.st_mtime_ns}'.encode())
    return digest.hexdigest()[:32]
