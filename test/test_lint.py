# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Lint for the Python files outside the ROS packages (training/ too), and every license header.

The ROS packages lint themselves (their test_flake8 / test_pep257 / test_copyright).
"""

from pathlib import Path

from ament_pep257.main import main as pep257_main
from franka_hil_test_utils.lint import flake8_errors
import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE_PACKAGES = [
    p
    for p in (
        ROOT / 'test',
        ROOT / 'bench',
        ROOT / 'scripts',
        ROOT / 'launch',
        ROOT / 'training',
        ROOT / 'conftest.py',
    )
    if p.exists()
]
HEADER = '# Copyright 2026 franka-hil developers\n# SPDX-License-Identifier: Apache-2.0\n'


@pytest.mark.linter
def test_flake8_outside_packages():
    rc, errors = flake8_errors([str(p) for p in OUTSIDE_PACKAGES])
    assert rc == 0, '\n'.join(errors)


@pytest.mark.linter
def test_pep257_outside_packages():
    assert pep257_main(argv=[str(p) for p in OUTSIDE_PACKAGES]) == 0


@pytest.mark.linter
def test_every_python_file_has_the_license_header(run_process):
    tracked = run_process(
        ['git', 'ls-files', '--cached', '--others', '--exclude-standard', '*.py'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    missing = [f for f in tracked.stdout.split() if not (ROOT / f).read_text().startswith(HEADER)]
    assert not missing, f'files without the license header: {missing}'
