#!/usr/bin/env bash
# The library's and the API's tests, compiled for arm64 (aarch64) and run
# under qemu, so that a difference of architecture shows as a failing test.
# The compiler is Debian's (the one the Dockerfiles use), cross-compiling;
# only the test binaries run under emulation, through cargo's runner.
#
# Usage (as root, on an amd64 Debian bookworm machine):
#   bash scripts/test-arm64.sh [CARGO TEST ARGS...]
#   default arguments: --lib --test api
#
# It installs, once: rustc-web and cargo-web (Rust 1.96) with arm64's
# standard library, and the aarch64 cross linker and C library; qemu comes
# with scripts/install-docker.sh.
# They go beside the machine's own Rust, which they leave as it is: this
# script names Debian's rustc and cargo by path, and builds in a target
# folder of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test-arm64] %s\n' "$*" >&2; }

PACKAGES=(rustc-web cargo-web libstd-rust-web-dev:arm64 gcc-aarch64-linux-gnu
          libc6-dev-arm64-cross)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  dpkg --add-architecture arm64
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$#" -gt 0 ] || set -- --lib --test api
export RUSTC=/usr/bin/rustc
export CARGO_TARGET_DIR="$PWD/target/arm64"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
# Static, as the images' binary is: and a test binary linked dynamically
# against the cross C library hangs in its first thread under qemu here.
export RUSTFLAGS="-C target-feature=+crt-static"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=qemu-aarch64
log "$($RUSTC --version), tests under $(qemu-aarch64 --version | head -n1)"
exec /usr/bin/cargo test --locked --target aarch64-unknown-linux-gnu "$@"
