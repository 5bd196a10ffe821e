#!/usr/bin/env bash
# Idempotent set-up of the pip-only route: Debian packages, a pinned venv with ROS 2 Kilted
# wheels, the wheels' CMake fix-up, and `colcon build`. Each step is skipped when its inputs
# have not changed, so a second run with nothing changed takes a few seconds.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv="$root/.venv"
stamps="$venv/.franka_hil"
say() { printf '[setup] %s\n' "$*"; }

# 1. Debian packages: headless GL for MuJoCo, X/terminal test tools, chromium (browser tests of
#    the web view), a compiler and CMake.
apt_pkgs=(python3-venv python3-dev cmake g++ make git libegl1 libegl-mesa0 libgl1-mesa-dri
          libosmesa6 libglfw3 xvfb xdotool tmux chromium)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  say "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. The venv, pinned. The interpreter: the one given as PYTHON=..., else the system's python3;
#    a version we test (3.11, 3.12 or 3.13: the ROS 2 Kilted wheels exist for those).
python=${PYTHON:-python3}
pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || pyver=
case $pyver in
  3.11 | 3.12 | 3.13) ;;
  *) say "need Python 3.11, 3.12 or 3.13, but $python is ${pyver:+Python }${pyver:-not a runnable Python} (give one: PYTHON=/path/to/python3.X bash scripts/setup.sh)"
     exit 1 ;;
esac

# A venv of another Python version is made again, and so is the build (CMake caches and the
# C extension name the interpreter).
if [ -x "$venv/bin/python" ]; then
  venv_ver=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || venv_ver=
  if [ "$venv_ver" != "$pyver" ]; then
    say ".venv is Python ${venv_ver:-(broken)}, not $pyver: making it again, and the build"
    rm -rf "$venv" build install
  fi
fi
[ -x "$venv/bin/python" ] || { say "creating $venv with $python (Python $pyver)"; "$python" -m venv "$venv"; }
mkdir -p "$stamps"
req_hash=$( { echo "$pyver"; cat requirements.txt constraints.txt; } | sha256sum | cut -c1-16)
if [ "$(cat "$stamps/requirements" 2>/dev/null)" != "$req_hash" ]; then
  say "installing Python packages for Python $pyver (requirements.txt, pinned by constraints.txt)"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -r requirements.txt -c constraints.txt
  # The ROS wheels' CMake exports name the wheel builder's Python include dirs: point them here.
  "$venv/bin/python" scripts/fix_ros_wheels.py "$venv"
  echo "$req_hash" > "$stamps/requirements"
fi

# 2b. Our training package (training/, pip-installed editable, no dependencies): the workspace's
#     tests import its ROS- and torch-free parts. The routes' venvs get it too
#     (scripts/outside_venv.sh).
training_hash=$(cat training/pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$stamps/training" 2>/dev/null)" != "$training_hash" ]; then
  say "pip install -e training"
  "$venv/bin/python" -m pip install -q --no-deps -e training
  echo "$training_hash" > "$stamps/training"
fi

# 3. colcon build, when any package source changed. tf2_msgs is built from compat/ only where
#    no tf2_msgs is installed (always true for the pip route).
export AMENT_PREFIX_PATH="$venv" CMAKE_PREFIX_PATH="$venv" VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH"
base_paths=(src)
[ -d "$venv/share/tf2_msgs" ] || base_paths+=(compat)
# (the Python requirements count too: the controller extension is built against the mujoco wheel)
src_hash=$( { find "${base_paths[@]}" config launch colcon.meta -type f -not -name '*.pyc' \
                -not -name '*.so' -printf '%P %s %T@\n' | sort; cat "$stamps/requirements"; } \
            | sha256sum | cut -c1-16)
if [ "$(cat "$stamps/build" 2>/dev/null)" != "$src_hash" ] || [ ! -f install/setup.bash ]; then
  say "colcon build (${base_paths[*]})"
  mkdir -p build
  colcon --log-base build/log build --base-paths "${base_paths[@]}" --symlink-install \
    --event-handlers console_direct- console_stderr- summary+ >build/colcon.log 2>&1 \
    || { cat build/colcon.log; say "colcon build failed (log above)"; exit 1; }
  echo "$src_hash" > "$stamps/build"
fi
say "ready: source scripts/env.sh"
