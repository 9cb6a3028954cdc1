/**
 * The effective severity of a finding: the distro's own rating for distro packages (it knows how the
 * package is built and used), else the highest CVSS-scored rating, else the highest textual rating.
 */
import type { SeverityLevel, SeverityRating } from '../vulndb/model.js';
import { severityRank } from './model.js';

export interface EffectiveSeverity {
  level: SeverityLevel;
  /** Highest CVSS base score among all ratings. */
  cvssScore?: number;
}

/**
 * @example
 * effectiveSeverity([nvd9_8, debianLow], [debianLow]) // { level: 'low', cvssScore: 9.8 }
 */
export function effectiveSeverity(
  all: readonly SeverityRating[],
  distro: readonly SeverityRating[],
): EffectiveSeverity {
  const scored = all.filter((r) => r.score !== undefined);
  const top = scored.reduce<SeverityRating | undefined>(
    (best, r) => (best === undefined || r.score! > best.score! ? r : best),
    undefined,
  );
  const cvssScore = top?.score;
  const fromDistro = distro.find((r) => r.level !== 'unknown');
  if (fromDistro !== undefined)
    return { level: fromDistro.level, ...(cvssScore !== undefined && { cvssScore }) };
  if (top !== undefined && top.level !== 'unknown') return { level: top.level, cvssScore: top.score! };
  const text = all.reduce<SeverityLevel>(
    (best, r) => (severityRank(r.level) > severityRank(best) ? r.level : best),
    'unknown',
  );
  return { level: text, ...(cvssScore !== undefined && { cvssScore }) };
}
