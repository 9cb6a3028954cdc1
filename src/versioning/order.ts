/**
 * Orderings shared by several schemes. Numbers in version strings are compared as digit strings, never
 * through `Number`, so `20240101123045123456` (timestamps, Maven BigIntegerItem, rpm/dpkg unbounded
 * segments) orders exactly instead of losing precision past 2^53.
 */
import type { Comparison } from './scheme.js';

/** The sign of a number as a {@link Comparison}. */
export function sign(n: number): Comparison {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Strips leading zeros from a digit string (`"007"` → `"7"`, `"000"` → `""`). */
export function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length && digits.charCodeAt(i) === 0x30) i++;
  return digits.slice(i);
}

/**
 * Compares two strings of ASCII digits numerically, of any length; leading zeros are ignored
 * (`"010"` equals `"10"`, `""` equals `"0"`).
 */
export function compareDigits(a: string, b: string): Comparison {
  if (a === b) return 0;
  // index arithmetic instead of stripZeros: no substring per comparison (every scheme calls this)
  let i = 0;
  let j = 0;
  while (i < a.length && a.charCodeAt(i) === 0x30) i++;
  while (j < b.length && b.charCodeAt(j) === 0x30) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (; i < a.length; i++, j++) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Compares strings by UTF-16 code unit, which for ASCII is C `strcmp`/`memcmp` order (digits < upper
 * case < lower case). Not locale-aware on purpose: version orders must not depend on the host locale.
 */
export function compareOrdinal(a: string, b: string): Comparison {
  return a < b ? -1 : a > b ? 1 : 0;
}
