# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""ament_copyright over this package, where it is installed (full ROS 2 install)."""

from pathlib import Path

import pytest

ament_copyright = pytest.importorskip(
    'ament_copyright.main',
    reason='ament_copyright is not on PyPI, only in a full ROS 2 install '
    '(test/test_lint.py checks the license header of every file everywhere)',
)

PACKAGE = Path(__file__).resolve().parents[1]


@pytest.mark.copyright
@pytest.mark.linter
def test_copyright():
    rc = ament_copyright.main(argv=[str(PACKAGE / 'franka_hil_ros_common'), str(PACKAGE / 'test')])
    assert rc == 0, 'Found errors'
