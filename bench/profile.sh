#!/usr/bin/env bash
# bench/profile.sh: a CPU profile of the program's node process during `pulumi preview` of the
# prod stack, through the real CLI, in the same project copies as bench/preview.sh, and where
# its time went (bench/cpuprofile-summary.js).
#
#   bench/profile.sh                  # the program
#   bench/profile.sh floor            # the floor (bench/floor/index.ts)
#   BENCH_PROFILE_DIR=/tmp/p BENCH_TOP=40 bench/profile.sh program
#
# Node 20 refuses --cpu-prof in NODE_OPTIONS, so NODE_OPTIONS preloads bench/cpu-profile.js,
# which profiles the process the language host starts for the program and writes
# program-<pid>.cpuprofile to $BENCH_PROFILE_DIR (default: a new folder, printed; open it in
# Chrome's DevTools, Performance tab, for the flame chart). The cluster: as bench/preview.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
bench_need_lock "$0" "$@"
variant="${1:-program}"
out="${BENCH_PROFILE_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/flux-gitops-profile.XXXXXX")}"

bench_start
case "$variant" in
  program) bench_project program "$root" ;;
  floor) bench_floor floor ;;
  *) echo "usage: bench/profile.sh [program|floor]" >&2; exit 2 ;;
esac
dir="$work/$variant"
run() {
  (cd "$dir" && env PULUMI_BACKEND_URL="file://$dir/state" "$@" \
    pulumi preview --stack prod --non-interactive >"$work/last.log" 2>&1) ||
    { cat "$work/last.log" >&2; exit 1; }
}
# An unprofiled run first, as bench/preview.sh does, so the file cache is warm for the profiled one.
run
rm -f "$out"/program-*.cpuprofile
run BENCH_CPU_PROF_DIR="$out" NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--require $here/cpu-profile.js"
echo "bench: $variant, commit $(git -C "$root" rev-parse --short HEAD); load $(cut -d' ' -f1-3 /proc/loadavg)"
for f in "$out"/program-*.cpuprofile; do node "$here/cpuprofile-summary.js" "$f" "${BENCH_TOP:-20}"; done
