# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Where the workspace is, and how to run its commands (hil_demo, bringup...) from a route."""

import os
from pathlib import Path
import subprocess

# The repository (out/, scripts/env.sh, install/): this package is installed editable from its
# training/ folder; FRANKA_HIL_ROOT says where it is otherwise.
ROOT = Path(os.environ.get('FRANKA_HIL_ROOT') or Path(__file__).resolve().parents[2])
ENV_SCRIPT = ROOT / 'scripts' / 'env.sh'


def shell_command(command):
    """Return the bash argv that runs `command` (argv) in the workspace environment."""
    return ['bash', '-c', f'source "{ENV_SCRIPT}" && exec "$@"', 'workspace', *command]


def run_in_workspace(command, log_path=None, timeout=None, **popen):
    """
    Run `command` (argv) with the workspace environment (scripts/env.sh).

    Without `log_path`: wait, return the CompletedProcess (text output captured). With it: start,
    output into that file, return the Popen.
    """
    argv = shell_command(command)
    if log_path is None:
        return subprocess.run(
            argv,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    with open(log_path, 'wb') as log:
        return subprocess.Popen(
            argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **popen
        )
