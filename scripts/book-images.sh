#!/usr/bin/env bash
# Build the images the books' numbers exercises run, from this checkout, and
# tag each with the book's own name, so the book's compose and stack files
# run unchanged with them (docs/books.md):
#
#   diamol/ch08-numbers-api   latest v2 v3 2e 2e-v2 2e-v3
#   diamol/ch08-numbers-web   latest v2 v3 2e 2e-v2 2e-v3
#   diamol/ch14-numbers-api   v5
#   diamol/ch14-numbers-web   v5
#   kiamol/ch03-numbers-api   latest
#
# Usage, from anywhere, as any user who may run docker:
#   bash scripts/book-images.sh
#   DOCKER=/usr/bin/docker DOCKER_BUILDKIT=1 bash scripts/book-images.sh
#
# Every image is one target of Dockerfile.books. They share its build stage,
# which is also the lab's (Dockerfile, .v2, .v3), so the service compiles
# once: the first build compiles, if the lab has not already, and the others
# take that stage from Docker's cache. Running the script again rebuilds
# from the cache and tags the same names: it changes nothing that is current.
#
# These tags shadow the book's images on this machine: `docker pull`, or a
# compose or stack command that pulls, puts the book's back. To remove ours
# (only images that carry our label):
#   docker image rm $(docker image ls --format '{{.Repository}}:{{.Tag}}' \
#     --filter label=org.opencontainers.image.title=numbers-api \
#     --filter 'reference=*/ch*-numbers-*')
set -euo pipefail
cd "$(dirname "$0")/.."

# The client to build with; BuildKit or the legacy builder is docker's
# choice (DOCKER_BUILDKIT), and both work.
DOCKER="${DOCKER:-docker}"

# target of Dockerfile.books, then the tags it gets.
IMAGES=(
  "ch08-numbers-api        diamol/ch08-numbers-api:latest"
  "ch08-numbers-api-v2     diamol/ch08-numbers-api:v2"
  "ch08-numbers-api-v3     diamol/ch08-numbers-api:v3"
  "ch14-numbers-api-v5     diamol/ch14-numbers-api:v5"
  "ch08-numbers-web        diamol/ch08-numbers-web:latest"
  "ch08-numbers-web-v2     diamol/ch08-numbers-web:v2"
  "ch08-numbers-web-v3     diamol/ch08-numbers-web:v3"
  "ch14-numbers-web-v5     diamol/ch14-numbers-web:v5"
  "ch08-numbers-api-2e     diamol/ch08-numbers-api:2e"
  "ch08-numbers-api-2e-v2  diamol/ch08-numbers-api:2e-v2"
  "ch08-numbers-api-2e-v3  diamol/ch08-numbers-api:2e-v3"
  "ch08-numbers-web-2e     diamol/ch08-numbers-web:2e"
  "ch08-numbers-web-2e-v2  diamol/ch08-numbers-web:2e-v2"
  "ch08-numbers-web-2e-v3  diamol/ch08-numbers-web:2e-v3"
  "kiamol-ch03-numbers-api kiamol/ch03-numbers-api:latest"
)

tagged=()
for line in "${IMAGES[@]}"; do
  read -r target tags <<<"$line"
  args=()
  for tag in $tags; do args+=(-t "$tag"); done
  echo "book-images: building $target" >&2
  "$DOCKER" build -f Dockerfile.books --target "$target" "${args[@]}" . >&2
  for tag in $tags; do
    id="$("$DOCKER" image inspect --format '{{.Id}}' "$tag")"
    echo "book-images: tagged $tag (${id:7:12})" >&2
    tagged+=("$tag ${id:7:12}")
  done
done

# What was tagged, on stdout: one image a line, name and short id.
printf '%s\n' "${tagged[@]}"
