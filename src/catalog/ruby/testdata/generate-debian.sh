#!/usr/bin/env bash
# Copies REAL installed gem specifications out of Debian bookworm packages (`apt-get download` +
# dpkg-deb): RubyGems wrote them while the packages were built. Each lands in debian/ under its name;
# the install path in the package is printed for debian/PATHS.
# Usage: src/catalog/ruby/testdata/generate-debian.sh   (needs apt-get, dpkg-deb and a Debian mirror)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
wanted=(
  ruby-rack:rack-2.2.22.gemspec
  libruby3.1:rake-13.0.6.gemspec
  libruby3.1:test-unit-3.5.3.gemspec
  libruby3.1:default/openssl-3.0.1.gemspec
  libruby3.1:default/bundler-2.3.7.gemspec
  ruby-nokogiri:nokogiri-1.13.10.gemspec
)
mkdir -p "$here/debian" && : >"$here/debian/PATHS"
for item in "${wanted[@]}"; do
  pkg=${item%%:*} spec=${item#*:}
  [[ -d "x-$pkg" ]] || { apt-get download "$pkg" >/dev/null 2>&1 && dpkg-deb -x "$pkg"_*.deb "x-$pkg"; }
  src=$(cd "x-$pkg" && find . -path "*/specifications/$spec" | head -1)
  [[ -n "$src" ]] || { echo "not found: $item" >&2; exit 1; }
  cp "x-$pkg/$src" "$here/debian/$(basename "$spec")"
  echo "$pkg ${src#.}" >>"$here/debian/PATHS"
done
echo "regenerated gemspec fixtures in $here/debian"
