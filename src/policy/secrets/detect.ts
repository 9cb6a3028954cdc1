/**
 * The pure part of the scanner: which paths to scan, and which secrets a file's text contains.
 * No I/O here, so both scan paths (streamed layers, a squashed FileView) share it.
 */
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { AppError } from '../../errors.js';
import { shannonEntropy } from './entropy.js';
import { RULES, type SecretRule } from './rules.js';

/**
 * Paths never scanned: documentation, man pages and public certificates (only PRIVATE keys are secrets),
 * and the test suites/fixtures that language packages ship (they carry fake keys on purpose).
 */
export const DEFAULT_ALLOW_PATHS: readonly string[] = [
  '/usr/share/doc/**',
  '/usr/share/man/**',
  '/usr/share/info/**',
  '/usr/share/locale/**',
  '/usr/share/common-licenses/**',
  '/etc/ssl/certs/**',
  '/usr/share/ca-certificates/**',
  '/etc/pki/ca-trust/**',
  '/etc/pki/tls/certs/**',
  '/usr/lib/python3*/test/**',
  '/usr/lib/python3*/unittest/test/**',
  '/usr/lib/python3*/**/tests/**',
  '**/dist-packages/**/tests/**',
  '**/site-packages/**/tests/**',
  // package metadata: the long description is the project's README
  '**/*.egg-info/PKG-INFO',
  '**/*.dist-info/METADATA',
  '**/node_modules/**/test/**',
  '**/node_modules/**/tests/**',
  '**/node_modules/**/__tests__/**',
  '**/node_modules/**/fixtures/**',
  '/usr/local/go/src/**/testdata/**',
  '/usr/lib/go-*/src/**/testdata/**',
  '**/gems/*/spec/**',
  '**/gems/*/test/**',
];

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FINDINGS_PER_FILE = 20;
/** Bytes inspected for a NUL byte to tell binary files from text (as git and grep do). */
export const BINARY_SNIFF_BYTES = 8 * 1024;

export interface DetectorOptions {
  allowPaths?: readonly string[];
  disabledRules?: readonly string[];
  maxFindingsPerFile?: number;
  /** Apply {@link DEFAULT_ALLOW_PATHS} (default true). */
  defaultAllowPaths?: boolean;
}

/** One secret found in a file's text. `secret` never leaves the scanner: findings carry redacted forms. */
export interface SecretMatch {
  rule: SecretRule;
  secret: string;
  line: number;
}

interface CompiledRule {
  rule: SecretRule;
  appliesTo?: (path: string) => boolean;
}

export interface SecretDetector {
  readonly rules: readonly SecretRule[];
  /** Cheap path check before any byte is read: allow-lists, and whether any enabled rule applies. */
  wants(path: string): boolean;
  /** Secrets in a text file's content (decoded as latin1 so byte offsets stay 1:1). */
  detect(path: string, text: string): SecretMatch[];
}

export function createSecretDetector(opts: DetectorOptions = {}): SecretDetector {
  const disabled = new Set(opts.disabledRules ?? []);
  for (const id of disabled) {
    if (!RULES.some((r) => r.id === id)) {
      throw new AppError('CONFIG_INVALID', `disabled secret rule "${id}" does not exist`, {
        hint: `known rules: ${RULES.map((r) => r.id).join(', ')}`,
      });
    }
  }
  const compiled: CompiledRule[] = RULES.filter((r) => !disabled.has(r.id)).map((rule) => ({
    rule,
    ...(rule.paths && { appliesTo: globMatcher(rule.paths) }),
  }));
  const allowed = globMatcher([
    ...(opts.defaultAllowPaths === false ? [] : DEFAULT_ALLOW_PATHS),
    ...(opts.allowPaths ?? []),
  ]);
  const cap = opts.maxFindingsPerFile ?? MAX_FINDINGS_PER_FILE;
  return {
    rules: compiled.map((c) => c.rule),
    wants: (path) => !allowed(path) && compiled.some((c) => !c.appliesTo || c.appliesTo(path)),
    detect: (path, text) => detectIn(compiled, path, text, cap),
  };
}

function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const isMatch = picomatch(
    globs.map((g) => g.replace(/^\/+/, '')),
    { dot: true },
  );
  return (path) => isMatch(path.replace(/^\/+/, ''));
}

function detectIn(rules: readonly CompiledRule[], path: string, text: string, cap: number): SecretMatch[] {
  const lower = text.toLowerCase();
  const found: (SecretMatch & { index: number })[] = [];
  for (const { rule, appliesTo } of rules) {
    if (appliesTo && !appliesTo(path)) continue;
    if (rule.keywords && !rule.keywords.some((k) => lower.includes(k))) continue;
    for (const m of text.matchAll(rule.regex)) {
      const raw = m[rule.secretGroup ?? 1] ?? m[0];
      const secret = rule.normalize ? rule.normalize(raw) : raw;
      if (!accepts(rule, secret)) continue;
      if (rule.allowKey && rule.allowKey.test(m.groups?.key ?? '')) continue;
      found.push({
        rule,
        secret,
        line: 0,
        index: rule.lineOfMatch === true ? m.index : m.index + m[0].indexOf(raw),
      });
      if (found.length > cap * 4) break; // a file full of matches: enough evidence
    }
  }
  const kept = dropGenericDuplicates(found).sort((a, b) => a.index - b.index);
  const lineOf = lineIndex(text);
  return kept.slice(0, cap).map(({ rule, secret, index }) => ({ rule, secret, line: lineOf(index) }));
}

function accepts(rule: SecretRule, secret: string): boolean {
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
  if (rule.allow?.some((re) => re.test(secret))) return false;
  return !rule.validate || rule.validate(secret);
}

/** A value already reported by a specific rule (e.g. `token=ghp_…`) is not also a generic secret. */
function dropGenericDuplicates<T extends SecretMatch>(found: T[]): T[] {
  const specific = found.filter((f) => f.rule.id !== 'generic-secret').map((f) => f.secret);
  if (specific.length === 0) return found;
  return found.filter(
    (f) =>
      f.rule.id !== 'generic-secret' || !specific.some((s) => f.secret.includes(s) || s.includes(f.secret)),
  );
}

/** Maps a character offset to its 1-based line number (binary search over line starts). */
function lineIndex(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Whether a body is binary: a NUL byte among its first {@link BINARY_SNIFF_BYTES}. */
export function isBinary(head: Uint8Array): boolean {
  return head.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** Keeps at most 4 leading characters (at most a quarter of a short secret) and masks the rest. */
export function redact(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4));
  return secret.slice(0, keep) + '*'.repeat(Math.min(secret.length - keep, 16));
}

export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret, 'latin1').digest('hex');
}
