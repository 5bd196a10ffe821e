#!/usr/bin/env bash
# Opt-in benchmark (not CI): HIL-SERL's data flow on Stable-Baselines3's SAC on the graph, with
# the corrective synthetic human, then the policy alone on held-out seeds: the package's
# `franka-hil-train-sb3` (training/franka_hil_training/sb3/train.py; settings in
# training/franka_hil_training/configs/sb3_sac.yaml) in the SB3 venv.
# `bash scripts/train_hil_sb3.sh [--pixels] [--minutes 20] [--no-human] [--demos 10] ...` (--help
# lists all; --pixels learns from the two cameras through the pixel encoder, pretrained in the run
# when out/encoders has none for this scene); outputs under out/sb3-<time>/. Makes the SB3 venv
# (SB3_VENV, default .venv-sb3) on first use.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/sb3_venv.sh
venv=${SB3_VENV:-$root/.venv-sb3}
# shellcheck disable=SC1091
source scripts/venv_env.sh "$venv"
set -u
export OMP_NUM_THREADS=1
# numpy's BLAS on one thread too: the pixel encoder's small products gain nothing from a second,
# whose spinning takes CPU from the sim and SAC's update (tests: 36.5 s -> 3.8 s at load ~5)
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
exec "$venv/bin/franka-hil-train-sb3" "$@"
