#!/usr/bin/env bash
# `npm test`: installs what is missing, builds and packages the extension, then runs unit, integration and e2e tests.
# Extra arguments select layers and files: npm test -- unit --grep quote
# Chromium and code-server, which only the e2e tests use, are installed by run-tests.mjs while the other layers run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh base
npm run --silent build
npm run --silent package
node scripts/run-tests.mjs "$@"
