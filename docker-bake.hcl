# The lab's three images for amd64 and arm64 at once, in one command, for a
# teacher who hands them out (docs/teaching.md):
#
#   REGISTRY=192.168.1.20:5000 docker buildx bake --push
#
# builds numbers-api:v1, :v2 and :v3 from Dockerfile, Dockerfile.v2 and
# Dockerfile.v3, each for both platforms, and pushes them to REGISTRY. The
# build stage runs once, natively, and compiles for both platforms in one
# cargo run (target "builder" below); arm64 is cross-compiled, not emulated
# (see the Dockerfiles' first stage).
#
# A two-platform image lives in a registry (or an engine with the containerd
# image store, as Docker Desktop has), so `--push` is the usual way out;
# `--load` keeps them in such an engine instead.

variable "REGISTRY" {
  default = "localhost:5000"
}

variable "PLATFORMS" {
  default = "linux/amd64,linux/arm64"
}

group "default" {
  targets = ["v1", "v2", "v3"]
}

# The Dockerfiles' build stage, built once on this machine's platform for
# every platform in PLATFORMS (its ARCHES: "amd64 arm64"). It stands in for
# the `builder` stage of each image below, for each platform: the shared
# Rust downloads, build scripts and macros are built once, and the images'
# stages copy their platform's binary from it.
target "builder" {
  context    = "."
  dockerfile = "Dockerfile"
  target     = "builder"
  args       = { ARCHES = replace(replace(PLATFORMS, "linux/", ""), ",", " ") }
}

target "lab" {
  context   = "."
  contexts  = { builder = "target:builder" }
  platforms = split(",", PLATFORMS)
  # Docker's media types and no attestation manifest: Podman reads a
  # HEALTHCHECK only from a Docker-format image (it pulls an OCI one, the
  # default of BuildKit, without it). `--push` and `--load` keep these.
  output = ["type=image,oci-mediatypes=false,store=false"]
  attest = ["type=provenance,disabled=true"]
}

target "v1" {
  inherits   = ["lab"]
  dockerfile = "Dockerfile"
  tags       = ["${REGISTRY}/numbers-api:v1"]
}

target "v2" {
  inherits   = ["lab"]
  dockerfile = "Dockerfile.v2"
  tags       = ["${REGISTRY}/numbers-api:v2"]
}

target "v3" {
  inherits   = ["lab"]
  dockerfile = "Dockerfile.v3"
  tags       = ["${REGISTRY}/numbers-api:v3"]
}
