#!/usr/bin/env bash
# npm run test:integration: builds (or reuses) the offline toolchain, starts a
# real control plane, Flux's controllers and the loopback Git server, runs the
# integration suite (*.it.ts) and stops everything again, also on failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# shellcheck source=services.sh
source "$here/services.sh"

t0=$(date +%s)
build_cluster_toolchain
t_built=$(date +%s)
echo "integration: toolchain ready in $((t_built - t0))s"

trap 'stop_services $?' EXIT

bash "$here/cluster/up.sh"
bash "$here/flux/up.sh"
bash "$here/git/up.sh"
t_up=$(date +%s)
echo "integration: control plane, Flux and Git server up in $((t_up - t_built))s"

# shellcheck source=cluster/env.sh
source "$here/cluster/env.sh"
# shellcheck source=flux/env.sh
source "$here/flux/env.sh"
# shellcheck source=git/env.sh
source "$here/git/env.sh"

npx mocha --no-config --require ts-node/register/transpile-only --extension ts \
  --timeout 900000 --reporter spec "tests/integration/*.it.ts"
echo "integration: suite finished in $(($(date +%s) - t_up))s (total $(($(date +%s) - t0))s)"
