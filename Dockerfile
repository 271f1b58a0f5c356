# numbers-api, v1: the lab's first image.
#
# It runs the service and nothing more. There is deliberately no HEALTHCHECK:
# after the fourth `curl /rng` answers 500, `docker ps` still says "Up",
# because Docker only watches the process, not whether the app works.
# Dockerfile.v2 adds the health check.
#
#   docker build -t numbers-api .
#   docker run -d -p 8080:80 numbers-api

# --- Stage 1: build ----------------------------------------------------------
# The full Rust toolchain, pinned to the version the project is tested with.
# To move to a newer Rust, change this tag and `rust-version` in Cargo.toml
# together (see "Bumping Rust" in the README).
FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src

# Copy only the manifests first, then build the dependencies against an empty
# crate: this layer is cached, so editing src/ recompiles only our code.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked \
 && rm -rf src target/release/.fingerprint/numbers-api-* \
           target/release/deps/numbers_api-* target/release/deps/libnumbers_api-*

# Now the real sources; only this layer reruns when the code changes.
COPY src ./src
RUN cargo build --release --locked \
 && cp target/release/numbers-api /usr/local/bin/numbers-api

# --- Stage 2: run ------------------------------------------------------------
# A slim Debian with just the binary: no compiler, no sources, no cargo cache.
FROM debian:bookworm-slim

LABEL org.opencontainers.image.title="numbers-api" \
      org.opencontainers.image.description="A random-number API that fails on cue, for teaching Docker health checks (v1: no health check)" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT"

# The service needs no privileges, so it gets none. Docker (20.10 and newer)
# lets unprivileged processes in a container bind ports below 1024, so port
# 80 still works.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin numbers

COPY --from=builder /usr/local/bin/numbers-api /usr/local/bin/numbers-api

# Port 80 inside the container, as in the lab: `-p 8080:80` maps it.
ENV NUMBERS_LISTEN=0.0.0.0:80
EXPOSE 80
USER numbers

# Exec form: the binary is PID 1 and receives `docker stop`'s SIGTERM itself,
# so it shuts down at once instead of being killed after 10 seconds.
ENTRYPOINT ["/usr/local/bin/numbers-api"]
