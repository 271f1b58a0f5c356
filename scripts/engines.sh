#!/usr/bin/env bash
# More container engines beside the host's Docker 20.10, for testing the lab
# where students run it, on a Debian bookworm machine:
# - Docker Engine 26.1 and Podman 5.4, Debian trixie's packages; Podman runs
#   twice: as root (`podman`) and as a normal user (`podman-rootless`), as on
#   most laptops;
# - Docker Engine 28.5 (with buildx 0.29 and Compose 2.40, and the containerd
#   image store that Docker Desktop uses, which holds two-platform images)
#   and Podman 5.8, Debian forky's packages: the engines of Docker Desktop
#   and Podman Desktop today (`docker28`, `podman58`).
#
# Usage (as root):
#   bash scripts/engines.sh install        debootstrap trixie and forky, install the engines (idempotent)
#   bash scripts/engines.sh start          start them, installing first if needed (idempotent)
#   bash scripts/engines.sh stop           stop them, remove their namespaces
#   bash scripts/engines.sh base-images    give both the Dockerfiles' base images, copied
#                                          from the host's engine (made there by
#                                          scripts/make-base-images.sh: no registry here)
#   bash scripts/engines.sh status         one line per engine: its version, or why not
#   bash scripts/engines.sh exec ENGINE [CMD...]
#                                          run CMD (default: a shell) where ENGINE's
#                                          `docker` or `podman` answers, from the
#                                          caller's directory; ENGINE is docker26, podman,
#                                          podman-rootless (Podman as a normal user),
#                                          docker28 or podman58
#   ENGINES_DIR=/var/lib/numbers-engines   where the trixie and forky roots live
#   ENGINE_TIMEOUT=60                      seconds to wait for an engine to answer
#
# How they live beside the host's engine, and why:
# - One root per Debian suite, trixie and forky (debootstrap --variant=minbase,
#   from debootstrap's own default mirror), each holding docker.io,
#   docker-cli, docker-buildx, docker-compose, podman, runc, nftables and
#   curl. Their programs need their suite's C library, so they run inside
#   that root, never on the host. Bookworm's debootstrap has no script for
#   forky: every suite since uses sid's. A testing suite's Release file can
#   be served past its Valid-Until, so the forky root's apt does not check it.
# - Each engine gets a mount namespace whose root IS that root (pivot_root),
#   not a chroot: under a chroot, `docker exec`, and so every HEALTHCHECK
#   probe, would run in the host's / instead of the container's.
# - Each engine gets a network namespace of its own, joined to the host by a
#   veth pair and NAT. Its bridge, its iptables/nftables rules and its
#   published ports stay inside: it cannot delete the host's docker0 (dockerd
#   does that to a bridge it believes is its own), the host engine's FORWARD
#   rules do not drop its traffic, and a page's ports (8080, 8081...) are free
#   there whatever the host runs. Commands reach those ports from inside,
#   which is what `exec` gives.
# - The host's root file system is seen inside at /host (its files, none of
#   its mounts), so `exec` runs a command from the caller's directory.
# - Rootless Podman runs as the root's user "student", with subordinate ids,
#   a tun device open to all (pasta's networking) in its namespace only, and
#   the caller's directory bound under /srv/lab, since the user may not be
#   able to reach it where it is.
# - Podman needs runc and cgroupfs here (crun refuses this machine's hybrid
#   cgroups), file-based events (no journald), and ulimits no higher than
#   the machine's (its processes lack CAP_SYS_RESOURCE). That is Podman's
#   own configuration, in the root's /etc/containers, never on a command a
#   page shows.
set -euo pipefail

ENGINES_DIR="${ENGINES_DIR:-/var/lib/numbers-engines}"
RUN=/run/numbers-engines
LOGS=/var/log/numbers-engines
ENGINE_TIMEOUT="${ENGINE_TIMEOUT:-60}"
ENGINES=(docker26 podman podman-rootless docker28 podman58)
SUITES=(trixie forky)
# docker-cli is only a recommendation of docker.io; the page's `docker build`
# uses BuildKit through docker-buildx, as Docker Desktop does.
# uidmap, passt and fuse-overlayfs: Podman run by a normal user (rootless).
PACKAGES=(docker.io docker-cli docker-buildx docker-compose podman runc nftables
          iptables curl netavark aardvark-dns catatonit ca-certificates
          uidmap passt fuse-overlayfs)
# The normal user that runs rootless Podman, as a student's laptop does.
STUDENT=student
INNER_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[engines] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- where each engine lives -------------------------------------------------
# A /24 of its own per engine for the veth pair: the host is .1, the engine .2.
subnet() {
  case "$1" in
    docker26) echo 10.231.26 ;;
    podman) echo 10.231.54 ;;
    podman-rootless) echo 10.231.55 ;;
    docker28) echo 10.231.28 ;;
    podman58) echo 10.231.58 ;;
    *) die "unknown engine '$1' (${ENGINES[*]})" ;;
  esac
}
suite() {
  case "$1" in
    docker28|podman58) echo forky ;;
    *) echo trixie ;;
  esac
}
root_of() { echo "$ENGINES_DIR/$(suite "$1")"; }
netns() { echo "numbers-$1"; }
# Interface names have 15 characters at most.
veth() { echo "nx-${1#podman-}"; }
mntns() { echo "$RUN/$1.mnt"; }

uplink_mtu() {
  local dev
  dev="$(ip -o route show default 2>/dev/null | awk '{for(i=1;i<NF;i++) if($i=="dev"){print $(i+1); exit}}')"
  if [ -n "$dev" ] && [ -r "/sys/class/net/$dev/mtu" ]; then cat "/sys/class/net/$dev/mtu"; else echo 1500; fi
}

host_bridge_check() {
  # The trap this layout avoids: another dockerd deleting the host's docker0.
  if [ -n "${HOST_HAD_DOCKER0:-}" ] && ! ip link show docker0 >/dev/null 2>&1; then
    die "the host's docker0 is gone after starting $1"
  fi
}

# --- install -----------------------------------------------------------------
# Each function below works on one suite's root: $SUITE and $ROOT.
missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    chroot "$ROOT" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      printf '%s ' "$p"
  done
}

# debootstrap removes its own folder from the root only when it succeeds:
# a root that still has it was cut short, apt-get or not.
root_bootstrapped() {
  [ -x "$ROOT/usr/bin/apt-get" ] && [ ! -d "$ROOT/debootstrap" ]
}

# The roots and their packages, side by side (both mostly wait on the
# network), then their configuration: the first only when something is
# missing, the second every time (it is cheap and idempotent, and so a run
# cut short after the packages, or a changed configuration, still ends
# configured).
install_roots() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
  command -v debootstrap >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  local pids=() pid rc=0
  for SUITE in "${SUITES[@]}"; do
    install_root "$SUITE" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  [ "$rc" -eq 0 ] || die "installing the engines failed"
}

install_root() {
  SUITE="$1"
  ROOT="$ENGINES_DIR/$SUITE"
  if root_bootstrapped && [ -z "$(missing_packages)" ]; then
    log "$SUITE root already installed at $ROOT"
  else
    install_packages
  fi
  configure_root
}

install_packages() {
  local t0=$SECONDS script=""
  # Bookworm's debootstrap knows suites up to trixie; later ones use sid's script.
  [ -e "/usr/share/debootstrap/scripts/$SUITE" ] || script=sid
  if ! root_bootstrapped; then
    rm -rf --one-file-system "$ROOT"
    mkdir -p "$ENGINES_DIR"
    log "debootstrap $SUITE (minbase) into $ROOT"
    # An empty mirror argument: debootstrap's own default serves.
    debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOT" "" $script \
      >"$ENGINES_DIR/debootstrap-$SUITE.log" 2>&1 \
      || { tail -n 30 "$ENGINES_DIR/debootstrap-$SUITE.log" >&2; die "debootstrap $SUITE failed"; }
  fi
  # Package scripts must not start daemons in the root: we start them.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
  # A testing suite's Release may be served after its Valid-Until.
  echo 'Acquire::Check-Valid-Until "false";' >"$ROOT/etc/apt/apt.conf.d/99numbers-engines"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  log "$SUITE: installing ${PACKAGES[*]}"
  mount -t proc proc "$ROOT/proc"
  local rc=0
  {
    chroot "$ROOT" apt-get update -qq &&
    chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
  } >"$ENGINES_DIR/apt-$SUITE.log" 2>&1 || rc=$?
  umount "$ROOT/proc"
  [ "$rc" -eq 0 ] || { tail -n 30 "$ENGINES_DIR/apt-$SUITE.log" >&2; die "$SUITE: installing the packages failed"; }
  log "$SUITE installed in $((SECONDS - t0))s"
}

configure_root() {
  write_podman_config
  # A normal user with subordinate ids, which rootless Podman maps into its
  # containers.
  chroot "$ROOT" sh -c "id -u $STUDENT >/dev/null 2>&1 || useradd -m -s /bin/sh $STUDENT"
  grep -q "^$STUDENT:" "$ROOT/etc/subuid" 2>/dev/null || echo "$STUDENT:100000:65536" >>"$ROOT/etc/subuid"
  grep -q "^$STUDENT:" "$ROOT/etc/subgid" 2>/dev/null || echo "$STUDENT:100000:65536" >>"$ROOT/etc/subgid"
  mkdir -p "$ROOT/host"
  # Docker 28 keeps its images in containerd's store, as Docker Desktop
  # does: a tag can hold an image for amd64 and for arm64 at once.
  if [ "$SUITE" = forky ]; then
    mkdir -p "$ROOT/etc/docker"
    # The classroom registry (scripts/classroom.sh): both its doors trusted
    # as plain HTTP, as docs/teaching.md tells a student's Docker and Podman.
    echo '{"features": {"containerd-snapshotter": true},
 "insecure-registries": ["10.231.5.2:5000", "10.231.5.2:5001"]}' >"$ROOT/etc/docker/daemon.json"
    mkdir -p "$ROOT/etc/containers/registries.conf.d"
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n\n' 10.231.5.2:5000 10.231.5.2:5001 \
      >"$ROOT/etc/containers/registries.conf.d/50-numbers-classroom.conf"
  fi
}

write_podman_config() {
  local hard_nofile hard_nproc
  hard_nofile="$(ulimit -Hn)"
  hard_nproc="$(ulimit -Hu)"
  mkdir -p "$ROOT/etc/containers/containers.conf.d"
  cat >"$ROOT/etc/containers/containers.conf.d/50-numbers-engines.conf" <<EOF
# This machine, not the lab: see scripts/engines.sh.
[containers]
# Podman's default nofile limit (1048576) is above this machine's hard limit,
# which a process without CAP_SYS_RESOURCE cannot raise.
default_ulimits = ["nofile=${hard_nofile}:${hard_nofile}", "nproc=${hard_nproc}:${hard_nproc}"]

[engine]
# crun refuses this machine's hybrid cgroups; runc and cgroupfs work.
runtime = "runc"
cgroup_manager = "cgroupfs"
# No journald here.
events_logger = "file"
EOF
}

# --- start -------------------------------------------------------------------
setup_netns() {
  local engine="$1" net ns host_if mtu
  net="$(subnet "$engine")"
  ns="$(netns "$engine")"
  host_if="$(veth "$engine")"
  mtu="$(uplink_mtu)"
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip link show "$host_if" >/dev/null 2>&1; then
    ip link add "$host_if" mtu "$mtu" type veth peer name eth0 mtu "$mtu" netns "$ns"
    ip addr add "$net.1/24" dev "$host_if"
    ip link set "$host_if" up
    ip -n "$ns" addr add "$net.2/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$net.1"
  fi
  sysctl -q -w net.ipv4.ip_forward=1
  # NAT out of the host, and let the traffic through a FORWARD chain whose
  # policy the host's dockerd set to DROP. -C first: idempotent.
  iptables -t nat -C POSTROUTING -s "$net.0/24" ! -o "$host_if" -j MASQUERADE 2>/dev/null ||
    iptables -t nat -A POSTROUTING -s "$net.0/24" ! -o "$host_if" -j MASQUERADE
  iptables -C FORWARD -i "$host_if" -j ACCEPT 2>/dev/null ||
    iptables -I FORWARD 1 -i "$host_if" -j ACCEPT
  iptables -C FORWARD -o "$host_if" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null ||
    iptables -I FORWARD 1 -o "$host_if" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  # An engine's own bridge may use 1500 bytes where the uplink carries fewer:
  # clamp the segment size its connections ask for to the path's, or large
  # answers (apt's, cargo's) never arrive.
  iptables -t mangle -C FORWARD -i "$host_if" -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu 2>/dev/null ||
    iptables -t mangle -A FORWARD -i "$host_if" -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
}

# The mount namespace, created once and kept by a bind mount of its nsfs file.
setup_mntns() {
  local engine="$1" file
  file="$(mntns "$engine")"
  mkdir -p "$RUN"
  if ! mountpoint -q "$RUN"; then
    mount --bind "$RUN" "$RUN"
    mount --make-private "$RUN"
  fi
  if mountpoint -q "$file" 2>/dev/null; then
    return
  fi
  touch "$file"
  # Created from inside the engine's network namespace, so the sysfs mounted
  # here shows that namespace's interfaces, not the host's.
  nsenter --net="/run/netns/$(netns "$engine")" \
    unshare --mount="$file" --propagation private /bin/sh -euc '
      root="$1"
      mount --bind "$root" "$root"
      mount --bind / "$root/host"              # the host files, none of its mounts
      mount -t proc proc "$root/proc"
      mount -t sysfs sysfs "$root/sys"
      mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
      mount --rbind /dev "$root/dev"
      # The tun device for rootless networking (pasta), open to every user
      # here as on a desktop, without changing the host'"'"'s own.
      mount -t tmpfs -o mode=0755 tmpfs "$root/dev/net"
      mknod -m 0666 "$root/dev/net/tun" c 10 200
      mount -t tmpfs -o mode=0755 tmpfs "$root/run"
      mkdir -p "$root/.old"
      cd "$root"
      pivot_root . .old
      umount -l /.old
      rmdir /.old
      # Rootless Podman wants / shared (it warns on every command if not);
      # the namespace has no peers outside, so nothing leaks to the host.
      mount --make-rshared /
    ' sh "$(root_of "$engine")" || {
    # Half a namespace would pass for a started one on the next run.
    umount "$file" 2>/dev/null || true
    rm -f "$file"
    die "setting up $engine's mount namespace failed"
  }
}

# Runs a command inside the engine's namespaces (no directory change).
inside() {
  local engine="$1"
  shift
  nsenter --mount="$(mntns "$engine")" --net="/run/netns/$(netns "$engine")" \
    env -i PATH="$INNER_PATH" HOME=/root PODMAN_IGNORE_CGROUPSV1_WARNING=1 "$@"
}

# Runs a command as the normal user in Podman's namespaces.
rootless() {
  (cd / && cmd_exec podman-rootless "$@")
}

wait_until() { # $1 = what, rest = command that answers when ready
  local what="$1" deadline=$((SECONDS + ENGINE_TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
  log "$what answers"
}

start_docker() {
  local engine="$1" mtu log="$LOGS/$1.log"
  if inside "$engine" docker info >/dev/null 2>&1; then
    log "$engine already answers"
    return
  fi
  mtu="$(uplink_mtu)"
  mkdir -p "$LOGS"
  # A dockerd that died leaves its pid file, and a new one refuses to start
  # while the file names a pid.
  inside "$engine" sh -c 'for f in /run/docker.pid /run/docker/containerd/containerd.pid; do
      [ -f "$f" ] && ! kill -0 "$(cat "$f")" 2>/dev/null && rm -f "$f"; done; true'
  # A previous run's network database names a bridge that this start would
  # recreate; start from none (the trap in the other order deletes docker0).
  rm -f "$(root_of "$engine")/var/lib/docker/network/files/local-kv.db"
  log "starting $engine's dockerd (log: $log)"
  nsenter --mount="$(mntns "$engine")" --net="/run/netns/$(netns "$engine")" \
    env -i PATH="$INNER_PATH" HOME=/root \
    setsid dockerd --mtu "$mtu" >>"$log" 2>&1 </dev/null &
  wait_until "$engine's dockerd" inside "$engine" docker info ||
    { tail -n 30 "$log" >&2; die "$engine's dockerd did not answer within ${ENGINE_TIMEOUT}s"; }
  host_bridge_check "$engine"
}

start_podman() {
  # Podman has no daemon: it answers once its namespaces exist.
  local engine
  for engine in podman podman58; do
    inside "$engine" podman info >/dev/null 2>&1 || {
      inside "$engine" podman info >&2 || true
      die "$engine does not answer"
    }
  done
  rootless podman info >/dev/null 2>&1 || {
    rootless podman info >&2 || true
    die "podman does not answer to $STUDENT"
  }
  host_bridge_check podman
}

cmd_start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
  HOST_HAD_DOCKER0=""
  ip link show docker0 >/dev/null 2>&1 && HOST_HAD_DOCKER0=1
  install_roots
  local engine
  for engine in "${ENGINES[@]}"; do
    setup_netns "$engine"
    setup_mntns "$engine"
  done
  start_docker docker26
  start_docker docker28
  start_podman
  cmd_status
}

# The base images the Dockerfiles start FROM, as the host's engine has them
# (made there by scripts/make-base-images.sh). Docker 28 gets the two-platform
# archive of each that has one (amd64 and arm64 in one tag, which its
# containerd store holds), the others the host's image. Podman names an
# image loaded from `docker save` localhost/NAME; the Dockerfiles' short
# names resolve to docker.io/library/NAME (the short-name aliases of
# containers-common), so that is the name it gets.
BASE_DIR="${BASE_DIR:-/var/lib/numbers-base-images}"
archive_of() { echo "$BASE_DIR/$(echo "$1" | tr ':/' '--').oci.tar"; }
host_id() { docker image inspect --format '{{.Id}}' "$1"; }

cmd_base_images() {
  local here images image missing engine archive want
  here="$(cd "$(dirname "$0")/.." && pwd)"
  # Every FROM's image that is neither scratch nor a stage of the same
  # files (`FROM base AS name` names a stage that a later FROM may start
  # from); a FROM's flags (--platform=...) are not images.
  images="$(awk 'toupper($1) == "FROM" { i = 2; while ($i ~ /^--/) i++; from[$i] = 1
                                          if (toupper($(i + 1)) == "AS") stage[$(i + 2)] = 1 }
                 END { for (i in from) if (i != "scratch" && !(i in stage)) print i }' \
              "$here"/Dockerfile* | sort -u)"
  for image in $images; do
    docker image inspect "$image" >/dev/null 2>&1 ||
      die "the host's engine has no $image: run scripts/make-base-images.sh first"
  done
  # An image is missing where the engine's differs from the host's (a
  # rebuilt base image has a new id).
  missing=""
  for image in $images; do
    [ "$(inside docker26 docker image inspect --format '{{.Id}}' "$image" 2>/dev/null)" = "$(host_id "$image")" ] ||
      missing="$missing $image"
  done
  if [ -n "$missing" ]; then
    log "docker26: loading$missing"
    # shellcheck disable=SC2086
    docker save $missing | inside docker26 docker load -q >&2
  fi
  for image in $images; do
    archive="$(archive_of "$image")"
    if [ -f "$archive" ]; then
      # The image's id in a containerd store is its index's digest.
      want="$(tar -xOf "$archive" index.json | sed -n 's/.*"digest": *"\(sha256:[0-9a-f]*\)".*/\1/p')"
      [ "$(inside docker28 docker image inspect --format '{{.Id}}' "$image" 2>/dev/null)" = "$want" ] || {
        log "docker28: loading $image (amd64 and arm64)"
        inside docker28 docker load -q <"$archive" >&2
      }
    else
      inside docker28 docker image inspect "$image" >/dev/null 2>&1 || {
        log "docker28: loading $image"
        docker save "$image" | inside docker28 docker load -q >&2
      }
    fi
  done
  for engine in podman podman58; do
    missing=""
    for image in $images; do
      [ "sha256:$(inside "$engine" podman image inspect --format '{{.Id}}' "docker.io/library/$image" 2>/dev/null)" = "$(host_id "$image")" ] ||
        missing="$missing $image"
    done
    [ -n "$missing" ] || continue
    log "$engine: loading$missing"
    # shellcheck disable=SC2086
    docker save $missing | inside "$engine" podman load -q >&2
    for image in $missing; do
      inside "$engine" podman tag "localhost/$image" "docker.io/library/$image"
      inside "$engine" podman rmi "localhost/$image" >/dev/null
    done
  done
  # The normal user's Podman has storage of its own.
  missing=""
  for image in $images; do
    [ "sha256:$(rootless podman image inspect --format '{{.Id}}' "docker.io/library/$image" 2>/dev/null)" = "$(host_id "$image")" ] ||
      missing="$missing $image"
  done
  if [ -n "$missing" ]; then
    log "podman-rootless: loading$missing"
    for image in $missing; do
      # shellcheck disable=SC2086
      inside podman podman save "docker.io/library/$image" | rootless podman load -q >&2
    done
  fi
  log "base images in place: $(echo $images)"
}

cmd_status() {
  local engine version
  for engine in "${ENGINES[@]}"; do
    if ! mountpoint -q "$(mntns "$engine")" 2>/dev/null; then
      echo "$engine: not started"
      continue
    fi
    case "$engine" in
      docker*) version="$(inside "$engine" docker version --format 'Docker Engine {{.Server.Version}}' 2>&1 || true)" ;;
      podman|podman58) version="$(inside "$engine" podman version --format 'Podman {{.Client.Version}}' 2>&1 || true)" ;;
      podman-rootless) version="$(rootless podman info --format 'Podman {{.Version.Version}}, rootless {{.Host.Security.Rootless}}' 2>&1 || true)" ;;
    esac
    echo "$engine: $version"
  done
}

cmd_stop() {
  local engine pid
  for engine in docker26 docker28; do
    mountpoint -q "$(mntns "$engine")" 2>/dev/null || continue
    inside "$engine" sh -c 'docker ps -aq | xargs -r docker rm -f' >/dev/null 2>&1 || true
    pid="$(inside "$engine" cat /run/docker.pid 2>/dev/null || true)"
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
  done
  for engine in podman podman58; do
    mountpoint -q "$(mntns "$engine")" 2>/dev/null || continue
    inside "$engine" podman rm -af >/dev/null 2>&1 || true
  done
  if mountpoint -q "$(mntns podman-rootless)" 2>/dev/null; then
    rootless podman rm -af >/dev/null 2>&1 || true
  fi
  for engine in "${ENGINES[@]}"; do
    # Whatever still runs in the engine's network namespace (rootless
    # Podman's pause process, say) would keep its namespaces alive.
    ip netns pids "$(netns "$engine")" 2>/dev/null | xargs -r kill 2>/dev/null || true
    umount "$(mntns "$engine")" 2>/dev/null || true
    rm -f "$(mntns "$engine")"
    ip link del "$(veth "$engine")" 2>/dev/null || true
    ip netns del "$(netns "$engine")" 2>/dev/null || true
  done
  log "stopped"
}

cmd_exec() {
  local engine="${1:-}"
  [ -n "$engine" ] || die "exec needs an engine: ${ENGINES[*]}"
  subnet "$engine" >/dev/null
  shift
  mountpoint -q "$(mntns "$engine")" 2>/dev/null ||
    die "$engine is not started: run 'bash scripts/engines.sh start' as root"
  [ "$#" -gt 0 ] || set -- bash
  local dir
  dir="$(pwd -P)"
  if [ "$engine" != podman-rootless ]; then
    # The caller's environment goes along (a test's NUMBERS_PUBLISH, say),
    # with the root's PATH and HOME: the engine's clients are the root's.
    nsenter --mount="$(mntns "$engine")" --net="/run/netns/$(netns "$engine")" \
      env PATH="$INNER_PATH" HOME=/root PODMAN_IGNORE_CGROUPSV1_WARNING=1 \
      /bin/sh -c 'cd "$0" && exec "$@"' "/host$dir" "$@"
    return
  fi
  # As the normal user, from the caller's directory seen under /srv/lab (the
  # folder keeps its name; the user may not be able to reach it under /host,
  # whose parents can be root's alone), with a runtime directory as a
  # desktop session gives one.
  nsenter --mount="$(mntns "$engine")" --net="/run/netns/$(netns "$engine")" \
    env PATH="$INNER_PATH" PODMAN_IGNORE_CGROUPSV1_WARNING=1 STUDENT="$STUDENT" \
    /bin/sh -c '
      dir="$0"; lab="/srv/lab$dir"
      if [ "$dir" = / ]; then
        lab="/home/$STUDENT"
      elif ! mountpoint -q "$lab"; then
        mkdir -p "$lab" && mount --bind "/host$dir" "$lab"
      elif [ "$(stat -c %d:%i "$lab")" != "$(stat -c %d:%i "/host$dir")" ]; then
        # The folder was removed and made again since it was bound here.
        umount -l "$lab" && mount --bind "/host$dir" "$lab"
      fi
      uid="$(id -u "$STUDENT")"; run="/run/user/$uid"
      [ -d "$run" ] || { mkdir -p "$run" && chown "$STUDENT:" "$run" && chmod 0700 "$run"; }
      cd "$lab" && exec runuser -u "$STUDENT" -- \
        env HOME="/home/$STUDENT" XDG_RUNTIME_DIR="$run" "$@"' "$dir" "$@"
}

case "${1:-}" in
  install) install_roots ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  base-images) cmd_base_images ;;
  exec) shift; cmd_exec "$@" ;;
  -h|--help|"") sed -n '2,27p' "$0" ;;
  *) die "unknown command '$1' (see --help)" ;;
esac
