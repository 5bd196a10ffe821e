#!/usr/bin/env bash
# Env benchmark: our franka_hil/ envs against gym-hil 0.1.14, alternating, in one run.
# gym-hil lives in its own venv (.venv-bench, created once) so the pinned .venv stays untouched;
# if it cannot be installed the bench still prints our numbers and says so.
# Usage: bash bench/run_env_bench.sh [bench_env.py options, e.g. --rounds 3]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_venv="$root/.venv-bench"
stamp="$bench_venv/.requirements"
baseline=()
if [ -x "$bench_venv/bin/python" ] && cmp -s "$root/bench/requirements.txt" "$stamp"; then
  baseline=(--baseline-python "$bench_venv/bin/python")
else
  echo "[bench] installing gym-hil into $bench_venv (once)"
  if { [ -x "$bench_venv/bin/python" ] || python3 -m venv "$bench_venv"; } \
      && "$bench_venv/bin/python" -m pip install -q -r "$root/bench/requirements.txt"; then
    cp "$root/bench/requirements.txt" "$stamp"
    baseline=(--baseline-python "$bench_venv/bin/python")
  else
    echo "[bench] gym-hil could not be installed: measuring our envs only" >&2
  fi
fi
exec bash "$root/scripts/with_env.sh" python "$root/bench/bench_env.py" "${baseline[@]}" "$@"
