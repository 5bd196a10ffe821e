# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The public API type-checks: mypy over the envs, the vocabulary, the intervener, the encoder.

Modules: franka_hil_common, the Gymnasium envs, HilSession, the intervener, the pixel encoder
and the scene hash it is keyed by.

These modules are annotated in full (pyproject.toml's [tool.mypy] disallows unannotated
functions); the modules they import are read for their types, their own errors not reported.
Run by hand: `bash scripts/with_env.sh mypy` followed by the paths below.
"""

from pathlib import Path
import sys

from franka_hil_common.cache import cache_dir
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MYPY_CACHE = cache_dir('mypy')
PUBLIC_API = [
    'src/franka_hil_common/franka_hil_common',
    'src/franka_hil_sim/franka_hil_sim/core/envs.py',
    'src/franka_hil_sim/franka_hil_sim/core/session.py',
    'src/franka_hil_gym_bridge/franka_hil_gym_bridge/env.py',
    'src/franka_hil_teleop/franka_hil_teleop/intervener.py',
    'src/franka_hil_sim/franka_hil_sim/core/scene_id.py',
    'training/franka_hil_training/vision',
]


@pytest.mark.linter
@pytest.mark.slow
def test_mypy_on_the_public_api(run_process):
    pytest.importorskip('mypy')
    # mypy's incremental cache outside the tree (read-only for tests): a cold run takes 13-15 s
    # of CPU, one with the cache warm about 2 s. mypy checks each cached module against its file.
    result = run_process(
        [
            sys.executable,
            '-m',
            'mypy',
            '--config-file',
            'pyproject.toml',
            '--cache-dir',
            str(MYPY_CACHE),
            *PUBLIC_API,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pre_commit_hook_checks_the_same_modules():
    config = yaml.safe_load((ROOT / '.pre-commit-config.yaml').read_text())
    (hook,) = [h for repo in config['repos'] for h in repo['hooks'] if h['id'] == 'mypy']
    assert hook['entry'].split()[3:] == PUBLIC_API
