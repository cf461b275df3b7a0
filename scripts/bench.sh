#!/usr/bin/env bash
# `npm run bench`: benchmarks (not tests); prints figures and the machine they were measured on.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent package
node bench/run.mjs "$@"
