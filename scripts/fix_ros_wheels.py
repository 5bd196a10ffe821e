# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Point the ROS wheels' CMake exports at this interpreter's Python and numpy include dirs.

The ros-*-msgs wheels are built in a manylinux container and their CMake export files name
that container's paths (/opt/python/cpXY-cpXY/...). Building our own interfaces against
them needs this interpreter's paths instead. Idempotent.
"""

from pathlib import Path
import re
import sys
import sysconfig

import numpy

BUILDER_PYTHON = re.compile(r'/opt/python/cp\d+-cp\d+/include/python[\d.]+')
BUILDER_NUMPY = re.compile(
    r'/opt/python/cp\d+-cp\d+/lib/python[\d.]+/site-packages/numpy/_core/include'
)


def main(venv):
    python_include = sysconfig.get_paths()['include']
    numpy_include = numpy.get_include()
    fixed = 0
    for path in Path(venv, 'share').glob('*/cmake/*.cmake'):
        text = path.read_text()
        new = BUILDER_NUMPY.sub(numpy_include, BUILDER_PYTHON.sub(python_include, text))
        if new != text:
            path.write_text(new)
            fixed += 1
    print(f'[setup] fixed {fixed} CMake export files of the ROS wheels')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else sys.prefix)
