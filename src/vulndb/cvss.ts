/**
 * CVSS base scores from vector strings, for feeds that give only the vector (OSV `severity[].score`).
 * - v3.0/v3.1: https://www.first.org/cvss/v3.1/specification-document §7.1 (formulas), Appendix A (Roundup)
 *   and https://www.first.org/cvss/v3.0/specification-document §8.1.
 * - v2: https://www.first.org/cvss/v2/guide §3.2.1.
 * v4.0 scores need the MacroVector lookup tables of the v4 spec and are not computed: callers keep the
 * vector and take the level from elsewhere (known gap, see README).
 */
import type { SeverityLevel } from './model.js';

type Weights = Record<string, Record<string, number>>;

const V3: Weights = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};
/** Privileges Required depends on Scope (spec Table 16). */
const V3_PR: Record<'U' | 'C', Record<string, number>> = {
  U: { N: 0.85, L: 0.62, H: 0.27 },
  C: { N: 0.85, L: 0.68, H: 0.5 },
};

const V2: Weights = {
  AV: { L: 0.395, A: 0.646, N: 1.0 },
  AC: { H: 0.35, M: 0.61, L: 0.71 },
  Au: { M: 0.45, S: 0.56, N: 0.704 },
  C: { N: 0, P: 0.275, C: 0.66 },
  I: { N: 0, P: 0.275, C: 0.66 },
  A: { N: 0, P: 0.275, C: 0.66 },
};

/** The `K:V` metrics of a vector from `parts[start]` on; the first occurrence of a key wins. */
function metrics(parts: readonly string[], start: number): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = start; i < parts.length; i++) {
    const p = parts[i]!;
    const colon = p.indexOf(':');
    if (colon < 0) continue;
    const k = p.slice(0, colon);
    const end = p.indexOf(':', colon + 1);
    if (!m.has(k)) m.set(k, end < 0 ? p.slice(colon + 1) : p.slice(colon + 1, end));
  }
  return m;
}

function weight(table: Record<string, number> | undefined, value: string | undefined): number | undefined {
  return table === undefined || value === undefined ? undefined : table[value];
}

/** CVSS v3.1 Appendix A Roundup, robust against floating-point error. */
function roundUp31(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

function roundUp30(x: number): number {
  return Math.ceil(x * 10) / 10;
}

/**
 * Scores by vector: feeds repeat a few thousand distinct vectors over hundreds of thousands of records,
 * and scoring one (split, a map of metrics, the formula) cost ≈ 4 µs per OSV record on the import's
 * parse thread. Bounded: cleared when full.
 */
const SCORE_CACHE_MAX = 20_000;

function memo(score: (vector: string) => number | undefined): (vector: string) => number | undefined {
  const cache = new Map<string, number | null>();
  return (vector) => {
    const hit = cache.get(vector);
    if (hit !== undefined) return hit ?? undefined;
    const v = score(vector);
    if (cache.size >= SCORE_CACHE_MAX) cache.clear();
    cache.set(vector, v ?? null);
    return v;
  };
}

/** Base score of a `CVSS:3.0/…` or `CVSS:3.1/…` vector, or undefined when it is malformed. */
export const cvss3BaseScore = memo(scoreCvss3);

/** Base score of a CVSS v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally `(…)`-wrapped). */
export const cvss2BaseScore = memo(scoreCvss2);

function scoreCvss3(vector: string): number | undefined {
  const parts = vector.trim().split('/');
  const version = parts[0];
  if (version !== 'CVSS:3.0' && version !== 'CVSS:3.1') return undefined;
  const m = metrics(parts, 1);
  const scope = m.get('S');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const av = weight(V3.AV, m.get('AV'));
  const ac = weight(V3.AC, m.get('AC'));
  const ui = weight(V3.UI, m.get('UI'));
  const c = weight(V3.C, m.get('C'));
  const i = weight(V3.I, m.get('I'));
  const a = weight(V3.A, m.get('A'));
  const pr = weight(V3_PR[scope], m.get('PR'));
  if (
    av === undefined ||
    ac === undefined ||
    ui === undefined ||
    c === undefined ||
    i === undefined ||
    a === undefined ||
    pr === undefined
  )
    return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  const roundUp = version === 'CVSS:3.1' ? roundUp31 : roundUp30;
  const raw = scope === 'U' ? impact + exploitability : 1.08 * (impact + exploitability);
  return roundUp(Math.min(raw, 10));
}

function scoreCvss2(vector: string): number | undefined {
  const m = metrics(
    vector
      .trim()
      .replace(/^\(|\)$/g, '')
      .split('/'),
    0,
  );
  const av = weight(V2.AV, m.get('AV'));
  const ac = weight(V2.AC, m.get('AC'));
  const au = weight(V2.Au, m.get('Au'));
  const c = weight(V2.C, m.get('C'));
  const i = weight(V2.I, m.get('I'));
  const a = weight(V2.A, m.get('A'));
  if (
    av === undefined ||
    ac === undefined ||
    au === undefined ||
    c === undefined ||
    i === undefined ||
    a === undefined
  )
    return undefined;
  const impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  const exploitability = 20 * av * ac * au;
  const f = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
}

/** Qualitative rating of a base score (v3.1 spec Table 14; v2 uses NVD's Low/Medium/High bands). */
export function levelFromScore(score: number, version: 2 | 3 | 4): SeverityLevel {
  if (version === 2) return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'negligible';
}

/** Maps textual ratings found in feeds (GHSA `MODERATE`, Ubuntu `medium`, Debian `unimportant`…). */
export function levelFromText(text: string): SeverityLevel {
  switch (text.trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    case 'negligible':
    case 'unimportant':
    case 'none':
      return 'negligible';
    default:
      return 'unknown';
  }
}
