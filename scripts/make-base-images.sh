#!/usr/bin/env bash
# Build the base image the project's Dockerfiles start FROM, debian:bookworm-slim,
# locally, for machines that cannot reach a container registry (`docker pull`
# fails here): debootstrap --variant=minbase from the Debian mirror, trimmed,
# with the official image's config, for two platforms:
#   - the machine's own (amd64 here), `docker import`ed into the host's engine;
#   - the other of amd64 and arm64, whose debootstrap second stage runs under
#     qemu (scripts/install-docker.sh registers it);
# and both together as one two-platform OCI archive, $BASE_DIR/debian-bookworm-slim.oci.tar,
# which `docker load` gives an engine with the containerd image store (Docker 28
# here, as Docker Desktop): cross-builds for arm64 start FROM its arm64 half.
# The image also holds this machine's extra CA certificates (see below), so
# that cargo reaches crates.io from a build here.
#
# Usage (as root, after scripts/install-docker.sh):
#   bash scripts/make-base-images.sh [--force] [--verify|--no-verify]
#     --force      rebuild what already exists (default: skip it)
#     --verify     run the self-checks even if nothing was built
#     --no-verify  skip the self-checks (default: run them after building)
#   DEBIAN_MIRROR=...   default: the mirror in this machine's /etc/apt
#   UPGRADE=0           do not apply bookworm-updates/-security to the images
#   BASE_DIR=/var/lib/numbers-base-images   where the root file systems and the archive stay
#
# Self-checks: apt-get install curl in a build, a port published on 127.0.0.1,
# a HEALTHCHECK, and each platform's root answering its own architecture.
set -euo pipefail

FORCE=0
VERIFY=auto
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --verify) VERIFY=1 ;;
    --no-verify) VERIFY=0 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

SUITE=bookworm
DEBIAN_IMAGE="debian:${SUITE}-slim"
UPGRADE="${UPGRADE:-1}"
BASE_DIR="${BASE_DIR:-/var/lib/numbers-base-images}"
ARCHIVE="$BASE_DIR/debian-${SUITE}-slim.oci.tar"
DOCKER=/usr/bin/docker
NATIVE="$(dpkg --print-architecture)"
case "$NATIVE" in
  amd64) FOREIGN=arm64 ;;
  arm64) FOREIGN=amd64 ;;
  *) echo "[make-base-images] ERROR: amd64 or arm64 machines only, not $NATIVE" >&2; exit 1 ;;
esac

log() { printf '[make-base-images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap)"
mkdir -p "$BASE_DIR"
"$DOCKER" info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/install-docker.sh first"
command -v debootstrap >/dev/null || die "debootstrap missing; run scripts/install-docker.sh first"

WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/make-base-images.XXXXXX")"
cleanup() {
  # debootstrap/chroot mount proc and sys inside the target; never rm -rf
  # through a live mount.
  local m
  awk -v w="$WORK" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
built_any=0

# ---------------------------------------------------------------- debian ----
# Reuse the mirror this machine's apt already uses (it is known to be reachable).
detect_mirror() {
  local uri
  uri="$(grep -hs -E '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' \
          | grep -E '/debian/?$' | head -n1 || true)"
  [ -n "$uri" ] || uri="$(grep -hs -E '^deb ' /etc/apt/sources.list | awk '{print $2}' \
          | grep -E '/debian/?$' | head -n1 || true)"
  [ -n "$uri" ] || die "no Debian mirror in /etc/apt: set DEBIAN_MIRROR"
  echo "${uri%/}"
}
DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(detect_mirror)}"
SECURITY_MIRROR="${SECURITY_MIRROR:-${DEBIAN_MIRROR}-security}"

rootfs_tar() { echo "$BASE_DIR/$SUITE-slim-$1.tar"; }

# This machine reaches crates.io through a TLS-intercepting proxy whose CA is
# only in its own bundle: the certificates that Debian's ca-certificates does
# not ship go to /usr/local/share/ca-certificates, where a build's
# `apt-get install ca-certificates` adds them to the image's bundle. An image
# that installs no ca-certificates (v1, v2) trusts nothing more.
extra_cas() { # $1 = folder to write them to
  local debian_crts=()
  mkdir -p "$1"
  mapfile -t debian_crts < <(find /usr/share/ca-certificates -name '*.crt' 2>/dev/null | sort)
  awk -v n_known="${#debian_crts[@]}" -v out="$1" '
    FNR == 1 { file++ }
    { sub(/\r$/, "") }
    /-----BEGIN CERTIFICATE-----/ { pem = ""; inside = 1 }
    inside { pem = pem $0 "\n" }
    /-----END CERTIFICATE-----/ {
      inside = 0
      if (file <= n_known) known[pem] = 1
      else if (!(pem in known)) { f = sprintf("%s/host-extra-%02d.crt", out, ++n); printf "%s", pem > f; close(f) }
    }' "${debian_crts[@]}" /etc/ssl/certs/ca-certificates.crt
}

# One platform's root file system, as a tar in $BASE_DIR.
build_debian() { # $1 = amd64 or arm64
  local arch="$1" root="$WORK/rootfs-$1" t0=$SECONDS
  log "debootstrap $SUITE (minbase, $arch) from $DEBIAN_MIRROR"
  debootstrap --variant=minbase --components=main --arch="$arch" \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "$SUITE" "$root" "$DEBIAN_MIRROR" >"$WORK/debootstrap-$arch.log" 2>&1 \
    || { tail -n 30 "$WORK/debootstrap-$arch.log" >&2; die "debootstrap ($arch) failed"; }
  log "debootstrap ($arch) took $((SECONDS - t0))s"

  # apt sources in the deb822 form the official image uses; -security only if
  # the mirror answers (an unreachable source would break every apt-get update).
  local suites="$SUITE ${SUITE}-updates"
  rm -f "$root/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$DEBIAN_MIRROR" "$suites"
    if curl -fsS -o /dev/null --max-time 20 "$SECURITY_MIRROR/dists/${SUITE}-security/InRelease"; then
      printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$SECURITY_MIRROR" "$SUITE"
    else
      log "WARNING: $SECURITY_MIRROR not reachable, image has no ${SUITE}-security source"
    fi
  } >"$root/etc/apt/sources.list.d/debian.sources"

  # Same container tweaks as the official slim images: no daemons started by
  # package scripts, no apt caches kept, no docs/man/locales from later installs.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF

  # Pull in bookworm-updates/-security fixes, as the official image has them.
  # Not on the other platform, where apt runs under emulation (four minutes
  # more here): its image only ever installs curl, with fresh package lists.
  if [ "$UPGRADE" = 1 ] && [ "$arch" = "$NATIVE" ]; then
    log "applying ${SUITE}-updates/-security in the chroot"
    mount -t proc proc "$root/proc"
    DEBIAN_FRONTEND=noninteractive chroot "$root" sh -c \
      'apt-get update -qq && apt-get -y -qq -o Dpkg::Options::=--force-confold dist-upgrade' \
      >"$WORK/upgrade-$arch.log" 2>&1 || { umount "$root/proc"; tail -n 30 "$WORK/upgrade-$arch.log" >&2; die "upgrade ($arch) failed"; }
    umount "$root/proc"
  fi

  # Trim: package lists/caches (apt-get update refetches), docs, man, locales.
  find "$root/var/cache/apt" "$root/var/lib/apt/lists" -type f -delete
  rm -rf "$root"/var/cache/debconf/*-old \
         "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian/* \
         "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/var/lib/dpkg/*-old "$root"/tmp/*
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  # Docker bind-mounts these at run time; keep nothing of this machine in them.
  : >"$root/etc/resolv.conf"
  echo localhost >"$root/etc/hostname"
  # /dev is a tmpfs in containers; device nodes in the tarball serve nothing.
  rm -rf "${root:?}"/dev/*

  extra_cas "$root/usr/local/share/ca-certificates"
  [ "$(chroot "$root" dpkg --print-architecture)" = "$arch" ] || die "the $arch root does not run as $arch"

  tar -C "$root" --numeric-owner -cf "$(rootfs_tar "$arch").part" .
  mv "$(rootfs_tar "$arch").part" "$(rootfs_tar "$arch")"
  rm -rf --one-file-system "$root"
  log "$SUITE-slim ($arch) built in $((SECONDS - t0))s"
  built_any=1
}

# Both platforms' roots at once: the foreign one runs its package scripts
# under emulation and takes longer.
pids=()
for arch in "$NATIVE" "$FOREIGN"; do
  if [ -f "$(rootfs_tar "$arch")" ] && [ "$FORCE" = 0 ]; then
    log "$(rootfs_tar "$arch") exists, skipping (--force rebuilds)"
  else
    build_debian "$arch" &
    pids+=($!)
  fi
done
for pid in "${pids[@]}"; do wait "$pid"; done
[ "${#pids[@]}" -eq 0 ] || built_any=1

# The machine's own platform, in the host's engine.
if have_image "$DEBIAN_IMAGE" && [ "$FORCE" = 0 ] && [ "${#pids[@]}" -eq 0 ]; then
  log "$DEBIAN_IMAGE exists, skipping (--force rebuilds)"
else
  log "importing $DEBIAN_IMAGE ($NATIVE)"
  "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $SUITE" \
    "$(rootfs_tar "$NATIVE")" "$DEBIAN_IMAGE" >/dev/null
fi

# Both platforms in one OCI archive: an index of two manifests, each one
# uncompressed layer and the config the official image has.
if [ -f "$ARCHIVE" ] && [ "$FORCE" = 0 ] && [ "${#pids[@]}" -eq 0 ]; then
  log "$ARCHIVE exists, skipping (--force rebuilds)"
else
  log "writing $ARCHIVE (amd64 and arm64)"
  python3 - "$ARCHIVE" "docker.io/library/$DEBIAN_IMAGE" \
    "amd64=$(rootfs_tar amd64)" "arm64=$(rootfs_tar arm64)" <<'PY'
import hashlib, io, json, os, sys, tarfile

archive, name, *layers = sys.argv[1:]
blobs = {}

def blob(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    blobs[digest] = data
    return {"digest": digest, "size": len(data)}

def hash_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()

files, manifests = {}, []
for item in layers:
    arch, path = item.split("=", 1)
    platform = {"architecture": arch, "os": "linux"}
    if arch == "arm64":
        platform["variant"] = "v8"
    layer = {"mediaType": "application/vnd.oci.image.layer.v1.tar",
             "digest": hash_file(path), "size": os.path.getsize(path)}
    files[layer["digest"]] = path
    config = dict(platform, config={
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        "Cmd": ["bash"]},
        rootfs={"type": "layers", "diff_ids": [layer["digest"]]})
    manifest = {"schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": dict(mediaType="application/vnd.oci.image.config.v1+json",
                               **blob(json.dumps(config).encode())),
                "layers": [layer]}
    manifests.append(dict(mediaType=manifest["mediaType"], platform=platform,
                          **blob(json.dumps(manifest).encode())))
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": manifests}
top = {"schemaVersion": 2, "mediaType": index["mediaType"], "manifests": [
    dict(mediaType=index["mediaType"], **blob(json.dumps(index).encode()),
         annotations={"io.containerd.image.name": name,
                      "org.opencontainers.image.ref.name": name.rsplit(":", 1)[1]})]}

def add(tar, path, data):
    info = tarfile.TarInfo(path)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))

with tarfile.open(archive + ".part", "w") as tar:
    add(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    add(tar, "index.json", json.dumps(top).encode())
    for digest, data in blobs.items():
        add(tar, "blobs/sha256/" + digest[7:], data)
    for digest, path in files.items():
        tar.add(path, "blobs/sha256/" + digest[7:])
os.replace(archive + ".part", archive)
PY
fi

# ---------------------------------------------------------------- verify ----
if [ "$VERIFY" = 0 ] || { [ "$VERIFY" = auto ] && [ "$built_any" = 0 ]; }; then
  "$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^$DEBIAN_IMAGE " >&2 || true
  exit 0
fi

TAG_PREFIX="make-base-images-selftest"
containers=()
verify_cleanup() {
  [ "${#containers[@]}" -eq 0 ] || "$DOCKER" rm -f "${containers[@]}" >/dev/null 2>&1 || true
  "$DOCKER" image rm -f "$TAG_PREFIX:curl" >/dev/null 2>&1 || true
  cleanup
}
trap verify_cleanup EXIT
t0=$SECONDS

log "check: apt-get install curl in a build FROM $DEBIAN_IMAGE"
mkdir -p "$WORK/curl"
printf 'FROM %s\nRUN apt-get update && apt-get install -y --no-install-recommends curl && curl --version\n' \
  "$DEBIAN_IMAGE" >"$WORK/curl/Dockerfile"
DOCKER_BUILDKIT=0 "$DOCKER" build --no-cache -q -t "$TAG_PREFIX:curl" "$WORK/curl" >/dev/null \
  || die "apt-get install curl failed inside a build"

log "check: port published on 127.0.0.1"
# No python/busybox in the slim image; perl-base has IO::Socket::INET.
# shellcheck disable=SC2016  # perl code, not shell
cid="$("$DOCKER" run -d -p 127.0.0.1::80 "$DEBIAN_IMAGE" perl -MIO::Socket::INET -e \
  '$s = IO::Socket::INET->new(LocalPort => 80, Listen => 5, ReuseAddr => 1) or die $!;
   while ($c = $s->accept) { <$c>; print $c "HTTP/1.0 200 OK\r\n\r\nport-ok\n"; close $c }')"
containers+=("$cid")
port="$("$DOCKER" port "$cid" 80/tcp | head -n1 | sed 's/.*://')"
ok=0
for _ in $(seq 1 20); do
  if curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null | grep -q port-ok; then ok=1; break; fi
  sleep 0.5
done
[ "$ok" = 1 ] || die "could not reach a container through 127.0.0.1:$port"

log "check: HEALTHCHECK turns healthy"
cid="$("$DOCKER" run -d --health-cmd true --health-interval 1s "$DEBIAN_IMAGE" sleep 30)"
containers+=("$cid")
status=""
for _ in $(seq 1 30); do
  status="$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$cid")"
  [ "$status" = healthy ] && break
  sleep 1
done
[ "$status" = healthy ] || die "health status is '$status', not healthy"

log "all checks passed in $((SECONDS - t0))s"
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^$DEBIAN_IMAGE " >&2 || true
