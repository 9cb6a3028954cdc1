#!/usr/bin/env bash
# Regenerates the committed yarn/pnpm lock fixtures with the REAL package managers, fetched from the npm
# registry (yarn 1 = `yarn`, yarn 4 = `@yarnpkg/cli-dist`, pnpm 7/8/9 write lockfile 5.4/6.0/9.0).
# npm's own lock files (v1/v2/v3) and node_modules trees are produced by the tests themselves.
# Usage: src/catalog/npm/testdata/generate-locks.sh   (needs node, npm and registry access)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/pm" && echo '{}' >"$work/pm/package.json"
npm install --prefix "$work/pm" --no-audit --no-fund --ignore-scripts \
  yarn1@npm:yarn@1.22.22 yarn4@npm:@yarnpkg/cli-dist@4.9.1 \
  pnpm7@npm:pnpm@7.33.7 pnpm8@npm:pnpm@8.15.9 pnpm9@npm:pnpm@9.15.9 >/dev/null
pm="$work/pm/node_modules"

project() { # project <name> → a fresh copy of lock-project/ in $work/<name>
  mkdir -p "$work/$1" && cp "$here/lock-project/package.json" "$work/$1/"
  echo "$work/$1"
}

d=$(project yarn-classic)
(cd "$d" && node "$pm/yarn1/bin/yarn.js" install --ignore-scripts --no-progress --non-interactive >/dev/null)
d=$(project yarn-berry)
(cd "$d" && touch yarn.lock && YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_GLOBAL_CACHE=0 \
  node "$pm/yarn4/bin/yarn.js" install --mode=update-lockfile >/dev/null)
for v in 7:v5 8:v6 9:v9; do
  d=$(project "pnpm-${v#*:}")
  (cd "$d" && node "$pm/pnpm${v%%:*}/bin/pnpm.cjs" install --lockfile-only --ignore-scripts >/dev/null)
done

for name in yarn-classic yarn-berry; do mkdir -p "$here/$name" && cp "$work/$name/yarn.lock" "$here/$name/"; done
for name in pnpm-v5 pnpm-v6 pnpm-v9; do mkdir -p "$here/$name" && cp "$work/$name/pnpm-lock.yaml" "$here/$name/"; done
echo "regenerated lock fixtures in $here"
