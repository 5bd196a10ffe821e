#!/usr/bin/env bash
# Set up if needed, then run every test: pytest over src/*/test and test/ (ament flake8 / pep257
# / copyright lint tests included), on FRANKA_HIL_TEST_WORKERS (default 3) pytest-xdist workers,
# each in a DDS domain of its own; tests sharing a module's or a session's fixture run on one
# worker (docs/testing.md). Extra arguments go to pytest; `-n 0` runs in this one process.
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: pytest then keeps the test
# modules with their asserts rewritten, which every worker otherwise redoes (4 s of CPU each).
exec env -u PYTHONDONTWRITEBYTECODE bash "$(dirname "${BASH_SOURCE[0]}")/with_env.sh" \
  python -m pytest -n "${FRANKA_HIL_TEST_WORKERS:-3}" --dist loadgroup "$@"
