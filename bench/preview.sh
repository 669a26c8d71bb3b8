#!/usr/bin/env bash
# bench/preview.sh: what `pulumi preview` of the prod stack costs, whole process (the real CLI,
# the Node.js language host, ts-node, the kubernetes provider), against a floor:
# bench/floor/index.ts, which declares the same objects as constants (the install's objects as
# the program builds them, written to JSON before the runs by bench/floor/install-objects.ts),
# run from an identical project (same Pulumi.yaml, tsconfig files, node_modules and stack config).
#
#   bench/preview.sh                    # program and floor, as configured (ts-node + swc)
#   BENCH_RUNS=15 bench/preview.sh      # paired runs (default 9)
#   BENCH_BASE=main bench/preview.sh    # also the program at a commit, in the same rounds
#   BENCH_VARIANTS="program floor program-typecheck program-ts-transpile" bench/preview.sh
#       program-typecheck: type-checked by ts-node, as every preview was before swc;
#       program-ts-transpile: TypeScript's transpile-only mode without swc;
#       floor-group: the floor with the install as one ConfigGroup, as the program declared it
#       up to aa5ec80;
#       program-uncached: the program with its cache of parsed install manifests emptied first
#       (prepare/manifest-cache.ts), as on a runner's first preview after `npm ci`.
#
# Each round runs every variant once, in an order rotated from round to round, so a slow moment of
# the machine (other suites share its two cores) hits them alike; the ratios are medians of each
# round's ratio to the floor. Per run: wall time; CPU time, user + system of the whole process
# tree (GNU time); peak RSS of the largest process (GNU time, the program's node process); and,
# sampled every 0.1 s, every process's own peak RSS added up and the CPU time by process.
#
# Needs the Pulumi toolchain (tests/toolchain/build-pulumi.sh; built if missing) and Flux's CRDs
# (tests/toolchain/build-flux.sh) for a local install manifest, so nothing is downloaded.
# A preview needs a reachable cluster (the provider reads the API server's schema). With
# $KUBECONFIG set (for example `source /tmp/flux-gitops-sandbox/env.sh` while the sandbox runs)
# that cluster is used; otherwise the script starts the local control plane itself
# (tests/integration/cluster/up.sh, at CLUSTER_DIR and FLUX_GITOPS_PORT_OFFSET), under the cluster
# lock $CLUSTER_LOCK (waiting for it), and stops it at the end.
# A figure, not a test: it exits 0 whatever the ratios (it fails only if a preview fails).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
bench_need_lock "$0" "$@"
runs="${BENCH_RUNS:-9}"
read -r -a variants <<<"${BENCH_VARIANTS:-program floor}"
[[ -z "${BENCH_BASE:-}" ]] || variants+=(base)

bench_start
bench_project program "$root"
bench_floor floor
if [[ -n "${BENCH_BASE:-}" ]]; then
  base_commit="$(git -C "$root" rev-parse --short "$BENCH_BASE")"
  bench_project base "$base_commit"
fi

# sample SID: one line per process of the session, "pid comm VmHWM-KiB CPU-ticks" (the time
# wrapper left out).
sample() {
  awk -v sid="$1" 'FNR == 1 && $6 == sid && $2 != "(time)" {
      f = "/proc/" $1 "/status"; cpu = $14 + $15
      while ((getline line < f) > 0) if (line ~ /^VmHWM:/) { split(line, a, " "); print $1, $2, a[2], cpu }
      close(f)
    }' /proc/[0-9]*/stat 2>/dev/null || true
}

# measure VARIANT: one whole-process `pulumi preview`; prints "wall-ms cpu-ms peak-KiB tree-KiB"
# and, from the samples, the CPU ms of the CLI, the language hosts, node and the providers.
measure() {
  local v="$1" dir env=() timing="$work/time" log="$work/last.log" pid
  case "$v" in
    program | floor | base) dir="$work/$v" ;;
    program-uncached) dir="$work/program" && rm -rf "$root/node_modules/.cache/flux-gitops" ;;
    floor-group) dir="$work/floor" env=(BENCH_FLOOR_GROUP=true) ;;
    program-typecheck) dir="$work/program" env=(PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.typecheck.json) ;;
    program-ts-transpile)
      dir="$work/program"
      env=(PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.typecheck.json PULUMI_NODEJS_TRANSPILE_ONLY=true)
      ;;
    *) echo "bench: unknown variant $v" >&2; exit 2 ;;
  esac
  : >"$work/samples"
  # Its own session (setsid execs in place: a background job here leads no process group), so
  # every process of the tree is found by its session id.
  (cd "$dir" && exec setsid /usr/bin/time -o "$timing" -f "%e %U %S %M" env \
    PULUMI_BACKEND_URL="file://$dir/state" "${env[@]}" \
    pulumi preview --stack prod --non-interactive >"$log" 2>&1) &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sample "$pid" >>"$work/samples"
    sleep 0.1
  done
  if ! wait "$pid"; then
    echo "bench: pulumi preview ($v) failed in $dir:" >&2
    cat "$log" >&2
    exit 1
  fi
  awk -v tick="$tick_ms" '{ if ($3 > peak[$1]) peak[$1] = $3; if ($4 > cpu[$1]) cpu[$1] = $4; comm[$1] = $2 }
    END {
      for (p in peak) {
        tree += peak[p]; c = cpu[p] * tick
        if (comm[p] == "(pulumi)") cli += c; else if (comm[p] == "(node)") node += c
        else if (comm[p] ~ /^\(pulumi-language/) host += c; else if (comm[p] ~ /^\(pulumi-resource/) prov += c
      }
      printf "%d %d %d %d %d", tree, cli, host, node, prov
    }' "$work/samples" >"$work/mem"
  awk -v more="$(cat "$work/mem")" '{ split(more, m, " ")
    printf "%d %d %d %d %d %d %d %d\n", $1 * 1000, ($2 + $3) * 1000, $4, m[1], m[2], m[3], m[4], m[5] }' "$timing"
}
tick_ms=$((1000 / $(getconf CLK_TCK)))

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "bench: commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- "${PROGRAM_FILES[@]}" bench || echo ' (with uncommitted changes)'); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); KUBECONFIG=$KUBECONFIG" >&2
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
# One unmeasured run of each warms the file cache.
for v in "${variants[@]}"; do measure "$v" >/dev/null; done
results="$work/results" # round variant wall cpu peak tree cli host node providers
: >"$results"
n=${#variants[@]}
for i in $(seq 1 "$runs"); do
  for j in $(seq 0 $((n - 1))); do
    v="${variants[$(((i + j) % n))]}"
    echo "$i $v $(measure "$v")" >>"$results"
  done
  echo "bench: round $i/$runs done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "pulumi preview --stack prod, whole process: medians of $runs rounds$([[ -z "${base_commit:-}" ]] || echo "; base = commit $base_commit")"
col() { awk -v v="$1" -v c="$2" -v d="$3" '$2 == v { print $c / d }' "$results" | median; }
printf '  %-22s %8s %8s %14s %14s\n' variant wall CPU "peak RSS" "peak, summed"
for v in "${variants[@]}"; do
  printf '  %-22s %7.2fs %7.2fs %10.0f MiB %10.0f MiB\n' "$v" \
    "$(col "$v" 3 1000)" "$(col "$v" 4 1000)" "$(col "$v" 5 1024)" "$(col "$v" 6 1024)"
done
echo "  against the floor, medians of the per-round ratios (and of the differences in memory):"
for v in "${variants[@]}"; do
  [[ $v != floor ]] || continue
  pair() { # COLUMN OP: per round, v's value OP the floor's, then the median
    awk -v v="$v" -v c="$1" -v op="$2" '$2 == v { x[$1] = $c } $2 == "floor" { f[$1] = $c }
      END { for (r in x) print (op == "/") ? x[r] / f[r] : (x[r] - f[r]) / 1024 }' "$results" | median
  }
  printf '  %-22s wall %.3fx  CPU %.3fx  peak RSS %+.0f MiB  summed %+.0f MiB\n' "$v / floor" \
    "$(pair 3 /)" "$(pair 4 /)" "$(pair 5 -)" "$(pair 6 -)"
done
echo "  goal: program / floor at most 1.10x wall and CPU, at most +40 MiB peak RSS"
echo "  CPU by process (sampled every 0.1 s, so a little under the total), medians:"
printf '  %-22s %8s %8s %8s %10s\n' variant CLI "lang host" node providers
for v in "${variants[@]}"; do
  printf '  %-22s %7.2fs %7.2fs %7.2fs %9.2fs\n' "$v" \
    "$(col "$v" 7 1000)" "$(col "$v" 8 1000)" "$(col "$v" 9 1000)" "$(col "$v" 10 1000)"
done
echo "  peak RSS: the largest process's (GNU time %M, the program's node process); summed: every"
echo "  process's own peak (VmHWM, sampled) added up, the CLI, language hosts and providers included"
echo "  load average: $load_start at the start, $load_end at the end ($(nproc) cores)"
if [[ -n "${BENCH_RESULTS:-}" ]]; then cp "$results" "$BENCH_RESULTS"; fi
