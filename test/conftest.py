# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
What the workspace's integration tests share: one demo recording and its conversion for review.

Recording a demo episode starts the whole graph (about 20 s on 2 cores); bag_to_rerun's test and
the browser's review test read the same bag and .rrd file, so it is made once a session.
"""

import subprocess
import sys

from ament_index_python.packages import get_package_prefix
import pytest


@pytest.fixture(scope='session')
def demo_recording(run_process, tmp_path_factory):
    """Record one demo episode of the real graph (no viewer); give its output folder."""
    out = tmp_path_factory.mktemp('demo') / 'run'
    done = run_process(
        [
            sys.executable,
            '-m',
            'franka_hil_sim.bringup.demo',
            '--episodes',
            '1',
            '--out',
            str(out),
            '--timeout',
            '120',
            'viewer:=none',
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope='session')
def demo_review(run_process, demo_recording):
    """Convert the demo's bag with the installed bag_to_rerun; give (.rrd path, its run)."""
    output = demo_recording.parent / 'review.rrd'
    script = f'{get_package_prefix("franka_hil_viewer")}/lib/franka_hil_viewer/bag_to_rerun'
    done = run_process(
        [script, str(demo_recording / 'bag'), str(output)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return output, done
