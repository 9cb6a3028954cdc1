/**
 * Deterministic synthetic OSV records (https://ossf.github.io/osv-schema/) for benchmarks and the delta
 * test: realistic shape and size (aliases, CVSS vectors, 1–3 affected packages, several ranges,
 * `last_affected`, explicit versions, distro releases), no real data.
 */
const ECOSYSTEMS = [
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
  'Debian:12',
  'Alpine:v3.20',
  'Ubuntu:22.04:LTS',
];
const VECTORS = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
  'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N',
];

/** mulberry32: tiny seeded PRNG so corpora are identical across runs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CorpusOptions {
  /** Distinct package names per ecosystem. */
  packagesPerEcosystem?: number;
  seed?: number;
  /** Suffix of the `modified` stamp and details, to make a changed version of the same corpus. */
  revision?: number;
}

export function ecosystemOf(i: number): string {
  return ECOSYSTEMS[i % ECOSYSTEMS.length]!;
}

/** The i-th record of the corpus (stable for a given i and options). */
export function osvRecord(i: number, options: CorpusOptions = {}): Record<string, unknown> {
  const r = rng((options.seed ?? 1) * 1_000_003 + i);
  const pkgs = options.packagesPerEcosystem ?? 2000;
  const eco = ecosystemOf(i);
  const cve = r() < 0.7 ? `CVE-${2015 + (i % 10)}-${10000 + i}` : undefined;
  const id = eco.includes(':')
    ? `${eco.split(':')[0]!.toUpperCase()}-${cve ?? `X-${i}`}`
    : `GHSA-${i.toString(36).padStart(4, '0')}-${(i * 7).toString(36).slice(-4).padStart(4, 'x')}-corp`;
  const affected = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, k) => {
    const major = 1 + Math.floor(r() * 5);
    const ranges = [
      {
        type: 'ECOSYSTEM',
        events: [{ introduced: `${major}.0.0` }, { fixed: `${major}.${1 + k}.${Math.floor(r() * 9)}` }],
      },
    ];
    if (r() < 0.3)
      ranges.push({
        type: 'ECOSYSTEM',
        events: [{ introduced: '0' }, { last_affected: `0.${k + 1}.9` }] as never,
      });
    return {
      package: { ecosystem: eco, name: `pkg-${Math.floor(r() * pkgs)}` },
      ranges,
      versions: r() < 0.2 ? [`${major}.0.0`, `${major}.0.1`, `${major}.0.2`] : [],
    };
  });
  return {
    schema_version: '1.6.0',
    id,
    modified: `2024-05-${String(1 + (options.revision ?? 0)).padStart(2, '0')}T00:00:00Z`,
    published: '2024-01-01T00:00:00Z',
    aliases: cve === undefined ? [] : [cve],
    summary: `Synthetic advisory ${i}`,
    details: `Generated record ${i} rev ${options.revision ?? 0}. `.repeat(4),
    severity: r() < 0.8 ? [{ type: 'CVSS_V3', score: VECTORS[i % VECTORS.length]! }] : [],
    affected,
    references: [{ type: 'ADVISORY', url: `https://example.org/advisories/${id}` }],
    database_specific: { severity: r() < 0.5 ? 'HIGH' : 'MODERATE', cwe_ids: ['CWE-79'] },
  };
}
