# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
ament_flake8 with ament's own settings, less E203, for the tree ruff formats.

ruff format (pyproject.toml) writes PEP 8's spacing in slices with expressions, `x[a + 1 :]`,
which pycodestyle's E203 flags; every other ament setting stays as ament ships it.
"""

from pathlib import Path
import sys
import tempfile

import ament_flake8
from ament_flake8.main import main_with_errors

FORMATTER_CONFLICTS = 'E203'


def flake8_errors(paths: list[str]) -> tuple[int, list[str]]:
    """Run ament_flake8 over `paths` with ament's configuration plus the formatter's ignore."""
    ament_ini = Path(ament_flake8.__file__).parent / 'configuration' / 'ament_flake8.ini'
    lines = ament_ini.read_text().splitlines()
    config = '\n'.join(
        f'{line},{FORMATTER_CONFLICTS}' if line.startswith('extend-ignore') else line
        for line in lines
    )
    with tempfile.NamedTemporaryFile('w', suffix='.ini') as ini:
        ini.write(config + '\n')
        ini.flush()
        return main_with_errors(argv=['--config', ini.name, *paths])


def main() -> int:
    """Command-line entry for pre-commit: lint the given files, print the errors."""
    rc, _ = flake8_errors(sys.argv[1:])
    return rc


if __name__ == '__main__':
    sys.exit(main())
