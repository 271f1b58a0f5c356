# numbers-api, v1: the lab's first image.
#
# It runs the service and nothing more. There is deliberately no HEALTHCHECK:
# after the fourth `curl /rng` answers 500, `docker ps` still says "Up",
# because Docker only watches the process, not whether the app works.
# Dockerfile.v2 adds the health check.
#
#   docker build -t numbers-api .
#   docker run -d --name numbers-v1 -p 8080:80 numbers-api
#   docker rm -f numbers-v1

# --- Stage 1: build ----------------------------------------------------------
# This stage is the same, line for line, in Dockerfile, Dockerfile.v2,
# Dockerfile.v3 and Dockerfile.books. Docker caches a stage by its
# instructions and the files they copy, so whichever image is built first
# compiles the service and every other image reuses its layers: the whole
# lab, and the book's images with it, compiles once.
#
# The compiler runs on the building machine's own platform (BUILDPLATFORM),
# whatever platform the image is for (TARGETARCH): an Apple Silicon Mac
# compiles natively for arm64, and a build for amd64 and arm64 at once
# (docs/teaching.md) cross-compiles rather than run a compiler under
# emulation. The legacy builder sets neither; `linux` then means the
# machine's own platform.
FROM --platform=${BUILDPLATFORM:-linux} debian:bookworm-slim AS builder
WORKDIR /src
ARG TARGETARCH
# The platforms to compile for, if not just the image's own: docker-bake.hcl
# sets "amd64 arm64", so that a two-platform build compiles both in one
# cargo run, and its images all copy from that one stage.
ARG ARCHES

# Debian's own Rust (rustc-web and cargo-web, 1.96 in bookworm; the crate
# needs 1.95), gcc to link, and setcap (libcap2-bin) for the capability
# below. For each platform other than the machine's, also that platform's
# Rust standard library and C library, and a linker for it. /etc/rust-targets
# keeps a line per platform, with its Rust target and its linker;
# /etc/rust-env, made from it, the cargo flags and linkers the builds use.
# This layer comes before the sources, so it is fetched once and cached.
RUN build="$(dpkg --print-architecture)" \
 && packages="rustc-web cargo-web gcc libc6-dev libcap2-bin ca-certificates" \
 && for arch in ${ARCHES:-${TARGETARCH:-$build}}; do \
      case "$arch" in \
        amd64) triple=x86_64-unknown-linux-gnu gnu=x86_64-linux-gnu ;; \
        arm64) triple=aarch64-unknown-linux-gnu gnu=aarch64-linux-gnu ;; \
        *) echo "no build for $arch: amd64 and arm64 only" >&2; exit 1 ;; \
      esac; \
      if [ "$arch" != "$build" ]; then \
        dpkg --add-architecture "$arch"; \
        packages="$packages libstd-rust-web-dev:$arch gcc-$(echo "$gnu" | tr _ -) libc6-dev-$arch-cross"; \
      fi; \
      echo "$arch $triple $gnu-gcc" >> /etc/rust-targets; \
    done \
 && apt-get update \
 && apt-get install -y --no-install-recommends $packages \
 && rm -rf /var/lib/apt/lists/* \
 && while read -r arch triple linker; do \
      printf 'targets="$targets --target %s"\nexport CARGO_TARGET_%s_LINKER=%s\n' \
        "$triple" "$(echo "$triple" | tr a-z- A-Z_)" "$linker"; \
    done < /etc/rust-targets > /etc/rust-env

# One static binary serves every image. `+crt-static` links the C library
# into it, so it runs on the slim Debian of v1 and v2 and on the empty
# `scratch` of v3 alike. The flag needs an explicit --target, or it would
# also apply to build scripts and proc-macros, which cannot be static.
ENV RUSTFLAGS="-C target-feature=+crt-static"

# Copy only the manifests first, then build the dependencies against an empty
# crate: this layer is cached, so editing src/ recompiles only our code.
# Cargo downloads the dependencies from crates.io here, so the build needs
# to reach it.
COPY Cargo.toml Cargo.lock ./
RUN . /etc/rust-env \
 && mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked $targets \
 && rm -rf src target/*/release/.fingerprint/numbers-api-* \
           target/*/release/deps/numbers_api-* \
           target/*/release/deps/libnumbers_api-*

# Now the real sources; only this layer reruns when the code changes. Each
# platform's binary goes to /out/<platform> (plain /out under the legacy
# builder, which names no platform), where the image's stage finds it. The
# `readelf` line fails the build, not the container, if a binary came out
# dynamic after all (scratch has no C library to load).
#
# The `setcap` line lets the non-root user serve port 80 on every engine. Ports
# below net.ipv4.ip_unprivileged_port_start need CAP_NET_BIND_SERVICE; Docker
# lowers that limit to 0 in each container, Podman and CRI-O leave it at
# 1024. `setcap ...=+p` stores the capability on the file as "permitted"
# only: the program switches it on for the bind, then drops every
# capability. Without the "e" (effective) bit, the binary still starts
# under `--cap-drop ALL` (it just gets no capability there).
#
# The binary sits in a folder of its own because the legacy builder loses a
# file's capability when it copies one file from another stage, and keeps it
# when it copies a folder (moby/moby#20435). BuildKit keeps it either way.
#
# Beside it, `dotnet` is a link to it: the name the book's images and
# compose files run (`dotnet Numbers.Api.dll`, `dotnet Utilities.HttpCheck.dll
# -t 150`). Called by that name, the binary answers the book's command lines
# (src/compat). Every image copies the folder into /usr/local/bin, which is
# on Docker's default PATH, so `dotnet` is found without a path.
#
# /links holds what an image FROM scratch cannot make itself, having no
# shell: the short path /numbers-api, a link into /usr/local/bin, which v3's
# ENTRYPOINT, HEALTHCHECK and the lab's `docker exec` commands use.
COPY src ./src
RUN . /etc/rust-env \
 && cargo build --release --locked $targets \
 && mkdir /links \
 && ln -s usr/local/bin/numbers-api /links/numbers-api \
 && while read -r arch triple linker; do \
      out="/out/${TARGETARCH:+$arch}" \
      && mkdir -p "$out" \
      && cp "target/$triple/release/numbers-api" "$out/numbers-api" \
      && ! readelf -l "$out/numbers-api" | grep -q 'program interpreter' \
      && setcap cap_net_bind_service=+p "$out/numbers-api" \
      && ln -s numbers-api "$out/dotnet" \
      || exit 1; \
    done < /etc/rust-targets

# --- Stage 2: run ------------------------------------------------------------
# A slim Debian with just the binary: no compiler, no sources, no cargo cache.
FROM debian:bookworm-slim

LABEL org.opencontainers.image.title="numbers-api" \
      org.opencontainers.image.description="A random-number API that fails on cue, for teaching Docker health checks (v1: no health check)" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT"

# The service runs as an unprivileged user. Port 80 still works: Docker
# (20.10 and newer) lets any user bind ports below 1024 in a container, and
# where an engine does not (Podman), the binary's capability does.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin numbers

# The folder's contents: the binary for this image's platform, with its
# capability, and `dotnet`, the link that answers the book's command lines
# (see the build stage).
ARG TARGETARCH
COPY --from=builder /out/${TARGETARCH}/ /usr/local/bin/

# Port 80 inside the container, as in the lab: `-p 8080:80` maps it.
ENV NUMBERS_LISTEN=0.0.0.0:80
EXPOSE 80
USER numbers

# Exec form: the binary is PID 1 and receives `docker stop`'s SIGTERM itself,
# so it shuts down at once instead of being killed after 10 seconds.
ENTRYPOINT ["/usr/local/bin/numbers-api"]
