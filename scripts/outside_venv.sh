# Source this (bash) from a script that made `say`: how a venv for an outside stack (LeRobot,
# Stable-Baselines3) is made. The stack goes in as its users install it; then the ROS 2 client
# wheels our packages import, at the workspace's versions (constraints.txt), adding packages
# only; our packages come from install/ (scripts/venv_env.sh). Made again only when the recipe
# changes. Use: outside_venv_begin VENV NAME RECIPE || skip; (install the stack with
# "${pip[@]}"); outside_venv_add_ros VENV NAME; (check imports); outside_venv_end VENV NAME;
# then, made or not, outside_venv_add_training VENV (our training package, editable).
OUTSIDE_ROS_WHEELS='ros-rclpy ros-rmw-fastrtps-cpp ros-std-msgs ros-std-srvs ros-sensor-msgs
ros-geometry-msgs ros-visualization-msgs ros-rosgraph-msgs'
_outside_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# install/ holds message typesupport built for the workspace's interpreter: the venv uses it
_outside_python=$(readlink -f "$_outside_root/.venv/bin/python3")

_outside_recipe() {
  { echo "$1 $OUTSIDE_ROS_WHEELS $_outside_python"; cat "$_outside_root/constraints.txt"; } \
    | sha256sum | cut -c1-16
}

# outside_venv_begin VENV NAME RECIPE: fails when VENV is already made by RECIPE (text naming
# what is installed); else makes it afresh and sets pip=(...), downloads in a temp dir of ours
# (an interrupted pip leaves its pip-unpack-* dirs behind; GBs of torch wheels).
outside_venv_begin() {
  _outside_want=$(_outside_recipe "$3")
  [ "$(cat "$1/.franka_hil_$2" 2>/dev/null)" != "$_outside_want" ] || return 1
  _outside_start=$SECONDS
  if [ -e "$1" ]; then say "removing $1 (made by another recipe)"; rm -rf "$1"; fi
  say "creating $1 ($_outside_python)"
  "$_outside_python" -m venv "$1"
  _outside_tmp=$(mktemp -d "${TMPDIR:-/tmp}/$2_pip.XXXXXX")
  trap 'rm -rf "$_outside_tmp"' EXIT
  pip=(env TMPDIR="$_outside_tmp" "$1/bin/python" -m pip)
  "${pip[@]}" install -q --upgrade pip
}

# outside_venv_add_ros VENV NAME: the ROS 2 client wheels; fails if they change the stack.
outside_venv_add_ros() {
  "${pip[@]}" freeze --all | sort > "$1/$2-freeze.txt"
  say "pip install the ROS 2 client wheels (the workspace's versions)"
  "$1/bin/python" "$_outside_root/scripts/missing_constraints.py" \
    "$_outside_root/constraints.txt" > "$1/ros-constraints.txt"
  # shellcheck disable=SC2086
  "${pip[@]}" install -q $OUTSIDE_ROS_WHEELS -c "$1/ros-constraints.txt"
  local changed
  changed=$("${pip[@]}" freeze --all | sort | comm -23 "$1/$2-freeze.txt" - || true)
  if [ -n "$changed" ]; then
    say "FAILED: the ROS wheels changed what the $2 install chose:"; echo "$changed"; return 1
  fi
  "${pip[@]}" check
}

# outside_venv_end VENV NAME: stamp the recipe.
outside_venv_end() {
  rm -rf "$_outside_tmp"
  echo "$_outside_want" > "$1/.franka_hil_$2"
  say "$1 ready in $((SECONDS - _outside_start)) s ($(du -sh "$1" | cut -f1))"
}

# outside_venv_add_training VENV: this checkout's training package (training/, with its
# franka-hil-* commands) installed editable, no dependencies (the venv's stack is its own);
# again only when training/pyproject.toml or the checkout changes.
outside_venv_add_training() {
  local want
  [ -x "$1/bin/python" ] || { echo "no venv at $1" >&2; return 1; }
  want="$_outside_root $(sha256sum < "$_outside_root/training/pyproject.toml" | cut -c1-16)"
  [ "$(cat "$1/.franka_hil_training" 2>/dev/null)" != "$want" ] || return 0
  echo "[outside_venv] pip install -e training into $1"
  "$1/bin/python" -m pip install -q --no-deps -e "$_outside_root/training"
  echo "$want" > "$1/.franka_hil_training"
}
