#!/usr/bin/env bash
# Build the base images the project's Dockerfiles start FROM, locally, for
# machines that cannot reach a container registry (`docker pull` fails here):
#   debian:bookworm-slim      debootstrap --variant=minbase from the Debian mirror,
#                             trimmed, then `docker import`ed with sane config
#   rust:1.95-slim-bookworm   FROM the above + gcc/libc6-dev/ca-certificates +
#                             THIS machine's rustup toolchain (cargo, rustc, std)
#
# Usage (as root, after scripts/install-docker.sh):
#   bash scripts/make-base-images.sh [--force] [--verify|--no-verify]
#     --force      rebuild images that already exist (default: skip them)
#     --verify     run the self-checks even if nothing was built
#     --no-verify  skip the self-checks (default: run them after building)
#   RUST_VERSION=1.95   tag of the rust image; must match the machine's `rustc --version`
#   DEBIAN_MIRROR=...   default: the mirror in this machine's /etc/apt, else deb.debian.org
#   UPGRADE=0           do not apply bookworm-updates/-security to the debian image
#
# Self-checks: apt-get install curl in a build, `cargo --version`, a cargo project
# with a crates.io dependency built by the legacy builder and by BuildKit (static
# binary run FROM scratch), a port published on 127.0.0.1, a HEALTHCHECK.
set -euo pipefail

FORCE=0
VERIFY=auto
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --verify) VERIFY=1 ;;
    --no-verify) VERIFY=0 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

SUITE=bookworm
DEBIAN_IMAGE="debian:${SUITE}-slim"
RUST_VERSION="${RUST_VERSION:-1.95}"
RUST_IMAGE="rust:${RUST_VERSION}-slim-${SUITE}"
UPGRADE="${UPGRADE:-1}"
# Debian's client: with DOCKER_BUILDKIT=1 it drives the engine's BuildKit; the
# newer /usr/local/bin/docker has no buildx plugin and so only the legacy builder.
DOCKER=/usr/bin/docker
LEGACY_DOCKER=/usr/local/bin/docker
[ -x "$LEGACY_DOCKER" ] || LEGACY_DOCKER=/usr/bin/docker

log() { printf '[make-base-images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap)"
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
  uri="${uri:-http://deb.debian.org/debian}"
  echo "${uri%/}"
}
DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(detect_mirror)}"
SECURITY_MIRROR="${SECURITY_MIRROR:-${DEBIAN_MIRROR}-security}"

build_debian() {
  local root="$WORK/rootfs" t0=$SECONDS
  log "debootstrap $SUITE (minbase) from $DEBIAN_MIRROR"
  debootstrap --variant=minbase --components=main \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "$SUITE" "$root" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  log "debootstrap took $((SECONDS - t0))s"

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
  if [ "$UPGRADE" = 1 ]; then
    log "applying ${SUITE}-updates/-security in the chroot"
    mount -t proc proc "$root/proc"
    DEBIAN_FRONTEND=noninteractive chroot "$root" sh -c \
      'apt-get update -qq && apt-get -y -qq -o Dpkg::Options::=--force-confold dist-upgrade' \
      >"$WORK/upgrade.log" 2>&1 || { umount "$root/proc"; tail -n 30 "$WORK/upgrade.log" >&2; die "upgrade failed"; }
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

  log "importing $DEBIAN_IMAGE"
  tar -C "$root" --numeric-owner -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $SUITE $DEBIAN_MIRROR" \
    - "$DEBIAN_IMAGE" >/dev/null
  rm -rf --one-file-system "$root"
  log "$DEBIAN_IMAGE built in $((SECONDS - t0))s"
  built_any=1
}

if have_image "$DEBIAN_IMAGE" && [ "$FORCE" = 0 ]; then
  log "$DEBIAN_IMAGE exists, skipping (--force rebuilds)"
else
  build_debian
fi

# ------------------------------------------------------------------ rust ----
# The toolchain is copied from this machine, so the tag must match its rustc.
# Query from / so no rust-toolchain file of some project picks another one.
RUSTC_VV="$(cd / && rustc -vV)" || die "rustc not found (the rust image copies this machine's toolchain)"
MACHINE_RUST="$(awk '/^release:/ {print $2}' <<<"$RUSTC_VV")"
TRIPLE="$(awk '/^host:/ {print $2}' <<<"$RUSTC_VV")"

build_rust() {
  local t0=$SECONDS ctx="$WORK/rust-ctx" sysroot rustup_bin toolchain
  case "$MACHINE_RUST" in
    "$RUST_VERSION"|"$RUST_VERSION".*) ;;
    *) die "machine's rustc is $MACHINE_RUST but the image tag asks for $RUST_VERSION; run with RUST_VERSION=${MACHINE_RUST%.*} to build rust:${MACHINE_RUST%.*}-slim-$SUITE instead" ;;
  esac
  sysroot="$(cd / && rustc --print sysroot)"
  sysroot="$(readlink -f "$sysroot")"
  [ -x "$sysroot/bin/cargo" ] || die "no cargo in $sysroot"
  [ -d "$sysroot/lib/rustlib/$TRIPLE/lib" ] || die "no std for $TRIPLE in $sysroot"
  rustup_bin="$(readlink -f "$(command -v rustup)")" || die "rustup not found"
  toolchain="${MACHINE_RUST}-${TRIPLE}"
  log "building $RUST_IMAGE from $sysroot ($toolchain)"

  # Build context: RUSTUP_HOME and CARGO_HOME laid out like the official image
  # (toolchain named <version>-<triple>, proxies as symlinks to rustup).
  mkdir -p "$ctx/rustup/toolchains/$toolchain" "$ctx/cargo/bin" "$ctx/ca"
  # Docs (share/doc, ~800 MB) and rust-analyzer's helper are not needed to build.
  tar -C "$sysroot" --exclude=./share/doc --exclude=./libexec -c . \
    | tar -C "$ctx/rustup/toolchains/$toolchain" -x
  cat >"$ctx/rustup/settings.toml" <<EOF
version = "12"
default_toolchain = "$toolchain"
profile = "minimal"
auto_self_update = "disable"

[overrides]
EOF
  install -m 0755 "$rustup_bin" "$ctx/cargo/bin/rustup"
  local b
  for b in cargo rustc rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver rust-gdb rust-gdbgui rust-lldb; do
    [ -e "$ctx/rustup/toolchains/$toolchain/bin/$b" ] && ln -s rustup "$ctx/cargo/bin/$b"
  done
  # Writable by any uid, as in the official image (done here, not in a RUN,
  # so the layer is not duplicated).
  chmod -R a+w "$ctx/rustup" "$ctx/cargo"

  # This machine reaches crates.io through a TLS-intercepting proxy whose CA is
  # only in its own bundle: copy the bundle, and keep the extra CAs (those not
  # shipped by Debian's ca-certificates) in /usr/local/share/ca-certificates so
  # that a later update-ca-certificates in a derived image keeps them.
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca/ca-certificates.crt"
  mkdir -p "$ctx/ca/extra"
  local debian_crts=()
  mapfile -t debian_crts < <(find /usr/share/ca-certificates -name '*.crt' 2>/dev/null | sort)
  awk -v n_known="${#debian_crts[@]}" -v out="$ctx/ca/extra" '
    FNR == 1 { file++ }
    { sub(/\r$/, "") }
    /-----BEGIN CERTIFICATE-----/ { pem = ""; inside = 1 }
    inside { pem = pem $0 "\n" }
    /-----END CERTIFICATE-----/ {
      inside = 0
      if (file <= n_known) known[pem] = 1
      else if (!(pem in known)) { f = sprintf("%s/host-extra-%02d.crt", out, ++n); printf "%s", pem > f; close(f) }
    }' "${debian_crts[@]}" /etc/ssl/certs/ca-certificates.crt
  log "extra (non-Debian) CAs from this machine: $(find "$ctx/ca/extra" -name '*.crt' | wc -l)"

  cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_IMAGE
ENV RUSTUP_HOME=/usr/local/rustup \\
    CARGO_HOME=/usr/local/cargo \\
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    RUST_VERSION=$MACHINE_RUST
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates gcc libc6-dev \\
 && rm -rf /var/lib/apt/lists/*
COPY ca/extra/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
COPY ca/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY rustup /usr/local/rustup
COPY cargo /usr/local/cargo
RUN rustup --version && cargo --version && rustc --version
EOF
  # Legacy builder: plain and predictable for a big local context.
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$RUST_IMAGE" -t "rust:${MACHINE_RUST}-slim-$SUITE" "$ctx" >/dev/null \
    || die "docker build of $RUST_IMAGE failed"
  rm -rf "$ctx"
  log "$RUST_IMAGE built in $((SECONDS - t0))s"
  built_any=1
}

if have_image "$RUST_IMAGE" && [ "$FORCE" = 0 ]; then
  log "$RUST_IMAGE exists, skipping (--force rebuilds)"
else
  build_rust
fi

# ---------------------------------------------------------------- verify ----
if [ "$VERIFY" = 0 ] || { [ "$VERIFY" = auto ] && [ "$built_any" = 0 ]; }; then
  "$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^($DEBIAN_IMAGE|$RUST_IMAGE) " >&2 || true
  exit 0
fi

TAG_PREFIX="make-base-images-selftest"
containers=()
verify_cleanup() {
  [ "${#containers[@]}" -eq 0 ] || "$DOCKER" rm -f "${containers[@]}" >/dev/null 2>&1 || true
  "$DOCKER" image rm -f "$TAG_PREFIX:curl" "$TAG_PREFIX:legacy" "$TAG_PREFIX:buildkit" >/dev/null 2>&1 || true
  cleanup
}
trap verify_cleanup EXIT
t0=$SECONDS

log "check: cargo/rustc run in $RUST_IMAGE"
"$DOCKER" run --rm "$RUST_IMAGE" sh -c 'cargo --version && rustc --version' >&2

log "check: apt-get install curl in a build FROM $DEBIAN_IMAGE"
mkdir -p "$WORK/curl"
printf 'FROM %s\nRUN apt-get update && apt-get install -y --no-install-recommends curl && curl --version\n' \
  "$DEBIAN_IMAGE" >"$WORK/curl/Dockerfile"
DOCKER_BUILDKIT=0 "$DOCKER" build --no-cache -q -t "$TAG_PREFIX:curl" "$WORK/curl" >/dev/null \
  || die "apt-get install curl failed inside a build"

# A throwaway crate with one crates.io dependency; stage 1 also links it
# statically (+crt-static, needs libc6-dev's libc.a), stage 2 runs it FROM scratch.
proj="$WORK/hello"
mkdir -p "$proj/src"
cat >"$proj/Cargo.toml" <<'EOF'
[package]
name = "hello"
version = "0.1.0"
edition = "2021"

[dependencies]
itoa = "1"
EOF
cat >"$proj/src/main.rs" <<'EOF'
fn main() {
    let mut buf = itoa::Buffer::new();
    println!("hello from {}", buf.format(4242u32));
}
EOF
cat >"$proj/Dockerfile" <<EOF
FROM $RUST_IMAGE AS build
WORKDIR /src
COPY . .
RUN cargo build --release && ./target/release/hello
RUN RUSTFLAGS='-C target-feature=+crt-static' cargo build --release --target $TRIPLE \\
 && cp target/$TRIPLE/release/hello /hello-static
FROM scratch
COPY --from=build /hello-static /hello
CMD ["/hello"]
EOF
check_build() { # $1 = tag suffix, rest = env + docker client
  local tag="$TAG_PREFIX:$1" out; shift
  env "$@" build --no-cache -q -t "$tag" "$proj" >/dev/null || die "cargo build in docker build ($tag) failed"
  out="$("$DOCKER" run --rm "$tag")"
  [ "$out" = "hello from 4242" ] || die "static binary FROM scratch ($tag) printed: $out"
}
log "check: cargo build + static binary FROM scratch, legacy builder ($LEGACY_DOCKER)"
check_build legacy DOCKER_BUILDKIT=0 "$LEGACY_DOCKER"
log "check: same with BuildKit (DOCKER_BUILDKIT=1 $DOCKER)"
check_build buildkit DOCKER_BUILDKIT=1 "$DOCKER"

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
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^($DEBIAN_IMAGE|$RUST_IMAGE) " >&2 || true
