#!/usr/bin/env bash
# render-timing.sh [runs]
#
# Whole-process time of `npm run render` for the prod stack and for a generated
# 200-layer stack (written as Pulumi.bench-200.yaml for the run, removed after),
# each run `runs` times (default 5); prints every time and the median.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
stack_file=Pulumi.bench-200.yaml
trap 'rm -f "$stack_file"' EXIT

{
  echo "config:"
  echo "  flux-gitops:git:"
  echo "    url: ssh://git@git.example.test/org/gitops.git"
  echo "  flux-gitops:layers:"
  prev=infrastructure
  for i in $(seq -w 1 200); do
    echo "    layer-$i:"
    echo "      path: ./gitops/layers/$i"
    echo "      dependsOn: [$prev]"
    echo "      healthChecks:"
    echo "        - name: release-$i"
    echo "          namespace: ns-$i"
    prev="layer-$i"
  done
} >"$stack_file"

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for stack in prod bench-200; do
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    npm run --silent render -- --stack "$stack" >/dev/null
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  objects=$(npm run --silent render -- --stack "$stack" | grep -c '^# Source: ')
  printf '%s (%s documents): %s s; median %s s\n' "$stack" "$objects" "${times[*]}" \
    "$(printf '%s\n' "${times[@]}" | median)"
done
