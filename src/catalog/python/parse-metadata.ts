/**
 * Python core metadata: `*.dist-info/METADATA` (wheels, pip), `*.egg-info/PKG-INFO` and single-file
 * `*.egg-info` (setuptools, distro packages). All are RFC 822-style headers; the body after the first
 * blank line is the long description and is not read.
 * ref. https://packaging.python.org/en/latest/specifications/core-metadata/
 */
import { createLanguagePackage, ResultBuilder } from '../internal/language-package.js';
import { isSpdxExpression, normaliseLicense, normaliseLicenses } from '../internal/spdx-license.js';
import type { CatalogResult } from '../model.js';

export const PYTHON_CATALOGER_ID = 'python-installed';
export const METADATA_INVALID = 'CATALOG_PYTHON_METADATA_INVALID';
/** Real headers have tens of lines (classifiers included); more is not metadata. */
export const MAX_HEADER_LINES = 10_000;
const LICENSE_CLASSIFIER = 'License ::';
const CLASSIFIER_SEPARATOR = ' :: ';

/** Header name (lowercased) → values in file order. */
export type Headers = Map<string, string[]>;

/**
 * Reads the header block. Continuation lines (leading whitespace) extend the previous value; reading
 * stops at the first blank line or after {@link MAX_HEADER_LINES} lines.
 */
export function readHeaders(text: string): { headers: Headers; truncated: boolean } {
  const headers: Headers = new Map();
  let last: { values: string[]; index: number } | undefined;
  let pos = 0;
  for (let n = 0; pos < text.length; n++) {
    if (n >= MAX_HEADER_LINES) return { headers, truncated: true };
    const nl = text.indexOf('\n', pos);
    const line = text.slice(pos, nl < 0 ? text.length : nl).replace(/\r$/, '');
    pos = nl < 0 ? text.length : nl + 1;
    if (line.trim() === '') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      last.values[last.index] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(key, values);
    last = { values, index: values.length - 1 };
  }
  return { headers, truncated: false };
}

/** PEP 503 normalisation, used for the purl name: `Foo.Bar_baz` → `foo-bar-baz`. */
export function normalisePythonName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * Licenses, most precise first: `License-Expression` (metadata 2.4); a `License` value that is an SPDX
 * expression; `License :: …` classifiers; the `License` text as found. `UNKNOWN` and pasted license
 * texts (multi-line) count as nothing.
 */
export function pythonLicenses(headers: Headers): string[] {
  const expression = headers.get('license-expression')?.[0];
  if (expression !== undefined && normaliseLicense(expression) !== undefined)
    return normaliseLicenses([expression]);
  const license = headers.get('license')?.[0];
  const fromField = license === undefined ? undefined : normaliseLicense(license);
  if (fromField !== undefined && isSpdxExpression(fromField)) return [fromField];
  const classifiers = (headers.get('classifier') ?? [])
    .filter((c) => c.startsWith(LICENSE_CLASSIFIER))
    .map((c) => c.split(CLASSIFIER_SEPARATOR).pop()!.trim())
    .filter((c) => c !== 'OSI Approved');
  if (classifiers.length > 0) return normaliseLicenses(classifiers);
  return fromField === undefined ? [] : [fromField];
}

/** @example parseCoreMetadata(text, '/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA') */
export function parseCoreMetadata(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  const { headers, truncated } = readHeaders(text);
  if (truncated) {
    out.unknown(
      path,
      METADATA_INVALID,
      `${path}: more than ${MAX_HEADER_LINES} header lines; the rest is not read`,
    );
  }
  const name = headers.get('name')?.[0];
  const version = headers.get('version')?.[0];
  if (!name || !version) {
    const missing = [!name && 'Name', !version && 'Version'].filter(Boolean).join(' and ');
    out.unknown(path, METADATA_INVALID, `${path} has no ${missing} header: not Python package metadata`);
    return out.result();
  }
  out.add(
    createLanguagePackage(
      {
        name,
        version,
        type: 'pypi',
        purl: { name: normalisePythonName(name) },
        licenses: pythonLicenses(headers),
        path,
        foundBy: PYTHON_CATALOGER_ID,
      },
      METADATA_INVALID,
    ),
  );
  return out.result();
}
