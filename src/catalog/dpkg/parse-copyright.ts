/**
 * Licenses of a Debian package from `/usr/share/doc/<pkg>/copyright`, when that file is in the
 * machine-readable format (DEP-5, https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/).
 * dpkg's own database has no license field. Free-form copyright files give no licenses (see README).
 *
 * DEP-5 short names are close to SPDX ids but not the same: `GPL-2+` is `GPL-2.0-or-later`, `Expat`
 * is `MIT`, `BSD-3-clause` is `BSD-3-Clause` (copyright-format 1.0, "License short name"). Generic
 * correction (spdx-correct) reads `GPL-2+` as `GPL-2.0-only`, so these are mapped here first.
 */
import { KiB } from '../../image/limits.js';
import { isSpdxExpression, normaliseLicense } from '../internal/spdx-license.js';
import { isBlank, splitLines } from '../internal/text-lines.js';

/** Copyright lines are prose; a longer one is not a License field worth reading. */
const MAX_LINE_CHARS = 16 * KiB;
/** `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/` (and the DEP-5 drafts' URLs). */
const FORMAT_RE = /^Format(?:-Specification)?:\s*\S*(?:copyright-format|dep5|dep-5)/i;
const LICENSE_FIELD_RE = /^License:[ \t]*(.*)$/i;
/** `with <keywords> exception` qualifies a license in a synopsis; SPDX would need the exact exception id. */
const EXCEPTION_RE = /\s+with\s+.*?\s+exception\b/gi;
/** Synopsis operators (copyright-format 1.0 "License specification"). */
const OPERATOR_RE = /\s+(?:or|and)\s+|\s*,\s*/i;
/** A short name is one word; anything else on the License line is license text, not a name. */
const SHORT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9.+_/-]*$/;

const GNU_RE = /^(AGPL|GPL|LGPL|GFDL)-(\d+)(?:\.(\d+))?(\+)?$/i;
const GFDL_NIV_RE = /^GFDL-NIV-(\d+)\.(\d+)(\+)?$/i;
const BSD_RE = /^BSD-([1234])-clause(-[A-Za-z]+)?$/i;
const APACHE_RE = /^Apache-(\d)(?:\.(\d))?$/i;

/** A DEP-5 short name as an SPDX id, when the mapping is certain. */
export function dep5ToSpdx(short: string): string | undefined {
  let id: string | undefined;
  const gnu = GNU_RE.exec(short);
  const niv = GFDL_NIV_RE.exec(short);
  const bsd = BSD_RE.exec(short);
  const apache = APACHE_RE.exec(short);
  if (gnu) id = `${gnu[1]!.toUpperCase()}-${gnu[2]}.${gnu[3] ?? '0'}-${gnu[4] ? 'or-later' : 'only'}`;
  else if (niv) id = `GFDL-${niv[1]}.${niv[2]}-no-invariants-${niv[3] ? 'or-later' : 'only'}`;
  else if (bsd) id = `BSD-${bsd[1]}-Clause${bsd[2] ?? ''}`;
  else if (apache) id = `Apache-${apache[1]}.${apache[2] ?? '0'}`;
  else if (short.toLowerCase() === 'expat') id = 'MIT';
  return id !== undefined && isSpdxExpression(id) ? id : undefined;
}

/**
 * Short name → license, shared by the copyright files of one catalog call: the same few dozen names
 * recur in every file, and generic normalisation (spdx-correct) costs about a millisecond per name.
 */
export type LicenseNameCache = Map<string, string | undefined>;

function toLicense(short: string, cache: LicenseNameCache): string | undefined {
  if (cache.has(short)) return cache.get(short);
  const license = dep5ToSpdx(short) ?? normaliseLicense(short);
  cache.set(short, license);
  return license;
}

/** The short names of one `License:` synopsis (`GPL-2+ or Artistic` → `GPL-2.0-or-later`, `Artistic`). */
function synopsisLicenses(synopsis: string, cache: LicenseNameCache): string[] {
  const out: string[] = [];
  for (const part of synopsis.replace(EXCEPTION_RE, '').split(OPERATOR_RE)) {
    const short = part.trim();
    if (!SHORT_NAME_RE.test(short)) continue;
    const license = toLicense(short, cache);
    if (license !== undefined) out.push(license);
  }
  return out;
}

/**
 * Licenses named by the `License:` fields of a DEP-5 copyright file, first-seen order, no duplicates;
 * `[]` for a free-form file (no `Format:` field in the first paragraph).
 *
 * @example parseCopyrightLicenses('Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n')
 * // ['GPL-2.0-or-later']
 */
export function parseCopyrightLicenses(text: string, cache: LicenseNameCache = new Map()): string[] {
  const found = new Set<string>();
  let inHeader = true;
  let sawHeaderField = false;
  let machineReadable = false;
  for (const line of splitLines(text, MAX_LINE_CHARS)) {
    if (inHeader && isBlank(line.text)) {
      if (!sawHeaderField) continue;
      if (!machineReadable) return [];
      inHeader = false;
    }
    if (inHeader) {
      sawHeaderField = true;
      if (FORMAT_RE.test(line.text)) machineReadable = true;
    }
    const m = line.tooLong ? null : LICENSE_FIELD_RE.exec(line.text);
    if (m) for (const l of synopsisLicenses(m[1]!, cache)) found.add(l);
  }
  return machineReadable ? [...found] : [];
}
