# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""ament_pep257 over this package (ROS 2 style)."""

from pathlib import Path

from ament_pep257.main import main
import pytest

PACKAGE = Path(__file__).resolve().parents[1]


@pytest.mark.linter
@pytest.mark.pep257
def test_pep257():
    rc = main(argv=[str(PACKAGE / 'franka_hil_common'), str(PACKAGE / 'test')])
    assert rc == 0, 'Found code style errors / warnings'
