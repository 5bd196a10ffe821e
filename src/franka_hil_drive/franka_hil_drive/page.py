# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""The driving page's HTML: the static template with the key list and the page's settings."""

from html import escape
import json
from pathlib import Path

from franka_hil_drive import joy

TEMPLATE = Path(__file__).resolve().parent / 'static' / 'drive.html'


def build_page(drivable, deflection, fine_deflection, full_speed) -> str:
    """Return the page: every key the page reads, and the speeds they give (m/s)."""
    if drivable:
        rows = ''.join(
            f'<tr><td>{escape(key)}</td><td>{escape(what)}</td></tr>' for key, what in joy.KEY_HELP
        )
        help_html = (
            f'<table>{rows}</table><p>Speed: {deflection * full_speed:.3g} m/s, fine '
            f'{fine_deflection * full_speed:.3g} m/s. {escape(joy.PAD_HELP)}.</p>'
        )
    else:
        help_html = (
            '<p>Watch only: this graph is not driven from the browser '
            '(teleop:=browser drives).</p>'
        )
    keys = sorted(
        {*joy.MOTION_KEYS, *joy.TRIGGER_KEYS, *joy.BUTTON_KEYS, *joy.FINE_KEYS, joy.TOGGLE_KEY}
    )
    config = json.dumps({'keys': keys, 'drivable': drivable}).replace('<', '\\u003c')
    return TEMPLATE.read_text().replace('<!--HELP-->', help_html).replace('<!--CONFIG-->', config)
