#!/usr/bin/env bash
# npm run bench: every measurement of bench/README.md, one after the other (they share the local
# control plane and the machine's two cores, so never at the same time). Not part of CI.
#   npm run bench:preview   pulumi preview of prod against the floor (bench/preview.sh)
#   npm run bench:up        pulumi up against raw Flux at --requeue-dependency 5s and 30s
#   npm run bench:render    npm run render of prod and of a 200-layer stack
# Each figure is printed with the command that reproduces it, the commit and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "bench: commit $(git rev-parse --short HEAD); $(nproc) cores; $(uname -sr)"
npm run --silent bench:render
npm run --silent bench:preview
npm run --silent bench:up
