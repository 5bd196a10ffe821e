#!/usr/bin/env bash
# Opt-in platform check: `sudo bash scripts/check_platform.sh debian13 [--fresh]`.
# Makes (once, then cached) a Debian 13 root with debootstrap (Python 3.13), clones this
# checkout's HEAD into it afresh and runs the README's two commands there as a newcomer would:
# `bash scripts/demo.sh --episodes 2`, then `bash scripts/test.sh` (setup.sh installs its Debian
# packages inside the root by itself). Prints the demo's result line and pytest's summary line;
# the full logs go to out/platform-debian13-<time>/. --fresh remakes the root from scratch.
# Needs root (debootstrap, chroot, bind mounts) and network access to Debian's and PyPI's
# registries. See docs/install.md ("Platforms").
set -euo pipefail
# All in one function, read whole before it runs: editing this file during a check is safe.
main() {
  say() { printf '[platform] %s\n' "$*"; }
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

  platform=${1:-}
  fresh=0
  [ "${2:-}" = --fresh ] && fresh=1
  if [ "$platform" != debian13 ]; then
    echo "usage: bash scripts/check_platform.sh debian13 [--fresh]   (the one platform it knows)" >&2
    exit 2
  fi
  if [ "$(id -u)" -ne 0 ]; then
    say "needs root (debootstrap, chroot and bind mounts): run it with sudo"
    exit 1
  fi

  cache=${FRANKA_HIL_PLATFORM_CACHE:-/var/cache/franka-hil}
  root=$cache/debian13
  mkdir -p "$cache"
  # One check at a time per root: the bind mounts and the clone are shared.
  exec 9>"$cache/debian13.lock"
  flock -n 9 || { say "another check is using $root (lock $cache/debian13.lock)"; exit 1; }

  # Mount points under a path, deepest first (what must be unmounted before it can go).
  mounts_under() {
    awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r
  }
  # Processes whose root is the Debian root: what the check started there and left running.
  inside_pids() {
    local d
    for d in /proc/[0-9]*; do
      [ "$(readlink "$d/root" 2>/dev/null)" = "$root" ] && echo "${d#/proc/}"
    done
    return 0
  }
  mounted=()
  cleanup() {
    local i pids
    pids=$(inside_pids)
    if [ -n "$pids" ]; then
      say "stopping what is left running in the root: $(echo $pids)"
      kill $pids 2>/dev/null || true
      sleep 3
      pids=$(inside_pids)
      [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    fi
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
      umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || say "could not unmount ${mounted[i]}"
    done
    mounted=()
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  # Remove a folder only when nothing is mounted under it (never rm -rf a root with bind mounts).
  remove_tree() {
    local m
    for m in $(mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m"; done
    if [ -n "$(mounts_under "$1")" ]; then
      say "not removing $1: still mounted: $(mounts_under "$1" | tr '\n' ' ')"
      exit 1
    fi
    rm -rf --one-file-system "$1"
  }

  # 1. The root: debootstrap as in docs (minbase + Python), cached until --fresh.
  if [ "$fresh" = 1 ] && [ -e "$root" ]; then
    say "--fresh: removing the cached root $root"
    remove_tree "$root"
  fi
  if [ ! -f "$root/.franka-hil-root" ]; then
    command -v debootstrap >/dev/null || {
      say "installing debootstrap"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    }
    [ -e "$root.tmp" ] && remove_tree "$root.tmp"
    say "making a Debian 13 (trixie) root at $root (debootstrap, a few minutes)"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-dev,ca-certificates \
      trixie "$root.tmp" >"$cache/debootstrap.log" 2>&1 \
      || { tail -20 "$cache/debootstrap.log"; say "debootstrap failed (log: $cache/debootstrap.log)"; exit 1; }
    date -u +%FT%TZ > "$root.tmp/.franka-hil-root"
    mv "$root.tmp" "$root"
  fi
  # pip and apt inside reach the registries through the host's resolver and CA bundle.
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"

  # 2. Bind mounts: /proc, /dev (+ /dev/pts for tmux's terminals, /dev/shm for Fast DDS).
  for m in $(mounts_under "$root"); do  # left over from a run that was killed
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  for d in /proc /dev /dev/pts /dev/shm; do
    mkdir -p "$root$d"
    mount --bind "$d" "$root$d"
    mounted+=("$root$d")
  done

  # 3. A fresh clone of this checkout's HEAD (uncommitted changes are not part of the check).
  head=$(git -C "$repo" rev-parse HEAD)
  [ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] \
    || say "note: uncommitted changes in $repo are not checked (the clone is of HEAD)"
  clone=$root/srv/franka-hil
  [ -e "$clone" ] && remove_tree "$clone"
  git clone -q --no-hardlinks "$repo" "$clone"
  git -C "$clone" checkout -q --detach "$head"
  say "/srv/franka-hil: a fresh clone of $(git -C "$repo" log -1 --format='%h (%s)' "$head" | cut -c1-72)"

  # 4. The README's two commands, as root in the root (setup.sh installs its apt packages there).
  logs=$repo/out/platform-debian13-$(date +%Y%m%d-%H%M%S)
  mkdir -p "$logs"
  envs=(HOME=/root LANG=C.UTF-8 TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST)
  # The same pip settings as outside, where the paths they name exist inside the root.
  while IFS='=' read -r name value; do
    case $value in
      /*) [ -e "$root$value" ] || { say "not passing $name=$value (no such path in the root)"; continue; } ;;
    esac
    envs+=("$name=$value")
  done < <(env | grep '^PIP_' || true)
  inside() { chroot "$root" env -i "${envs[@]}" bash -c "cd /srv/franka-hil && $1"; }
  python_version=$(chroot "$root" python3 --version 2>&1)
  say "$(. "$root/etc/os-release"; echo "$PRETTY_NAME"), $python_version; logs: $logs"

  start=$SECONDS
  status=0
  say "bash scripts/demo.sh --episodes 2"
  if inside 'bash scripts/demo.sh --episodes 2' >"$logs/demo.log" 2>&1; then demo_rc=0; else demo_rc=$?; fi
  demo_line=$(grep -a 'episodes, success rate' "$logs/demo.log" | tail -1 || true)
  say "demo (exit code $demo_rc, $((SECONDS - start)) s): ${demo_line:-no result line; log ends:}"
  [ -n "$demo_line" ] || tail -30 "$logs/demo.log"
  [ "$demo_rc" = 0 ] || status=1

  start=$SECONDS
  say "bash scripts/test.sh"
  if inside 'bash scripts/test.sh' >"$logs/test.log" 2>&1; then test_rc=0; else test_rc=$?; fi
  summary=$(grep -aE '^=+ .*[0-9.]+s( \([0-9:]+\))? =+$' "$logs/test.log" | tail -1 || true)
  say "pytest (exit code $test_rc, $((SECONDS - start)) s): ${summary:-no summary line; log ends:}"
  [ -n "$summary" ] || tail -30 "$logs/test.log"
  # What did not run, and why (pytest -rs lines), and what failed.
  grep -aE '^(SKIPPED|FAILED|ERROR) ' "$logs/test.log" || true
  [ "$test_rc" = 0 ] || status=1
  say "$([ "$status" = 0 ] && echo passed || echo FAILED) on $python_version; logs: $logs"
  exit "$status"
}
main "$@"
exit $?
