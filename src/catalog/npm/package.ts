/**
 * npm package drafts: scoped names split into the purl namespace, licenses from every shape package.json
 * and lock files have used.
 * ref. https://docs.npmjs.com/cli/v10/configuring-npm/package-json#license
 */
import { createLanguagePackage, type LanguagePackageResult } from '../internal/language-package.js';
import { isRecord, stringField } from '../internal/json-shape.js';
import { normaliseLicenses } from '../internal/spdx-license.js';

export const PACKAGE_JSON_CATALOGER_ID = 'npm-package-json';
export const LOCK_CATALOGER_ID = 'npm-lock';

export interface NpmPackageInput {
  name: string;
  version: string;
  licenses?: string[];
  path: string;
  foundBy: string;
  invalidCode: string;
}

/**
 * @example npmPackage({ name: '@isaacs/string-locale-compare', version: '1.1.0', … }).pkg.purl
 * // 'pkg:npm/%40isaacs/string-locale-compare@1.1.0'
 */
export function npmPackage(input: NpmPackageInput): LanguagePackageResult {
  const slash = input.name.indexOf('/');
  const scoped = input.name.startsWith('@') && slash > 1;
  return createLanguagePackage(
    {
      name: input.name,
      version: input.version,
      type: 'npm',
      purl: scoped
        ? { namespace: input.name.slice(0, slash), name: input.name.slice(slash + 1) }
        : { name: input.name },
      licenses: input.licenses ?? [],
      path: input.path,
      foundBy: input.foundBy,
    },
    input.invalidCode,
  );
}

/** One `license`/`licenses` value: `"MIT"`, `{ "type": "MIT", "url": … }`, or an array of either. */
function licenseStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (isRecord(value)) {
    const type = stringField(value, 'type') ?? stringField(value, 'name');
    return type === undefined ? [] : [type];
  }
  if (Array.isArray(value)) return value.flatMap((v) => (Array.isArray(v) ? [] : licenseStrings(v)));
  return [];
}

/**
 * Licenses of a package.json or lock entry: the `license` field (string, legacy object or array) and
 * the legacy `licenses` array (npm before 2015, e.g. json-schema 0.2.3).
 */
export function npmLicenses(obj: Record<string, unknown>): string[] {
  return normaliseLicenses([...licenseStrings(obj.license), ...licenseStrings(obj.licenses)]);
}

/** `npm:real-name@1.2.3` (an npm alias) → its real name and version. */
export function parseNpmAlias(spec: string): { name: string; version: string } | undefined {
  if (!spec.startsWith('npm:')) return undefined;
  const rest = spec.slice('npm:'.length);
  const at = rest.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { name: rest.slice(0, at), version: rest.slice(at + 1) };
}
