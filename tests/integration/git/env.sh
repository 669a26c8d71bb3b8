# shellcheck shell=bash
# Settings of the loopback Git server (tests/integration/git/up.sh).
# Source it: `source tests/integration/git/env.sh`. Everything derives from
# GIT_SERVER_DIR, so a caller may move the whole state elsewhere.
export GIT_SERVER_DIR="${GIT_SERVER_DIR:-/tmp/flux-gitops-git}"
export GIT_SSH_HOST=127.0.0.1
export GIT_SSH_PORT="${GIT_SSH_PORT:-$((17022 + ${FLUX_GITOPS_PORT_OFFSET:-0}))}"
# sshd authenticates the user it runs as (root here and in CI).
export GIT_SSH_USER="${GIT_SSH_USER:-$(id -un)}"
# Client side: private key (Flux Secret key `identity`), public key
# (`identity.pub`) and the known_hosts line (`known_hosts`).
export GIT_SSH_IDENTITY="$GIT_SERVER_DIR/client/identity"
export GIT_SSH_KNOWN_HOSTS="$GIT_SERVER_DIR/client/known_hosts"
# Bare repositories live here; repo NAME is served as "$GIT_SSH_URL_BASE/NAME.git".
export GIT_REPOS_DIR="$GIT_SERVER_DIR/repos"
export GIT_SSH_URL_BASE="ssh://${GIT_SSH_USER}@${GIT_SSH_HOST}:${GIT_SSH_PORT}${GIT_REPOS_DIR}"
# For the git CLI talking to the server (strict host key checking).
export GIT_SSH_TEST_COMMAND="ssh -i $GIT_SSH_IDENTITY -o IdentitiesOnly=yes -o UserKnownHostsFile=$GIT_SSH_KNOWN_HOSTS -o StrictHostKeyChecking=yes -o BatchMode=yes -o GlobalKnownHostsFile=/dev/null"
# Smart HTTP (read-only), started by up.sh only with GIT_HTTP=1:
# repo NAME is served as "$GIT_HTTP_URL_BASE/NAME.git", without authentication.
export GIT_HTTP_PORT="${GIT_HTTP_PORT:-$((17080 + ${FLUX_GITOPS_PORT_OFFSET:-0}))}"
export GIT_HTTP_URL_BASE="http://127.0.0.1:${GIT_HTTP_PORT}"
