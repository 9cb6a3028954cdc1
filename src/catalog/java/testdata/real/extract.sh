#!/usr/bin/env bash
# Regenerates real/: metadata entries copied verbatim from the jars Debian bookworm ships in
# /usr/share/java (packages libcommons-lang3-java, libguava-java, libslf4j-java, libguice-java,
# libaopalliance-java). The tests assemble jars from these with the JDK's `jar` tool.
#   real/<jar stem>/MANIFEST.MF          the jar's META-INF/MANIFEST.MF
#   real/<jar stem>/META-INF/maven/...   its pom.properties, when it has one
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for jar in commons-lang3-3.12.0 guava-31.1-jre slf4j-api-1.7.32 guice-assistedinject-4.2.3 aopalliance-1.0; do
  src=/usr/share/java/$jar.jar
  rm -rf "$jar" && mkdir -p "$jar"
  unzip -p "$src" META-INF/MANIFEST.MF >"$jar/MANIFEST.MF"
  unzip -qo "$src" 'META-INF/maven/*/pom.properties' -d "$jar" 2>/dev/null || true
done
