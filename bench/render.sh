#!/usr/bin/env bash
# bench/render.sh [runs] (npm run bench:render)
#
# Whole-process time of `npm run render` for the prod stack and for a generated
# 200-layer stack (written as Pulumi.bench-200.yaml for the run, removed after),
# each run `runs` times (default 5); prints every time and the median.
set -euo pipefail
cd "$(dirname "$0")/.."
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

# Wall time is what a user waits; CPU time (user + system) says how much of it is this command
# when other work shares the machine.
timing="$(mktemp)"
trap 'rm -f "$stack_file" "$timing"' EXIT
for stack in prod bench-200; do
  walls=()
  cpus=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$timing" -f "%e %U %S" npm run --silent render -- --stack "$stack" >/dev/null
    read -r wall user sys <"$timing"
    walls+=("$wall")
    cpus+=("$(echo "$user + $sys" | bc)")
  done
  documents=$(npm run --silent render -- --stack "$stack" | grep -c '^# Source: ')
  printf '%s (%s documents): wall %s s (median %s s); CPU %s s (median %s s)\n' "$stack" "$documents" \
    "${walls[*]}" "$(printf '%s\n' "${walls[@]}" | median)" \
    "${cpus[*]}" "$(printf '%s\n' "${cpus[@]}" | median)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
