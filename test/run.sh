#!/usr/bin/env bash
# The one test command (README, .ci/run): build, make sure the real servers are installed, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent build

# Real DHCP servers for the integration tests come from Debian packages (tests run as root).
bash test/integration/install-servers.sh

files=$(find test -name '*.test.ts' -o -name '*.test.tsx' | sort)
# Node 20 does not discover .tsx test files itself, so the list is explicit.
# shellcheck disable=SC2086
exec node --import tsx --test --test-reporter=tap $files
