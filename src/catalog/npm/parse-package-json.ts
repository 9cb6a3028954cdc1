/**
 * The package.json of an installed package (`…/node_modules/<name>/package.json`): name, version and
 * licenses. Files whose path is not a package root never get here (paths.ts).
 * ref. https://docs.npmjs.com/cli/v10/configuring-npm/package-json
 */
import { ResultBuilder } from '../internal/language-package.js';
import { isRecord, parseJson, stringField } from '../internal/json-shape.js';
import type { CatalogResult } from '../model.js';
import { npmLicenses, npmPackage, PACKAGE_JSON_CATALOGER_ID } from './package.js';

export const PACKAGE_JSON_INVALID = 'CATALOG_NPM_PACKAGE_JSON_INVALID';

/**
 * Parses one installed package.json. A `"private": true` package is the application's own code (a
 * workspace copied into node_modules), never a dependency: it yields nothing and no Unknown.
 * @example parsePackageJson('{"name":"is-number","version":"7.0.0","license":"MIT"}', '/app/node_modules/is-number/package.json')
 */
export function parsePackageJson(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  const parsed = parseJson(text);
  if (!parsed.ok) {
    out.unknown(path, PACKAGE_JSON_INVALID, `${path} is not valid JSON: ${parsed.message}`);
    return out.result();
  }
  const json = parsed.value;
  if (!isRecord(json)) {
    out.unknown(path, PACKAGE_JSON_INVALID, `${path} is not a JSON object`);
    return out.result();
  }
  if (json.private === true) return out.result();
  const name = stringField(json, 'name');
  const version = stringField(json, 'version');
  if (name === undefined || version === undefined) {
    const missing = [name === undefined && 'name', version === undefined && 'version']
      .filter(Boolean)
      .join(' and ');
    out.unknown(path, PACKAGE_JSON_INVALID, `${path} has no ${missing}: not an installed npm package`);
    return out.result();
  }
  out.add(
    npmPackage({
      name,
      version,
      licenses: npmLicenses(json),
      path,
      foundBy: PACKAGE_JSON_CATALOGER_ID,
      invalidCode: PACKAGE_JSON_INVALID,
    }),
  );
  return out.result();
}
