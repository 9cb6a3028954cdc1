/**
 * JDK/JRE `release` files: `KEY="value"` lines written by the OpenJDK build
 * (make/ReleaseFile.gmk: JAVA_VERSION, JAVA_RUNTIME_VERSION, IMPLEMENTOR, IMAGE_TYPE, BUILD_TYPE…).
 *
 *     IMPLEMENTOR="Eclipse Adoptium"
 *     JAVA_RUNTIME_VERSION="21.0.4+7-LTS"
 *     JAVA_VERSION="21.0.4"
 *     IMAGE_TYPE="JDK"
 *
 * Vendor/product and CPE choices follow syft's `java/parse_jvm_release.go` (anchore/syft#2422): Azul
 * builds are `azul:zulu`, Oracle's commercial builds `oracle:jdk`/`oracle:jre` (plus `java_se`),
 * IBM's `ibm:java`/`ibm:java_sdk`, and every other OpenJDK build `oracle:openjdk`.
 */
import { formatCpe } from './cpe.js';
import type { Classification } from './classifiers.js';

export type JvmRelease = Readonly<Record<string, string>>;

/** Real release files are about 1 KiB (MODULES is the long line); larger files are something else. */
export const MAX_RELEASE_BYTES = 64 * 1024;

/** Parses `KEY="value"` lines (quotes optional); undefined when there is no JAVA_VERSION. */
export function parseJvmRelease(text: string): JvmRelease | undefined {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const raw = m[2]!.trim();
    out[m[1]!] = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  }
  return out.JAVA_VERSION ? out : undefined;
}

interface Product {
  vendor: string;
  product: string;
}

function primaryProduct(r: JvmRelease, path: string, isJdk: boolean): Product {
  const implementor = (r.IMPLEMENTOR ?? '').toLowerCase().replace(/\s/g, '');
  const lowerPath = path.toLowerCase();
  if (implementor.includes('azul') || lowerPath.includes('zulu')) return { vendor: 'azul', product: 'zulu' };
  if (implementor.includes('ibm') || lowerPath.includes('/ibm'))
    return { vendor: 'ibm', product: isJdk ? 'java_sdk' : 'java' };
  if (
    implementor.includes('oracle') ||
    lowerPath.includes('oracle') ||
    (r.BUILD_TYPE ?? '').includes('commercial')
  ) {
    return { vendor: 'oracle', product: isJdk ? 'jdk' : 'jre' };
  }
  return { vendor: 'oracle', product: 'openjdk' };
}

/** `1.8.0_292-b10` → [`1.8.0`, `update292`]; `17.0.15+6` → [`17.0.15`, `*`] (JEP 223 vs legacy). */
export function cpeVersionAndUpdate(version: string): [string, string] {
  const legacy = /^(\d+\.\d+\.\d+)_0*(\d+)/.exec(version);
  if (legacy) return [legacy[1]!, `update${legacy[2]}`];
  return [version.split('+')[0]!, '*'];
}

function jvmCpes(p: Product, version: string, isJdk: boolean): string[] {
  const [v, update] = cpeVersionAndUpdate(version);
  const candidates: Product[] =
    p.vendor === 'azul'
      ? [p, { vendor: 'oracle', product: 'openjdk' }]
      : p.vendor === 'oracle' && p.product !== 'openjdk'
        ? [
            { vendor: 'oracle', product: 'java_se' },
            { vendor: 'oracle', product: 'jre' },
            ...(isJdk ? [{ vendor: 'oracle', product: 'jdk' }] : []),
          ]
        : [p];
  return candidates.map((c) => formatCpe(c.vendor, c.product, v, update));
}

/**
 * The JVM a release file describes. `hasJavac`: whether `bin/javac` sits next to it (a JDK), used when
 * the file has no IMAGE_TYPE.
 * @example
 * classifyJvm({ JAVA_VERSION: '1.8.0_292', IMPLEMENTOR: 'AdoptOpenJDK' }, '/opt/java/openjdk/release', false)
 * // { name: 'openjdk', version: '1.8.0_292', cpes: ['cpe:2.3:a:oracle:openjdk:1.8.0:update292:*:*:*:*:*:*'], classifier: 'jvm-release' }
 */
export function classifyJvm(r: JvmRelease, path: string, hasJavac: boolean): Classification {
  const version = r.JAVA_VERSION!;
  const isJdk = r.IMAGE_TYPE ? r.IMAGE_TYPE.toUpperCase() === 'JDK' : hasJavac;
  const p = primaryProduct(r, path, isJdk);
  return { name: p.product, version, cpes: jvmCpes(p, version, isJdk), classifier: 'jvm-release' };
}
