/**
 * Composer version normalisation, after composer/semver `VersionParser::normalize` and
 * `normalizeBranch`: `v1.2` → `1.2.0.0`, `1.2.3-beta2` → `1.2.3.0-beta2`, `1.0.0-p1` → `1.0.0.0-patch1`,
 * `2010-01-02` → `2010.01.02`, `1.0.x-dev` → `1.0.9999999.9999999-dev`, `dev-main` stays a branch.
 */

/** VersionParser::$modifierRegex (without the possessive quantifiers JavaScript lacks; same matches here). */
export const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';

const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE_BASED = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');

/** VersionParser::expandStability. */
function expandStability(stability: string): string {
  const s = stability.toLowerCase();
  switch (s) {
    case 'a':
      return 'alpha';
    case 'b':
      return 'beta';
    case 'p':
    case 'pl':
      return 'patch';
    case 'rc':
      return 'RC';
    default:
      return s;
  }
}

/** The "add version modifiers" step of normalize, for a matched classical or date version. */
function withModifiers(
  version: string,
  word: string | undefined,
  number: string | undefined,
  dev: string | undefined,
): string {
  let out = version;
  if (word !== undefined && word !== '') {
    if (word === 'stable') return out;
    out += `-${expandStability(word)}${(number ?? '').replace(/^[.-]+/, '')}`;
  }
  if (dev !== undefined && dev !== '') out += '-dev';
  return out;
}

/** VersionParser::normalizeBranch: numeric branches become `…9999999-dev`, anything else `dev-NAME`. */
export function normalizeBranch(name: string): string {
  const trimmed = name.trim();
  const m = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i.exec(trimmed);
  if (m === null) return `dev-${trimmed}`;
  let version = '';
  for (let i = 1; i < 5; i++) version += (m[i] ?? '.x').replace(/[*X]/g, 'x');
  return `${version.replace(/x/g, '9999999')}-dev`;
}

/**
 * VersionParser::normalize, minus the parts that only make sense in a constraint (`as` aliases and
 * `@stability` flags, which the constraint parser strips itself). Returns undefined where Composer
 * throws "Invalid version string".
 */
export function normalizeVersion(text: string): string | undefined {
  let version = text.trim();
  if (['master', 'trunk', 'default'].includes(version)) version = `dev-${version}`;
  if (version.toLowerCase().startsWith('dev-')) return `dev-${version.slice(4)}`;
  // strip off build metadata
  const build = /^([^,\s+]+)\+[^\s]+$/.exec(version);
  if (build?.[1] !== undefined) version = build[1];
  const classical = CLASSICAL.exec(version);
  if (classical !== null) {
    const [, major = '', minor, patch, extra, word, number, dev] = classical;
    const base = `${major}${minor || '.0'}${patch || '.0'}${extra || '.0'}`;
    return withModifiers(base, word, number, dev);
  }
  const dated = DATE_BASED.exec(version);
  if (dated !== null) {
    const [, date = '', word, number, dev] = dated;
    return withModifiers(date.replace(/\D/g, '.'), word, number, dev);
  }
  // dev branches: "a branch ending with -dev is only valid if it is numeric"
  const branch = /^(.*?)[.-]?dev$/i.exec(version);
  if (branch !== null) {
    const normalized = normalizeBranch(branch[1] ?? '');
    if (!normalized.includes('dev-')) return normalized;
  }
  return undefined;
}

/** Whether a normalised version is a branch (`dev-…`): Composer never orders branches. */
export function isBranch(normalized: string): boolean {
  return normalized.startsWith('dev-');
}

/** VersionParser::parseStability (on normalised or raw text). */
export function parseStability(version: string): 'dev' | 'alpha' | 'beta' | 'RC' | 'stable' {
  const v = version.replace(/#.+$/, '');
  if (v.startsWith('dev-') || v.endsWith('-dev')) return 'dev';
  const m = new RegExp(`${MODIFIER}(?:\\+.*)?$`, 'i').exec(v.toLowerCase());
  if (m?.[3]) return 'dev';
  const word = m?.[1];
  if (word === 'beta' || word === 'b') return 'beta';
  if (word === 'alpha' || word === 'a') return 'alpha';
  if (word === 'rc') return 'RC';
  return 'stable';
}
