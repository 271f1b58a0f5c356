#!/usr/bin/env bash
# How much a two-platform build of the lab's three images costs over a
# one-platform build, measured side by side in one run on Docker 28.5
# (scripts/engines.sh): each build starts from an empty build cache, with
# the base image already there, and Debian's packages and the crates are
# downloaded each time, as on a teacher's machine the first time.
#
# Usage (as root, engines started, base images in place):
#   bash bench/two-platform.sh [ROUNDS]     default: 1 round of each
# Prints the seconds of each build and the ratio of their medians.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1}"
engine() { bash scripts/engines.sh exec docker28 "$@"; }

timed_bake() { # $1 = platforms
  engine docker builder prune -af >/dev/null
  local t0 t1
  t0=$(date +%s.%N)
  engine env PLATFORMS="$1" REGISTRY=bench.local docker buildx bake --load >/dev/null 2>&1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}' 
}

one=() two=()
for _ in $(seq "$rounds"); do
  one+=("$(timed_bake linux/amd64)")
  two+=("$(timed_bake linux/amd64,linux/arm64)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
m1="$(median "${one[@]}")"
m2="$(median "${two[@]}")"
printf 'one platform (amd64), three images: %s s (runs: %s)\n' "$m1" "${one[*]}"
printf 'two platforms (amd64, arm64), three images: %s s (runs: %s)\n' "$m2" "${two[*]}"
awk -v a="$m1" -v b="$m2" 'BEGIN {printf "ratio: %.2f\n", b / a}' 
engine sh -c 'docker image ls --format "{{.Repository}}:{{.Tag}}" | grep "^bench.local/" | xargs -r docker image rm' >/dev/null
