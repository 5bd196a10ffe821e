#!/usr/bin/env bash
# Opt-in check (not part of CI): LeRobot's HIL-SERL env path on our graph, for real.
#
# Sets up a LeRobot venv of its own (default .venv-lerobot, git-ignored; LEROBOT_VENV=DIR puts it
# elsewhere) next to the workspace, then runs scripts/lerobot_check.py in it, which starts the
# graph itself and stops it. Idempotent: the set-up is skipped while this script, requirements.txt
# and constraints.txt are unchanged (a second run costs the check alone, about a minute).
# Arguments go to lerobot_check.py (--skip-record, --workdir DIR, --timeout S).
#
# Why the venv looks like this: LeRobot >= 0.5 needs Python >= 3.12, and the workspace (ROS
# wheels, colcon install/) is Python 3.11, so LeRobot 0.4.4 is the newest that can import our
# packages. Its pins (torch < 2.11, torchvision < 0.26) and gym-hil's (mujoco < 3.9; our sim
# needs the workspace's mujoco 4.0.0) cannot all hold, so both are installed without their
# dependencies, which are installed here with those pins lifted. torch comes first and alone:
# point pip at a CPU build with TORCH_PIP_ARGS (e.g. --index-url URL) where the default would be
# a multi-GB CUDA one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv=${LEROBOT_VENV:-$root/.venv-lerobot}
LEROBOT=lerobot==0.4.4
GYM_HIL=gym-hil==0.1.14
TORCH=torch==2.13.0
say() { printf '[check_lerobot] %s\n' "$*"; }

# The workspace first: its venv, ROS wheels and install/ (our packages, built for its Python).
bash scripts/setup.sh
python=$(readlink -f .venv/bin/python3)

# LeRobot 0.4.4's and gym-hil 0.1.14's own dependencies (their extras for HIL-SERL: hilserl =
# transformers + grpcio + placo + gym-hil), at the versions this check was run with, so pip does
# not backtrack through downloads; torchvision is the one built for $TORCH.
lerobot_requirements() {
  cat <<'EOF'
accelerate==1.15.0
av==15.1.0
cmake==4.1.3
datasets==4.8.5
deepdiff==8.6.2
diffusers==0.35.2
draccus==0.10.0
einops==0.8.2
grpcio==1.73.1
hidapi==0.15.0
huggingface-hub[cli,hf-transfer]==0.35.3
imageio[ffmpeg]==2.38.1
jsonlines==4.0.0
opencv-python-headless==4.11.0.86
placo==0.9.26
protobuf==6.31.1
pynput==1.8.2
pyserial==3.5
rerun-sdk==0.26.2
termcolor==3.3.0
torchvision==0.28.0
transformers==4.57.6
wandb==0.24.2
EOF
}

stamp="$venv/.franka_hil_lerobot"
want=$( { cat "${BASH_SOURCE[0]}" requirements.txt constraints.txt; echo "$python"; } \
        | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  start=$SECONDS
  [ -x "$venv/bin/python" ] || { say "creating $venv ($python)"; "$python" -m venv "$venv"; }
  pip=("$venv/bin/python" -m pip -q)
  "${pip[@]}" install --upgrade pip
  say "installing $TORCH"
  # shellcheck disable=SC2086
  "${pip[@]}" install "$TORCH" ${TORCH_PIP_ARGS:-}
  say "installing the workspace's requirements and LeRobot's dependencies"
  lerobot_requirements > "$venv/lerobot-requirements.txt"
  # The workspace's pins, less three that LeRobot's dependencies need lower.
  { grep -vE '^(numpy|packaging|setuptools)==' constraints.txt
    printf '%s\n' "$TORCH" numpy==2.3.5 packaging==25.0 setuptools==79.0.1
  } > "$venv/lerobot-constraints.txt"
  "${pip[@]}" install -r requirements.txt -r "$venv/lerobot-requirements.txt" \
    -c "$venv/lerobot-constraints.txt"
  say "installing $LEROBOT and $GYM_HIL without their pins"
  "${pip[@]}" install --no-deps "$LEROBOT" "$GYM_HIL"
  if ! "$venv/bin/python" -c 'import torchvision' 2>/dev/null; then
    # torchvision from PyPI is a CUDA build: with a CPU torch its C++ ops do not load, and two
    # of its registrations (nms, qnms) do not check for them, so `import torchvision` fails.
    # Nothing on LeRobot's env path uses those ops: guard them as the others are guarded.
    say 'guarding torchvision nms / qnms registrations (its C++ ops need CUDA torch)'
    "$venv/bin/python" - <<'EOF'
from importlib.util import find_spec
from pathlib import Path
import re

path = Path(find_spec('torchvision').submodule_search_locations[0]) / '_meta_registrations.py'
text = path.read_text()
text = re.sub(r'^@torch\.library\.register_fake\("torchvision::(q?nms)"\)$',
              r'@(torch.library.register_fake("torchvision::\1") '
              r'if torchvision.extension._has_ops() else (lambda f: f))', text, flags=re.M)
path.write_text(text)
EOF
  fi
  "$venv/bin/python" -c 'import gym_hil, lerobot.rl.gym_manipulator, torchvision' 2>/dev/null \
    || { "$venv/bin/python" -c 'import gym_hil, lerobot.rl.gym_manipulator'; exit 1; }
  echo "$want" > "$stamp"
  say "$venv ready in $((SECONDS - start)) s ($(du -sh "$venv" | cut -f1))"
fi

# The workspace environment with the LeRobot venv in place of the workspace's venv.
set +u  # colcon's setup scripts read unset variables
# shellcheck disable=SC1091
source scripts/env.sh
set -u
prefixes=()
IFS=: read -r -a entries <<< "$AMENT_PREFIX_PATH"
for entry in "${entries[@]}"; do
  if [ "$entry" = "$root/.venv" ]; then prefixes+=("$venv"); else prefixes+=("$entry"); fi
done
AMENT_PREFIX_PATH=$(IFS=:; echo "${prefixes[*]}")
export AMENT_PREFIX_PATH VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH"
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
exec "$venv/bin/python" scripts/lerobot_check.py "$@"
