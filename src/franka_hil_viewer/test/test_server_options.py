# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The web viewer stays off the internet and sends no usage analytics unless asked to."""

import json
from urllib.parse import parse_qs, urlsplit

from franka_hil_viewer.analytics import rerun_environment
from franka_hil_viewer.page import without_off_origin_links
from franka_hil_viewer.server import rerun_program, web_url


def test_the_address_keeps_the_page_off_rerun_io():
    url = urlsplit(web_url('127.0.0.1', 9090, 9876))
    query = parse_qs(url.query, keep_blank_values=True)
    assert query['url'] == ['rerun+http://127.0.0.1:9876/proxy']
    assert query['notebook'] == ['true']  # the embedded mode
    assert 'hide_welcome_screen' in query
    assert query['manifest_url'][0].startswith('/')  # our server, not rerun.io's examples


def test_the_rerun_program_runs_with_analytics_off_unless_forced(run_process, tmp_path):
    environ = {'XDG_CACHE_HOME': str(tmp_path), 'PATH': '/usr/bin:/bin', 'HOME': str(tmp_path)}
    shown = run_process(
        [rerun_program(), 'analytics', 'config'],
        capture_output=True,
        text=True,
        timeout=60,
        env=rerun_environment(environ),
    )
    assert json.loads(shown.stdout)['analytics_enabled'] is False, shown.stdout + shown.stderr
    assert 'Welcome to Rerun' not in shown.stdout + shown.stderr
    forced = dict(environ, FORCE_RERUN_ANALYTICS='1')
    assert rerun_environment(forced) == forced  # the user's choice, untouched


def test_the_served_page_keeps_its_own_links_and_loses_the_others():
    page = (
        '<head>\n    <link rel="icon" href="favicon.ico" />\n'
        '    <link rel="preconnect" href="https://fonts.gstatic.com" crossorigin />\n'
        '    <link\n      href="https://fonts.googleapis.com/css2?family=Inter"\n'
        '      rel="stylesheet"\n    />\n    <title>Rerun Viewer</title>\n</head>'
    )
    kept = '<head>\n    <link rel="icon" href="favicon.ico" />\n    <title>Rerun Viewer</title>'
    assert without_off_origin_links(page) == kept + '\n</head>'
