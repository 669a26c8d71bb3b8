#!/usr/bin/env bash
# npm run test:e2e: the program driven by the real Pulumi CLI and Node.js language host
# (built offline), in a copy of the project directory, against the local control plane,
# Flux's controllers and the loopback Git server of the integration suite. Everything is
# stopped at the end, also on failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
it="$root/tests/integration"
cd "$root"

# shellcheck source=../integration/services.sh
source "$it/services.sh"

t0=$(date +%s)
build_cluster_toolchain
toolpath="$(bash tests/toolchain/build-pulumi.sh)"
echo "e2e: toolchain ready in $(($(date +%s) - t0))s"

export E2E_DIR
E2E_DIR="$(mktemp -d "${TMPDIR:-/tmp}/flux-gitops-e2e.XXXXXX")"
trap 'status=$?; stop_services $status; rm -rf "$E2E_DIR"' EXIT

bash "$it/cluster/up.sh"
bash "$it/git/up.sh"
# shellcheck source=../integration/cluster/env.sh
source "$it/cluster/env.sh"
# shellcheck source=../integration/flux/env.sh
source "$it/flux/env.sh"
# shellcheck source=../integration/git/env.sh
source "$it/git/env.sh"

# The real CLI and providers, from PATH only; a local backend and passphrase secrets.
export PATH="$toolpath:$PATH"
export PULUMI_HOME="$E2E_DIR/pulumi-home"
export PULUMI_BACKEND_URL="file://$E2E_DIR/state"
export PULUMI_CONFIG_PASSPHRASE="e2e-passphrase"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
mkdir -p "$E2E_DIR/state" "$PULUMI_HOME"
# The suite runs the program the way users do, through the Node.js language host.
if ! host="$(command -v pulumi-language-nodejs)"; then
  echo "e2e: pulumi-language-nodejs was not built (see build-pulumi.sh output)" >&2
  exit 1
fi
echo "e2e: pulumi $(pulumi version), language host $host"

npx mocha --no-config --require ts-node/register/transpile-only --extension ts \
  --timeout 1800000 --reporter spec ${E2E_GREP:+--grep "$E2E_GREP"} ${E2E_SPEC:-"tests/e2e/*.e2e.ts"}
echo "e2e: finished in $(($(date +%s) - t0))s"
