# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The workspace's tests get their settings, fixtures and tiers from franka_hil_test_utils.

That package's pytest plugin loads through its entry point wherever it is installed (after
`bash scripts/setup.sh`, with `scripts/env.sh` sourced), so each package's tests run alone as
well. Here only a clear error when it is missing, instead of a test failing on a fixture.
"""

import pytest


def pytest_configure(config):
    if not config.pluginmanager.has_plugin('franka_hil'):
        raise pytest.UsageError(
            'the franka_hil pytest plugin (package franka_hil_test_utils) is not loaded: run '
            '`bash scripts/test.sh`, or `bash scripts/setup.sh` and `source scripts/env.sh` first'
        )
