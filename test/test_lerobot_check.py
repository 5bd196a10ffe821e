# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Opt-in: LeRobot's HIL-SERL on our graph, for real (`franka-hil-check-lerobot`, all four parts).

It runs in LeRobot's own venv (LEROBOT_VENV, default .venv-lerobot), which
`bash scripts/check_lerobot.sh` makes (a few GB) and then runs the same check in; making that
venv is the opt-in. Without it the test reports itself skipped with that reason (the plugin's
`lerobot_venv` fixture, which marks it `outside_venv`). A venv made for
Python 3.11 is LeRobot 0.4.4's (`--lerobot 0.4.4`), any other LeRobot 0.6.x's; on Debian 12 the
0.6 venv lives in the Debian 13 root, not here, so there this test runs 0.4.4 or nothing. About
2 to 10 minutes on two cores (0.4.4 here: 139 s).
"""

import os
from pathlib import Path
import subprocess

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_lerobot_hil_serl_runs_on_the_graph(lerobot_venv, run_process, tmp_path):
    # a venv made for Python 3.11 holds LeRobot 0.4.4 (--lerobot 0.4.4); else LeRobot 0.6.x
    version = '0.4.4' if any(lerobot_venv.glob('lib/python3.11')) else '0.6'
    done = run_process(
        [
            'bash',
            str(ROOT / 'scripts' / 'check_lerobot.sh'),
            '--lerobot',
            version,
            '--workdir',
            str(tmp_path / 'check'),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=1800,
        env=dict(os.environ, LEROBOT_VENV=str(lerobot_venv)),
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert '[lerobot_check] all checks passed' in done.stdout
