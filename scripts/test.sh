#!/usr/bin/env bash
# Set up if needed, then run every test: pytest over src/*/test and test/ (ament flake8 / pep257
# / copyright lint tests included). Extra arguments go to pytest.
exec bash "$(dirname "${BASH_SOURCE[0]}")/with_env.sh" python -m pytest "$@"
