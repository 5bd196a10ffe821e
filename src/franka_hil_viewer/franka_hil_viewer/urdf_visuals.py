# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The visual part of a URDF (robot_description), read without ROS.

Each link's <visual> elements become Visual records: the shape (box, cylinder, sphere or mesh),
its origin in the link frame, a colour (the visual's own material, or a named top-level one)
and, for meshes, the resolved file path and scale. Only file:// URIs and plain paths name a
mesh file here (package:// needs a ROS package index); meshes that cannot be found are
reported as skipped, with the reason.
"""

from dataclasses import dataclass
import math
from pathlib import Path
from urllib.parse import unquote, urlparse
import xml.etree.ElementTree as ET

import numpy as np

DEFAULT_RGBA = (0.7, 0.7, 0.7, 1.0)


@dataclass(frozen=True)
class Visual:
    """One visual element of a link: what to draw, where in the link frame, in which colour."""

    link: str
    index: int
    shape: str  # 'box', 'cylinder', 'sphere' or 'mesh'
    size: tuple  # box: edge lengths xyz; cylinder: (radius, length); sphere: (radius,)
    position: tuple  # origin in the link frame (m)
    quaternion: tuple  # origin rotation, xyzw
    rgba: tuple
    mesh_path: str = ''  # mesh: the file to load
    scale: tuple = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class RobotModel:
    """Links and their visuals, plus visuals that cannot be drawn here, with the reason."""

    name: str
    links: tuple
    visuals: tuple
    skipped: tuple


def quaternion_from_rpy(roll, pitch, yaw):
    """Quaternion xyzw of URDF's fixed-axis roll, pitch, yaw (R = Rz(yaw) Ry(pitch) Rx(roll))."""
    cr, sr = math.cos(roll / 2), math.sin(roll / 2)
    cp, sp = math.cos(pitch / 2), math.sin(pitch / 2)
    cy, sy = math.cos(yaw / 2), math.sin(yaw / 2)
    return (
        sr * cp * cy - cr * sp * sy,
        cr * sp * cy + sr * cp * sy,
        cr * cp * sy - sr * sp * cy,
        cr * cp * cy + sr * sp * sy,
    )


def _floats(text, count, default):
    if text is None or not text.strip():
        return tuple(default)
    values = tuple(float(v) for v in text.split())
    if len(values) != count:
        raise ValueError(f'expected {count} numbers, got {text!r}')
    return values


def _origin(element):
    origin = element.find('origin')
    if origin is None:
        return (0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0)
    xyz = _floats(origin.get('xyz'), 3, (0.0, 0.0, 0.0))
    rpy = _floats(origin.get('rpy'), 3, (0.0, 0.0, 0.0))
    return xyz, quaternion_from_rpy(*rpy)


def _material_rgba(material, named):
    if material is None:
        return None
    color = material.find('color')
    if color is not None:
        return _floats(color.get('rgba'), 4, DEFAULT_RGBA)
    return named.get(material.get('name'))


def mesh_path(uri, base_dir=None):
    """Return the local file a mesh filename names, or raise ValueError saying why not."""
    parsed = urlparse(uri)
    if parsed.scheme == 'file':
        return unquote(parsed.path)
    if parsed.scheme == '':
        path = Path(uri)
        return str(path if path.is_absolute() or base_dir is None else Path(base_dir) / path)
    raise ValueError(f'mesh {uri!r}: only file:// URIs and paths are resolved here')


def parse_urdf(text, base_dir=None):
    """Read a URDF's links and visuals; raise ValueError when it is not a URDF."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise ValueError(f'robot_description is not XML: {error}') from None
    if root.tag != 'robot':
        raise ValueError(f'robot_description root is <{root.tag}>, not <robot>')
    named = {}
    for material in root.findall('material'):
        rgba = _material_rgba(material, {})
        if rgba is not None:
            named[material.get('name')] = rgba
    links, visuals, skipped = [], [], []
    for link in root.findall('link'):
        name = link.get('name')
        links.append(name)
        for index, visual in enumerate(link.findall('visual')):
            position, quaternion = _origin(visual)
            rgba = _material_rgba(visual.find('material'), named) or DEFAULT_RGBA
            geometry = visual.find('geometry')
            shape = geometry[0] if geometry is not None and len(geometry) else None
            common = {
                'link': name,
                'index': index,
                'position': position,
                'quaternion': quaternion,
                'rgba': tuple(rgba),
            }
            if shape is None:
                skipped.append(f'{name} visual {index}: no geometry')
            elif shape.tag == 'box':
                visuals.append(
                    Visual(shape='box', size=_floats(shape.get('size'), 3, ()), **common)
                )
            elif shape.tag == 'cylinder':
                visuals.append(
                    Visual(
                        shape='cylinder',
                        size=(float(shape.get('radius')), float(shape.get('length'))),
                        **common,
                    )
                )
            elif shape.tag == 'sphere':
                visuals.append(
                    Visual(shape='sphere', size=(float(shape.get('radius')),), **common)
                )
            elif shape.tag == 'mesh':
                try:
                    path = mesh_path(shape.get('filename', ''), base_dir)
                except ValueError as error:
                    skipped.append(f'{name} visual {index}: {error}')
                    continue
                if not Path(path).is_file():
                    skipped.append(f'{name} visual {index}: mesh file {path} not found')
                    continue
                visuals.append(
                    Visual(
                        shape='mesh',
                        size=(),
                        mesh_path=path,
                        scale=_floats(shape.get('scale'), 3, (1.0, 1.0, 1.0)),
                        **common,
                    )
                )
            else:
                skipped.append(f'{name} visual {index}: <{shape.tag}> is not drawn')
    return RobotModel(root.get('name', ''), tuple(links), tuple(visuals), tuple(skipped))


def quaternion_multiply(a, b):
    """Hamilton product of two xyzw quaternions."""
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return (
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    )


def rotate(quaternion, vector):
    """
    Rotate a 3-vector by an xyzw quaternion; return an array.

    In plain floats: for one 3-vector numpy's per-call cost is most of the time (the viewer
    rotates once per frame each time it draws the robot, many times a second).
    """
    x, y, z, w = quaternion
    vx, vy, vz = (float(c) for c in vector)
    # v' = v + w t + u x t, with t = 2 u x v (u the vector part).
    tx, ty, tz = 2.0 * (y * vz - z * vy), 2.0 * (z * vx - x * vz), 2.0 * (x * vy - y * vx)
    return np.array(
        (
            vx + w * tx + y * tz - z * ty,
            vy + w * ty + z * tx - x * tz,
            vz + w * tz + x * ty - y * tx,
        )
    )
