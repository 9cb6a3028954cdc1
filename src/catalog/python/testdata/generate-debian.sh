#!/usr/bin/env bash
# Extracts the Debian fixtures from the REAL bookworm packages python3-urllib3 and python3-yaml
# (`apt-get download` + dpkg-deb): for each, `control` (the package's control fields), `files.list`
# (what dpkg writes to /var/lib/dpkg/info/<pkg>.list on install) and the package's Python metadata.
# Usage: src/catalog/python/testdata/generate-debian.sh   (needs apt-get, dpkg-deb and a Debian mirror)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
for pkg in python3-urllib3 python3-yaml; do
  apt-get download "$pkg" >/dev/null 2>&1
  deb=$(ls "$pkg"_*.deb)
  out="$here/debian/$pkg"
  rm -rf "$out" && mkdir -p "$out"
  dpkg-deb -f "$deb" >"$out/control"
  # dpkg's .list: "/." then every path without the leading "."; directories without a trailing "/"
  dpkg-deb -c "$deb" | awk '{print $6}' | sed -e 's,^\./,/,' -e 's,/$,,' -e 's,^$,/.,' >"$out/files.list"
  dpkg-deb -x "$deb" x
  find x -path '*-info/METADATA' -o -path '*.egg-info/PKG-INFO' | while read -r f; do
    rel=${f#x/}
    mkdir -p "$out/root/$(dirname "$rel")" && cp "$f" "$out/root/$rel"
  done
  rm -rf x "$deb"
done
echo "regenerated Debian fixtures in $here/debian"
