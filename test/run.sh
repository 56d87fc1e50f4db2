#!/usr/bin/env bash
# The one test command (README, .ci/run): build, make sure the real servers are installed, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent build

# Real DHCP servers for the integration tests come from Debian packages (tests run as root).
bash test/integration/install-servers.sh

files=$(find test -name '*.test.ts' -o -name '*.test.tsx' | sort)

# Every temporary store, socket and server directory the tests make goes under one scratch directory (with /tmp's
# own permissions, for servers that drop privileges), removed when the run ends however it ends.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ipam-tests.XXXXXX")
chmod 1777 "$scratch"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"

# Node 20 does not discover .tsx test files itself, so the list is explicit.
# shellcheck disable=SC2086
node --import tsx --test --test-reporter=tap $files
