/**
 * NuGet package versions (SemVer 2 with an optional fourth "revision" number and case-insensitive
 * pre-release labels) and version ranges in interval notation (`[1.0,2.0)`, `(,1.0]`, `1.0` = `≥ 1.0`).
 *
 * Rules: https://learn.microsoft.com/nuget/concepts/package-versioning; reference implementation
 * NuGet.Client `NuGet.Versioning` (`NuGetVersion.TryParse`, `SemanticVersion.ParseSections` /
 * `IsValidPart`, `VersionComparer` in `VersionComparison.Default`, `VersionRange.TryParse`).
 */
import { createRange, rangeContains } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { compareDigits, compareOrdinal, sign } from '../order.js';
import { createVersionKind } from '../version-kind.js';

interface NuGetParts {
  /** Major, minor, patch, revision as digit strings without leading zeros (missing parts are 0). */
  numbers: readonly [string, string, string, string];
  /** Release labels; empty for a stable version. */
  labels: readonly string[];
}

const kind = createVersionKind<NuGetParts>('nuget');

/** System.Version components are non-negative Int32 values. */
const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
/** SemanticVersion.IsLetterOrDigitOrDash, non-empty. */
const LABEL = /^[0-9A-Za-z-]+$/;

/** IsValidPart(allowLeadingZeros: false): `0` is fine, `00` and `01` are not; `0A` is alphanumeric. */
function isValidLabel(s: string, allowLeadingZeros: boolean): boolean {
  return LABEL.test(s) && (allowLeadingZeros || !/^0[0-9]+$/.test(s));
}

/** `1`, `1.2`, `1.2.3`, `1.2.3.4`, with leading zeros allowed (System.Version), each within Int32. */
function parseNumbers(text: string): NuGetParts['numbers'] | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || !parts.every((p) => /^[0-9]+$/.test(p) && Number(p) <= INT32_MAX)) return undefined;
  const n = parts.map((p) => String(Number(p)));
  return [n[0] ?? '0', n[1] ?? '0', n[2] ?? '0', n[3] ?? '0'];
}

/**
 * NuGetVersion.TryParse: trimmed text, `VERSION[-LABEL(.LABEL)*][+METADATA]`. Metadata is validated
 * and then ignored for ordering (`1.0.0+a` = `1.0.0+b`), as in `VersionComparison.Default`.
 */
function parseParts(raw: string): NuGetParts | undefined {
  const m = /^([^-+]+)(?:-([^+]*))?(?:\+(.*))?$/.exec(raw.trim());
  if (m === null) return undefined;
  const [, versionText = '', labelText, metadata] = m;
  const numbers = parseNumbers(versionText);
  const labels = labelText === undefined ? [] : labelText.split('.');
  if (numbers === undefined || !labels.every((l) => isValidLabel(l, false))) return undefined;
  if (metadata !== undefined && !metadata.split('.').every((p) => isValidLabel(p, true))) return undefined;
  return { numbers, labels };
}

/** VersionComparer.CompareRelease: Int32 labels numerically and before the others, which compare case-insensitively. */
function compareLabel(a: string, b: string): Comparison {
  const asInt = (s: string): number | undefined => {
    if (!/^-?[0-9]+$/.test(s)) return undefined;
    const n = Number(s);
    return n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
  };
  const x = asInt(a);
  const y = asInt(b);
  if (x !== undefined && y !== undefined) return sign(x - y);
  if (x !== undefined || y !== undefined) return x !== undefined ? -1 : 1;
  // StringComparer.OrdinalIgnoreCase compares the upper-case forms ordinally.
  return compareOrdinal(a.toUpperCase(), b.toUpperCase());
}

/** VersionComparer.Compare, `VersionComparison.Default`: numbers, then labels (a release sorts after its pre-releases). */
function compareParts(a: NuGetParts, b: NuGetParts): Comparison {
  for (let i = 0; i < 4; i++) {
    const c = compareDigits(a.numbers[i] ?? '', b.numbers[i] ?? '');
    if (c !== 0) return c;
  }
  if (a.labels.length === 0 || b.labels.length === 0) {
    return a.labels.length === b.labels.length ? 0 : a.labels.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.max(a.labels.length, b.labels.length); i++) {
    const x = a.labels[i];
    const y = b.labels[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const c = compareLabel(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

function compare(a: Version, b: Version): Comparison {
  return compareParts(kind.unwrap(a), kind.unwrap(b));
}

function parse(raw: string): Version | undefined {
  const parts = parseParts(raw);
  return parts === undefined ? undefined : kind.wrap(raw, parts);
}

interface Bounds {
  min: Version | undefined;
  minInclusive: boolean;
  max: Version | undefined;
  maxInclusive: boolean;
}

/** `[a,b]`, `(a,b)`, `[a]`, `(,b]`, `[a,)`; undefined for `(a)`, `(,)`, `[b,a]` and floating `*` forms. */
function parseInterval(text: string): Bounds | undefined {
  const minInclusive = text.startsWith('[');
  const maxInclusive = text.endsWith(']');
  if (!/^[[(].*[\])]$/.test(text)) return undefined;
  const parts = text.slice(1, -1).split(',');
  if (parts.length > 2 || parts.every((p) => p === '')) return undefined;
  if (parts.length === 1 && !(minInclusive && maxInclusive)) return undefined;
  const [minText = '', maxText = minText] = parts;
  const min = minText.trim() === '' ? undefined : parse(minText);
  const max = maxText.trim() === '' ? undefined : parse(maxText);
  if ((minText.trim() !== '' && min === undefined) || (maxText.trim() !== '' && max === undefined))
    return undefined;
  if (min !== undefined && max !== undefined) {
    const c = compare(min, max);
    if (c > 0 || (c === 0 && minInclusive !== maxInclusive)) return undefined;
  }
  return { min, minInclusive, max, maxInclusive };
}

/**
 * VersionRange.TryParse without floating ranges (`1.*`, `*` are resolver instructions, not sets of
 * versions). A bare version is NuGet's "minimum version, inclusive": `1.0` means `≥ 1.0`.
 */
function parseRange(text: string): Range | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.includes('*')) return undefined;
  const bare = /^[[(]/.test(trimmed) ? undefined : parse(trimmed);
  const bounds: Bounds | undefined =
    bare !== undefined
      ? { min: bare, minInclusive: true, max: undefined, maxInclusive: false }
      : parseInterval(trimmed);
  if (bounds === undefined) return undefined;
  return createRange('nuget', text, (v) => {
    const lo = bounds.min === undefined ? 1 : compare(v, bounds.min);
    const hi = bounds.max === undefined ? -1 : compare(v, bounds.max);
    return (lo > 0 || (lo === 0 && bounds.minInclusive)) && (hi < 0 || (hi === 0 && bounds.maxInclusive));
  });
}

export const nuget = {
  id: 'nuget',
  displayName: 'NuGet',
  urls: [
    'https://learn.microsoft.com/nuget/concepts/package-versioning',
    'https://github.com/NuGet/NuGet.Client/tree/dev/src/NuGet.Core/NuGet.Versioning',
  ],
  aliases: ['NuGet'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  parseRange,
} satisfies VersionScheme;
