# Source this (bash, as root) from a script that made `say`: a Debian 13 (trixie, Python 3.13)
# root made with debootstrap, as ../shared/docs/debian13_root.md and scripts/check_platform.sh
# make it, for what needs a Python >= 3.12 on a Debian 12 machine (scripts/check_platform.sh,
# scripts/lerobot_route.sh for check_lerobot.sh, train_hil.sh, eval_policy.sh: LeRobot >= 0.5).
#
#   debian13_root_up CACHE    make (once, then cached) CACHE/debian13, lock it, copy the host's
#                             resolver and CA bundle in, bind-mount /proc /dev /dev/pts /dev/shm;
#                             sets D13_ROOT; unmounts (and stops what was left running inside)
#                             on exit
#   debian13_root_sync DIR    DIR in the root (/srv/...) as a clone of this checkout, at HEAD plus
#                             the uncommitted changes to tracked files; ignored files there (venvs,
#                             build/, install/) are kept between runs
#   debian13_root_run DIR CMD run CMD with bash in DIR inside the root, a clean environment plus
#                             the host's PIP_* settings whose paths exist inside
#   debian13_remove_tree PATH remove PATH once nothing is mounted under it (never rm -rf a
#                             folder with bind mounts); fails, saying what is mounted, if it cannot
_d13_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

_d13_mounts_under() {
  awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}

_d13_inside_pids() {
  local d
  for d in /proc/[0-9]*; do
    [ "$(readlink "$d/root" 2>/dev/null)" = "$D13_ROOT" ] && echo "${d#/proc/}"
  done
  return 0
}

_d13_cleanup() {
  local pids m
  pids=$(_d13_inside_pids)
  if [ -n "$pids" ]; then
    say "stopping what is left running in the root: $(echo $pids)"
    kill $pids 2>/dev/null || true
    sleep 3
    pids=$(_d13_inside_pids)
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  fi
  for m in $(_d13_mounts_under "$D13_ROOT"); do
    umount "$m" 2>/dev/null || umount -l "$m" || say "could not unmount $m"
  done
}

debian13_remove_tree() {
  local m
  for m in $(_d13_mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m"; done
  if [ -n "$(_d13_mounts_under "$1")" ]; then
    say "not removing $1: still mounted: $(_d13_mounts_under "$1" | tr '\n' ' ')"
    return 1
  fi
  rm -rf --one-file-system "$1"
}

debian13_root_up() {
  local cache=$1 m d
  D13_ROOT=$cache/debian13
  mkdir -p "$cache"
  exec 8>"$cache/debian13.lock"
  flock -n 8 || { say "another check is using $D13_ROOT (lock $cache/debian13.lock)"; return 1; }
  if [ ! -f "$D13_ROOT/.franka-hil-root" ]; then
    command -v debootstrap >/dev/null || {
      say "installing debootstrap"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    }
    debian13_remove_tree "$D13_ROOT.tmp" || return 1
    say "making a Debian 13 (trixie) root at $D13_ROOT (debootstrap, a few minutes)"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-dev,ca-certificates \
      trixie "$D13_ROOT.tmp" >"$cache/debootstrap.log" 2>&1 \
      || { tail -20 "$cache/debootstrap.log"; say "debootstrap failed (log: $cache/debootstrap.log)"; return 1; }
    date -u +%FT%TZ > "$D13_ROOT.tmp/.franka-hil-root"
    mv "$D13_ROOT.tmp" "$D13_ROOT"
  fi
  cp /etc/resolv.conf "$D13_ROOT/etc/resolv.conf"
  cp /etc/ssl/certs/ca-certificates.crt "$D13_ROOT/etc/ssl/certs/ca-certificates.crt"
  for m in $(_d13_mounts_under "$D13_ROOT"); do  # left over from a run that was killed
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  trap _d13_cleanup EXIT
  trap 'exit 130' INT TERM
  for d in /proc /dev /dev/pts /dev/shm; do
    mkdir -p "$D13_ROOT$d"
    mount --bind "$d" "$D13_ROOT$d"
  done
}

debian13_root_sync() {
  local dir=$D13_ROOT$1 head
  head=$(git -C "$_d13_repo" rev-parse HEAD)
  [ -d "$dir/.git" ] || git clone -q --no-hardlinks "$_d13_repo" "$dir"
  git -C "$dir" fetch -q "$_d13_repo" "$head"
  git -C "$dir" checkout -q --force --detach "$head"
  git -C "$dir" clean -q -fd  # untracked files left by an earlier sync; ignored ones stay
  if [ -n "$(git -C "$_d13_repo" status --porcelain --untracked-files=no)" ]; then
    git -C "$_d13_repo" diff --binary HEAD | git -C "$dir" apply --whitespace=nowarn
    say "$1: $(git -C "$dir" log -1 --format='%h' HEAD) plus the uncommitted changes"
  else
    say "$1: $(git -C "$dir" log -1 --format='%h (%s)' HEAD | cut -c1-72)"
  fi
}

debian13_root_run() {
  local dir=$1 name value
  shift
  local envs=(HOME=/root LANG=C.UTF-8 TERM=dumb
              PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
              ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST)
  while IFS='=' read -r name value; do
    case $value in /*) [ -e "$D13_ROOT$value" ] || continue ;; esac
    envs+=("$name=$value")
  done < <(env | grep '^PIP_' || true)
  chroot "$D13_ROOT" env -i "${envs[@]}" bash -c "cd $dir && $*"
}
