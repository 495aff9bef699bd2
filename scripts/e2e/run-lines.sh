#!/usr/bin/env bash
# Runs the end-to-end suite (test/e2e) once per supported n8n line:
#   line 1: n8n 1.123.81 on Node 22; line 2: n8n 2.41.1 on Node 24.
# E2E_LINES="2" (or "1 2") picks lines; extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "$0")/../.."
for line in ${E2E_LINES:-1 2}; do
  echo "== end-to-end suite on n8n line $line =="
  E2E_N8N_LINE="$line" npx vitest run --config test/e2e/vitest.e2e.config.mts "$@"
done
