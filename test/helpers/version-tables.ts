/**
 * Table-test helpers for version schemes (CONVENTIONS.md §2.6, renovate `versioning/*\/index.spec.ts`):
 * each row is checked in both directions, so `a < b` also asserts `b > a`.
 */
import assert from 'node:assert/strict';
import type { Comparison, Range, Version, VersionScheme } from '../../src/versioning/scheme.js';

/** `[a, relation, b]`: the relation must hold as written and reversed. */
export type OrderRow = readonly [string, '<' | '=' | '>', string];

const RELATION: Record<OrderRow[1], Comparison> = { '<': -1, '=': 0, '>': 1 };

export function parseOrFail(scheme: VersionScheme, text: string): Version {
  const v = scheme.parse(text);
  assert.ok(v !== undefined, `${scheme.id}: expected ${JSON.stringify(text)} to parse`);
  return v;
}

export function assertOrder(scheme: VersionScheme, [a, relation, b]: OrderRow): void {
  const x = parseOrFail(scheme, a);
  const y = parseOrFail(scheme, b);
  const want = RELATION[relation];
  assert.equal(scheme.compare(x, y), want, `${a} ${relation} ${b}`);
  assert.equal(scheme.compare(y, x), -want || 0, `${b} reversed against ${a}`);
}

/** Every version of a list sorts strictly before every later one (pypa/packaging, Maven style lists). */
export function assertAscending(scheme: VersionScheme, versions: readonly string[]): void {
  const parsed = versions.map((v) => parseOrFail(scheme, v));
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      assert.equal(scheme.compare(parsed[i]!, parsed[j]!), -1, `${versions[i]} < ${versions[j]}`);
      assert.equal(scheme.compare(parsed[j]!, parsed[i]!), 1, `${versions[j]} > ${versions[i]}`);
    }
  }
}

export function parseRangeOrFail(scheme: VersionScheme, text: string): Range {
  const r = scheme.parseRange?.(text);
  assert.ok(r !== undefined, `${scheme.id}: expected range ${JSON.stringify(text)} to parse`);
  return r;
}

/** `[range, version, satisfied]`. */
export type RangeRow = readonly [string, string, boolean];

export function assertSatisfies(scheme: VersionScheme, [range, version, want]: RangeRow): void {
  const r = parseRangeOrFail(scheme, range);
  assert.equal(scheme.satisfies(parseOrFail(scheme, version), r), want, `${version} in ${range}`);
}
