#!/usr/bin/env bash
# Runs every test (src/**/*.test.ts, test/**/*.test.ts) against the test environment of
# scripts/test-env.sh. Extra arguments go to `node --test` (e.g. --test-name-pattern=squash).
#
# The environment is stopped on exit when this script started it; one that was already running
# (`eval "$(scripts/test-env.sh start)"` by hand) is reused and left running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

already_running=no
if scripts/test-env.sh status 2>/dev/null; then already_running=yes; fi
if [[ $already_running == no ]]; then trap 'scripts/test-env.sh stop' EXIT; fi

# Not `eval "$(…)"` directly: that would hide a failing start (CI=true makes a missing service fatal).
env_exports=$(scripts/test-env.sh start)
eval "$env_exports"

mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
set +e
node --import tsx --test --test-concurrency=2 "$@" "${files[@]}"
status=$?
set -e
exit "$status"
