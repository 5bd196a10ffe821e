# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Rerun's usage analytics off for our processes, unless the user turns them on.

rerun-sdk 0.41 reads one switch, `analytics_enabled` in <XDG_CONFIG_HOME>/rerun/analytics.json,
which its first run creates enabled (printing its welcome banner); FORCE_RERUN_ANALYTICS=1 turns
analytics on whatever the file says. The `rerun` program we start (the web viewer's server; the
SDK writing recordings here sends nothing) reads a config of our own with analytics disabled
instead: no banner, no usage data, and the user's own rerun config is left as it is.
FORCE_RERUN_ANALYTICS=1 is honoured.
"""

import json
import os
import tempfile

from franka_hil_common.cache import cache_dir

FORCE = 'FORCE_RERUN_ANALYTICS'


def private_config_home(environ=os.environ):
    """Return the folder our processes use as XDG_CONFIG_HOME for rerun."""
    return cache_dir('rerun_config', environ=environ)


def rerun_environment(environ=os.environ):
    """Return `environ` for a rerun program: analytics off unless the user forces them."""
    if environ.get(FORCE, '').strip().lower() in ('1', 'true', 'yes', 'on'):
        return dict(environ)
    home = private_config_home(environ)
    config = home / 'rerun' / 'analytics.json'
    if not config.is_file():
        config.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            {
                'analytics_enabled': False,
                'analytics_id': '',
                'metadata': {},
                'config_file_path': str(config),
                'data_dir_path': str(home / 'rerun' / 'analytics'),
            }
        )
        with tempfile.NamedTemporaryFile('w', dir=config.parent, delete=False) as f:
            f.write(text)  # then renamed: several processes may start at once
        os.replace(f.name, config)
    return dict(environ, XDG_CONFIG_HOME=str(home))
