#!/usr/bin/env bash
# Makes the Stable-Baselines3 venv (default .venv-sb3, git-ignored; SB3_VENV=DIR puts it
# elsewhere) as SB3's docs make one: `pip install stable-baselines3` (torch from PyPI as pip
# picks it; pytest for test/test_sb3_hil_buffer.py), then the ROS 2 client wheels our env imports at the workspace's versions, changing
# nothing SB3's install chose. Our packages come from install/ (scripts/venv_env.sh), never
# pip-installed. Idempotent: made again only when this recipe changes. Prints the venv's path.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv=${SB3_VENV:-$root/.venv-sb3}
SB3='stable-baselines3==2.9.2 pytest'
ROS_WHEELS='ros-rclpy ros-rmw-fastrtps-cpp ros-std-msgs ros-std-srvs ros-sensor-msgs
ros-geometry-msgs ros-visualization-msgs ros-rosgraph-msgs'
say() { printf '[sb3_venv] %s\n' "$*" >&2; }

python=$(readlink -f .venv/bin/python3)  # install/'s typesupport is built for this Python
stamp="$venv/.franka_hil_sb3"
want=$( { echo "$SB3 $ROS_WHEELS $python"; cat constraints.txt; } | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  start=$SECONDS
  if [ -e "$venv" ]; then say "removing $venv (made by another recipe)"; rm -rf "$venv"; fi
  say "creating $venv ($python)"
  "$python" -m venv "$venv"
  pip_tmp=$(mktemp -d "${TMPDIR:-/tmp}/sb3_venv_pip.XXXXXX")
  trap 'rm -rf "$pip_tmp"' EXIT
  pip=(env TMPDIR="$pip_tmp" "$venv/bin/python" -m pip)
  "${pip[@]}" install -q --upgrade pip >&2
  say "pip install $SB3 (torch from PyPI)"
  # shellcheck disable=SC2086
  "${pip[@]}" install -q $SB3 >&2
  "${pip[@]}" freeze --all | sort > "$venv/sb3-freeze.txt"
  say "pip install the ROS 2 client wheels (the workspace's versions)"
  "$venv/bin/python" scripts/missing_constraints.py constraints.txt > "$venv/ros-constraints.txt"
  # shellcheck disable=SC2086
  "${pip[@]}" install -q $ROS_WHEELS -c "$venv/ros-constraints.txt" >&2
  changed=$("${pip[@]}" freeze --all | sort | comm -23 "$venv/sb3-freeze.txt" - || true)
  if [ -n "$changed" ]; then
    say "FAILED: the ROS wheels changed what SB3's install chose:"; echo "$changed" >&2; exit 1
  fi
  "${pip[@]}" check >&2
  "$venv/bin/python" -c 'import rclpy, stable_baselines3, torch; print(
      "[sb3_venv] stable-baselines3", stable_baselines3.__version__, "torch", torch.__version__)' >&2
  echo "$want" > "$stamp"
  say "$venv ready in $((SECONDS - start)) s ($(du -sh "$venv" | cut -f1))"
fi
echo "$venv"
