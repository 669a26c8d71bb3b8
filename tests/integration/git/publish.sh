#!/usr/bin/env bash
# publish.sh <worktree> <name> [branch]: force-pushes the worktree's HEAD to
# the branch (default: main) of the bare repository <name>.git served by
# up.sh (created on first use), and prints its SSH URL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$here/env.sh"
src="${1:?usage: publish.sh <worktree> <name> [branch]}"
name="${2:?usage: publish.sh <worktree> <name> [branch]}"
branch="${3:-main}"
bare="$GIT_REPOS_DIR/$name.git"
if [[ ! -d "$bare" ]]; then
  mkdir -p "$GIT_REPOS_DIR"
  git init -q --bare --initial-branch="$branch" "$bare"
fi
# Through the SSH server itself when it runs, so the push proves the path.
GIT_SSH_COMMAND="$GIT_SSH_TEST_COMMAND" \
  git -C "$src" push -q --force "$GIT_SSH_URL_BASE/$name.git" "HEAD:refs/heads/$branch"
echo "$GIT_SSH_URL_BASE/$name.git"
