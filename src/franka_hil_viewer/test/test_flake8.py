# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""ament_flake8 over this package (ROS 2 style, with the formatter's one ignore)."""

from pathlib import Path

from franka_hil_test_utils.lint import flake8_errors
import pytest


@pytest.mark.flake8
@pytest.mark.linter
def test_flake8():
    rc, errors = flake8_errors([str(Path(__file__).resolve().parents[1])])
    assert rc == 0, 'Found %d code style errors / warnings:\n' % len(errors) + '\n'.join(errors)
