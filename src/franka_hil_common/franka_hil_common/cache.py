# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Where franka-hil keeps files it can make again: $XDG_CACHE_HOME/franka_hil (~/.cache)."""

from collections.abc import Mapping
import os
from pathlib import Path


def cache_dir(*parts: str, environ: Mapping[str, str] = os.environ) -> Path:
    """Return the cache folder, or a folder below it (not created here)."""
    home = environ.get('XDG_CACHE_HOME') or str(Path.home() / '.cache')
    return Path(home, 'franka_hil', *parts)
