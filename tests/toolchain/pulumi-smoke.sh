#!/usr/bin/env bash
# Smoke test of the offline-built Pulumi toolchain (build-pulumi.sh): the CLI, a language
# host and the kubernetes provider load and talk to each other. Everything runs in a temp
# dir outside the repository, with a local file backend and a passphrase secrets provider;
# nothing is downloaded. The kubernetes provider is given a kubeconfig whose server is a
# closed loopback port, so no cluster is touched; preview still plans the ConfigMap (seen
# with provider 4.25.0: no error or warning about the missing cluster).
#
# Checks: `pulumi version`; `pulumi plugin ls` (plugin cache, empty at first) and
# `pulumi plugin ls --project` (resolves the ambient plugins on PATH); `pulumi preview` of a
# YAML program; `pulumi preview` of a Node.js program using the repository's node_modules
# (skipped when pulumi-language-nodejs or node_modules is missing); `pulumi preview` of a
# Node.js inline program through the Automation API (needs node_modules, not the host);
# `pulumi plugin install --file` of the built provider into the (temp) plugin cache.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source "$here/versions.env"

toolpath="$(PULUMI_WITH_YAML=1 "$here/build-pulumi.sh")" || { echo "pulumi-smoke: build-pulumi.sh failed" >&2; exit 1; }
export PATH="$toolpath:$PATH"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-smoke.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/state" "$tmp/home"
export PULUMI_HOME="$tmp/home"
export PULUMI_BACKEND_URL="file://$tmp/state"
export PULUMI_CONFIG_PASSPHRASE=test
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
unset KUBECONFIG PULUMI_ACCESS_TOKEN

passed=0 failed=0 skipped=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
skip() { echo "skip: $*"; skipped=$((skipped + 1)); }

# run NAME CMD...: runs CMD, shows its output, returns its status.
run() {
  local name="$1" rc=0 start
  shift
  start=$(date +%s)
  echo "--- $name: $*"
  "$@" >"$tmp/out" 2>&1 || rc=$?
  sed 's/^/    /' "$tmp/out"
  echo "--- $name: exit $rc in $(($(date +%s) - start))s"
  return "$rc"
}

# A kubeconfig for a cluster that does not exist (nothing listens on 127.0.0.1:1).
cat >"$tmp/kubeconfig" <<'EOF'
apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster:
    server: https://127.0.0.1:1
    insecure-skip-tls-verify: true
users:
- name: nobody
  user:
    token: not-a-token
contexts:
- name: nowhere
  context:
    cluster: nowhere
    user: nobody
current-context: nowhere
EOF

# 1. version
if run version pulumi version && grep -qx "$PULUMI_VERSION" "$tmp/out"; then
  ok "pulumi version is $PULUMI_VERSION"
else
  bad "pulumi version (expected $PULUMI_VERSION)"
fi

# 2. plugin cache listing (ambient plugins are not in the cache; it must simply work)
if run plugin-ls pulumi plugin ls; then ok "pulumi plugin ls"; else bad "pulumi plugin ls"; fi

# preview_project NAME DIR: stack init, config, plugin ls --project, preview.
preview_project() {
  local name="$1" dir="$2" ok_preview=0
  (
    cd "$dir" || exit 1
    run "$name stack init" pulumi stack init smoke --non-interactive || exit 1
    run "$name config" pulumi config set kubeconfigPath "$tmp/kubeconfig" || exit 1
    if run "$name plugin ls --project" pulumi plugin ls --project &&
      grep -q 'kubernetes' "$tmp/out"; then
      echo "ambient kubernetes provider resolved"
    else
      echo "ambient kubernetes provider NOT resolved"
      exit 1
    fi
    run "$name preview" pulumi preview --non-interactive --diff || exit 1
    grep -q 'kubernetes:core/v1:ConfigMap' "$tmp/out" || { echo "ConfigMap not in the preview"; exit 1; }
    # stack + provider + ConfigMap
    grep -Eq '\+ 3 to create' "$tmp/out" || { echo "preview did not plan the 3 creates"; exit 1; }
  ) && ok_preview=1
  if ((ok_preview)); then ok "$name: plugin ls --project + preview"; else bad "$name: plugin ls --project + preview"; fi
}

# 3. YAML program (language host pulumi-language-yaml)
if command -v pulumi-language-yaml >/dev/null; then
  mkdir -p "$tmp/yaml"
  cat >"$tmp/yaml/Pulumi.yaml" <<'EOF'
name: smoke-yaml
runtime: yaml
config:
  kubeconfigPath:
    type: string
resources:
  k8s:
    type: pulumi:providers:kubernetes
    properties:
      kubeconfig: ${kubeconfigPath}
  smoke:
    type: kubernetes:core/v1:ConfigMap
    properties:
      metadata:
        name: smoke
        namespace: default
      data:
        hello: world
    options:
      provider: ${k8s}
EOF
  preview_project yaml "$tmp/yaml"
else
  skip "yaml preview: pulumi-language-yaml not built"
fi

# 4. Node.js program (language host pulumi-language-nodejs + the repository's node_modules)
if ! command -v pulumi-language-nodejs >/dev/null; then
  skip "nodejs preview: pulumi-language-nodejs not built (see build-pulumi.sh output)"
elif [[ ! -d "$repo/node_modules/@pulumi/kubernetes" ]]; then
  skip "nodejs preview: $repo/node_modules missing (run npm ci first)"
else
  mkdir -p "$tmp/nodejs"
  ln -s "$repo/node_modules" "$tmp/nodejs/node_modules"
  cat >"$tmp/nodejs/Pulumi.yaml" <<'EOF'
name: smoke-nodejs
runtime: nodejs
main: index.js
EOF
  cat >"$tmp/nodejs/package.json" <<'EOF'
{ "name": "smoke-nodejs", "private": true, "main": "index.js" }
EOF
  cat >"$tmp/nodejs/index.js" <<'EOF'
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const config = new pulumi.Config();
const provider = new k8s.Provider("k8s", { kubeconfig: config.require("kubeconfigPath") });
new k8s.core.v1.ConfigMap("smoke", {
  metadata: { name: "smoke", namespace: "default" },
  data: { hello: "world" },
}, { provider });
EOF
  preview_project nodejs "$tmp/nodejs"
fi

# 5. Node.js program through the Automation API's inline-program mode: the SDK serves the
#    language runtime itself and runs `pulumi preview --client=<addr>`, so no
#    pulumi-language-nodejs binary is involved (the CLI and provider are the real ones).
if [[ ! -d "$repo/node_modules/@pulumi/pulumi/automation" ]]; then
  skip "nodejs inline preview: $repo/node_modules missing (run npm ci first)"
else
  mkdir -p "$tmp/inline"
  ln -s "$repo/node_modules" "$tmp/inline/node_modules"
  cat >"$tmp/inline/preview.js" <<'EOF'
const auto = require("@pulumi/pulumi/automation");
const k8s = require("@pulumi/kubernetes");

async function main() {
  const program = async () => {
    const provider = new k8s.Provider("k8s", { kubeconfig: process.env.SMOKE_KUBECONFIG });
    new k8s.core.v1.ConfigMap("smoke", {
      metadata: { name: "smoke", namespace: "default" },
      data: { hello: "world" },
    }, { provider });
  };
  const stack = await auto.LocalWorkspace.createOrSelectStack(
    { stackName: "smoke", projectName: "smoke-inline", program });
  const res = await stack.preview({ diff: true, onOutput: (s) => process.stdout.write(s) });
  console.log("changeSummary " + JSON.stringify(res.changeSummary));
  // stack + provider + ConfigMap
  if (res.changeSummary.create !== 3) throw new Error("expected 3 creates");
}
main().catch((e) => { console.error(e); process.exit(1); });
EOF
  if (cd "$tmp/inline" && SMOKE_KUBECONFIG="$tmp/kubeconfig" run "nodejs inline preview" node preview.js) &&
    grep -q 'kubernetes:core/v1:ConfigMap' "$tmp/out"; then
    ok "nodejs inline (automation API) preview"
  else
    bad "nodejs inline (automation API) preview"
  fi
fi

# 6. The plugin cache route (instead of ambient plugins): install the built provider binary
#    under its version, then `pulumi plugin ls` lists it.
kbin="$(command -v pulumi-resource-kubernetes)"
kver="${PULUMI_KUBERNETES_VERSION#v}"
if run plugin-install pulumi plugin install resource kubernetes "$kver" --file "$kbin" &&
  run plugin-ls-installed pulumi plugin ls && grep -Eq "^kubernetes +resource +$kver " "$tmp/out"; then
  ok "plugin install --file + plugin ls lists kubernetes $kver"
else
  bad "plugin install --file + plugin ls"
fi

echo "pulumi-smoke: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
