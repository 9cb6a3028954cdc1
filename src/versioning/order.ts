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
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Compares strings by UTF-16 code unit, which for ASCII is C `strcmp`/`memcmp` order (digits < upper
 * case < lower case). Not locale-aware on purpose: version orders must not depend on the host locale.
 */
export function compareOrdinal(a: string, b: string): Comparison {
  return a < b ? -1 : a > b ? 1 : 0;
}
