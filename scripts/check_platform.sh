#!/usr/bin/env bash
# Opt-in platform check: `sudo bash scripts/check_platform.sh debian13 [--fresh]`.
# Makes (once, then cached) a Debian 13 root with debootstrap (Python 3.13: scripts/debian13_root.sh),
# clones this checkout's HEAD into it afresh and runs the README's two commands there as a
# newcomer would: `bash scripts/demo.sh --episodes 2`, then `bash scripts/test.sh` (setup.sh
# installs its Debian packages inside the root by itself). Prints the demo's result line and
# pytest's summary line; the full logs go to out/platform-debian13-<time>/. --fresh remakes the
# root from scratch. Needs root (debootstrap, chroot, bind mounts) and network access to Debian's
# and PyPI's registries. See docs/install.md ("Platforms").
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

  # 1-2. The root (cached until --fresh), locked, with /proc, /dev, /dev/pts and /dev/shm mounted
  #      until exit.
  cache=${FRANKA_HIL_PLATFORM_CACHE:-/var/cache/franka-hil}
  # shellcheck disable=SC1091
  source "$repo/scripts/debian13_root.sh"
  if [ "$fresh" = 1 ] && [ -e "$cache/debian13" ]; then
    say "--fresh: removing the cached root $cache/debian13"
    debian13_remove_tree "$cache/debian13"
  fi
  debian13_root_up "$cache"
  root=$D13_ROOT

  # 3. A fresh clone of this checkout's HEAD (uncommitted changes are not part of the check).
  head=$(git -C "$repo" rev-parse HEAD)
  [ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] \
    || say "note: uncommitted changes in $repo are not checked (the clone is of HEAD)"
  clone=$root/srv/franka-hil
  [ -e "$clone" ] && debian13_remove_tree "$clone"
  git clone -q --no-hardlinks "$repo" "$clone"
  git -C "$clone" checkout -q --detach "$head"
  say "/srv/franka-hil: a fresh clone of $(git -C "$repo" log -1 --format='%h (%s)' "$head" | cut -c1-72)"

  # 4. The README's two commands, as root in the root (setup.sh installs its apt packages there).
  logs=$repo/out/platform-debian13-$(date +%Y%m%d-%H%M%S)
  mkdir -p "$logs"
  python_version=$(chroot "$root" python3 --version 2>&1)
  say "$(. "$root/etc/os-release"; echo "$PRETTY_NAME"), $python_version; logs: $logs"

  start=$SECONDS
  status=0
  say "bash scripts/demo.sh --episodes 2"
  if debian13_root_run /srv/franka-hil 'bash scripts/demo.sh --episodes 2' >"$logs/demo.log" 2>&1
  then demo_rc=0; else demo_rc=$?; fi
  demo_line=$(grep -a 'episodes, success rate' "$logs/demo.log" | tail -1 || true)
  say "demo (exit code $demo_rc, $((SECONDS - start)) s): ${demo_line:-no result line; log ends:}"
  [ -n "$demo_line" ] || tail -30 "$logs/demo.log"
  [ "$demo_rc" = 0 ] || status=1

  start=$SECONDS
  say "bash scripts/test.sh"
  if debian13_root_run /srv/franka-hil 'bash scripts/test.sh' >"$logs/test.log" 2>&1
  then test_rc=0; else test_rc=$?; fi
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
