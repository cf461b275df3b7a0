#!/usr/bin/env bash
# `npm test`: installs what is missing, builds and packages the extension, then runs unit, integration and e2e tests.
# Extra arguments select layers and files: npm test -- unit --grep quote
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
npm run --silent package
node scripts/run-tests.mjs "$@"
