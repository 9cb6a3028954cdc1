/**
 * `--max-db-age DURATION`: refuse to scan with a vulnerability DB older than the given age, because an old
 * DB silently misses every vulnerability published since. The DB's age is that of its build
 * (`builtAt`), else of its most recently updated source.
 *
 * @example
 * parseDuration('72h') // 259_200_000
 * assertDbFresh(store.metadata(), parseDuration('7d'), new Date());
 */
import { AppError } from '../errors.js';
import type { DbMetadata } from '../vulndb/store.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `90s`, `30m`, `72h`, `7d`, `2w` → milliseconds; `CLI_USAGE` otherwise. */
export function parseDuration(raw: string): number {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(raw.trim());
  if (m === null || Number(m[1]) <= 0)
    throw new AppError('CLI_USAGE', `invalid duration "${raw}"`, {
      hint: 'use a positive number with a unit s, m, h, d or w: 72h, 7d',
    });
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** When the DB was last brought up to date, or undefined when it does not say. */
export function dbUpdatedAt(meta: Pick<DbMetadata, 'builtAt' | 'sources'>): Date | undefined {
  const times = [meta.builtAt, ...meta.sources.map((s) => s.lastIncrementalAt ?? s.lastFullAt)].flatMap(
    (t) => (t === undefined || Number.isNaN(Date.parse(t)) ? [] : [Date.parse(t)]),
  );
  return times.length === 0 ? undefined : new Date(Math.max(...times));
}

/** Throws `SCAN_DB_TOO_OLD` when the DB is older than `maxAgeMs` at `now` (or its age is unknown). */
export function assertDbFresh(
  meta: Pick<DbMetadata, 'builtAt' | 'sources'>,
  maxAgeMs: number,
  now: Date,
  label = 'the vulnerability DB',
): void {
  const updated = dbUpdatedAt(meta);
  const hint = 'run "corral db update" (or import fresh feeds), or raise --max-db-age';
  if (updated === undefined)
    throw new AppError('SCAN_DB_TOO_OLD', `${label} does not record when it was built`, { hint });
  const ageMs = now.getTime() - updated.getTime();
  if (ageMs > maxAgeMs) {
    const hours = Math.floor(ageMs / UNIT_MS.h);
    throw new AppError(
      'SCAN_DB_TOO_OLD',
      `${label} was last updated ${updated.toISOString()} (${hours >= 48 ? `${Math.floor(hours / 24)} days` : `${hours} hours`} ago), older than --max-db-age`,
      { hint },
    );
  }
}
