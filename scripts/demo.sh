#!/usr/bin/env bash
# The README's first command: scans the bundled demo image (demo/demo-image.tar) against a small
# vulnerability DB built from the bundled fixture feeds (demo/feeds/: OSV + Debian tracker excerpts in
# their upstream formats). No network. Extra arguments go to `corral scan` (e.g. --fail-on high,
# -o sarif=demo.sarif). The demo DB is rebuilt in a temporary directory on every run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corral() { node "$root/bin/corral.js" "$@"; }
# `npm ci` builds dist/ (the `prepare` script); rebuild when it is missing or older than the sources.
if [[ ! -f $root/dist/cli/main.js || -n "$(find "$root/src" -name '*.ts' -newer "$root/dist/cli/main.js" -print -quit)" ]]; then
  (cd "$root" && npm run --silent build >&2)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
db="$tmp/vuln.db"
corral db import "$root/demo/feeds/osv" --source osv --db "$db" >/dev/null
corral db import "$root/demo/feeds/debian" --source debian --db "$db" >/dev/null
corral scan "$root/demo/demo-image.tar" --db "$db" "$@"
