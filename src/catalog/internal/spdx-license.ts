/**
 * License strings as catalogers find them (npm `license`, Python `License`/classifiers, gemspec
 * `licenses`, composer `license`) turned into SPDX ids or expressions when that is safe, else kept as
 * found (model.ts `Package.licenses`).
 *
 * `spdx-correct` guesses generously ("BSD" → BSD-2-Clause, "LGPL" → LGPL-3.0-or-later, "UNLICENSED" →
 * Unlicense). A wrong id is worse than the original text for a policy check, so a correction is kept
 * only when the text names the same license family and, for a versioned id, the same major version
 * (and says "+" or "later" for an `-or-later` id).
 */
import spdxCorrect from 'spdx-correct';
import parseSpdx from 'spdx-expression-parse';

/** Longer values are license texts pasted into a metadata field, not names: dropped. */
export const MAX_LICENSE_NAME_CHARS = 256;

/** Values that say "no license information". */
const NO_LICENSE = new Set(['', 'unknown', 'none', 'n/a', 'undefined', 'null']);

/** Whether `text` is a valid SPDX license expression (`MIT`, `(MIT OR Apache-2.0)`, `GPL-2.0+`). */
export function isSpdxExpression(text: string): boolean {
  try {
    parseSpdx(text);
    return true;
  } catch {
    // spdx-expression-parse throws for anything that is not an expression: that is the answer here
    return false;
  }
}

/** `GPL-2.0-or-later` → family `gpl`, major `2`; `MIT` → family `mit`. */
function familyAndMajor(id: string): { family: string; major: string | undefined } {
  const m = /^([A-Za-z]+)[^0-9]*(\d+)?/.exec(id);
  return { family: (m?.[1] ?? id).toLowerCase(), major: m?.[2] };
}

/** Whether `text` names `family` as a word (optionally glued to a `v2`-style version, as in `GPLv2+`). */
function namesFamily(text: string, family: string): boolean {
  const escaped = family.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z])${escaped}($|[^a-z]|v\\d)`, 'i').test(text);
}

function safeCorrection(text: string): string | undefined {
  const corrected = spdxCorrect(text);
  if (corrected === null) return undefined;
  const { family, major } = familyAndMajor(corrected);
  if (!namesFamily(text, family)) return undefined;
  if (major !== undefined && !new RegExp(`(^|\\D)${major}(\\D|$)`).test(text)) return undefined;
  if (corrected.endsWith('-or-later') && !/\+|later/i.test(text)) return undefined;
  return corrected;
}

/**
 * One license value → an SPDX expression, the trimmed text, or `undefined` for "no information".
 * @example normaliseLicense('MIT License') // 'MIT'
 * @example normaliseLicense('BSD License') // 'BSD License' (version unknown: no guess)
 * @example normaliseLicense('UNLICENSED') // 'UNLICENSED' (npm: all rights reserved)
 */
export function normaliseLicense(raw: string): string | undefined {
  const text = raw.trim();
  if (NO_LICENSE.has(text.toLowerCase()) || text.length > MAX_LICENSE_NAME_CHARS || text.includes('\n')) {
    return undefined;
  }
  if (isSpdxExpression(text)) return text;
  if (text === 'UNLICENSED') return text;
  return safeCorrection(text) ?? text;
}

/** Normalises each value, dropping empty ones and duplicates, keeping first-seen order. */
export function normaliseLicenses(raws: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const raw of raws) {
    const l = normaliseLicense(raw);
    if (l !== undefined) out.add(l);
  }
  return [...out];
}
