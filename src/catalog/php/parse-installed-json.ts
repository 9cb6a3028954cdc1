/**
 * Composer's record of what is installed in `vendor/`: `vendor/composer/installed.json`.
 * - Composer 1: a JSON array of packages;
 * - Composer 2: `{ "packages": [...], "dev": bool, "dev-package-names": [...] }`.
 * Packages installed only for development are still on disk, so they are reported, with the property
 * `corral:composer:dev` = `true`.
 * ref. https://getcomposer.org/doc/articles/vendor-binaries.md, composer/src/Composer/Repository/FilesystemRepository.php
 */
import { createLanguagePackage, ResultBuilder } from '../internal/language-package.js';
import { isRecord, parseJson, stringField, type JsonRecord } from '../internal/json-shape.js';
import { normaliseLicenses } from '../internal/spdx-license.js';
import type { CatalogResult } from '../model.js';

export const COMPOSER_CATALOGER_ID = 'php-composer-installed';
export const INSTALLED_JSON_INVALID = 'CATALOG_PHP_COMPOSER_INSTALLED_INVALID';
export const DEV_PROPERTY = 'corral:composer:dev';

/** The package list and dev package names of either format, or a reason it is neither. */
function packageList(json: unknown): { packages: unknown[]; dev: Set<string> } | string {
  if (Array.isArray(json)) return { packages: json, dev: new Set() };
  if (!isRecord(json)) return 'not a JSON array or object';
  if (!Array.isArray(json.packages)) return 'has no "packages" array';
  const devNames = Array.isArray(json['dev-package-names']) ? json['dev-package-names'] : [];
  return {
    packages: json.packages,
    dev: new Set(devNames.filter((n): n is string => typeof n === 'string')),
  };
}

function licensesOf(pkg: JsonRecord): string[] {
  const raw = pkg.license;
  if (typeof raw === 'string') return normaliseLicenses([raw]);
  if (Array.isArray(raw)) return normaliseLicenses(raw.filter((l): l is string => typeof l === 'string'));
  return [];
}

/** @example parseComposerInstalled(text, '/app/vendor/composer/installed.json').packages[0]?.purl */
export function parseComposerInstalled(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  const parsed = parseJson(text);
  const list = parsed.ok ? packageList(parsed.value) : `is not valid JSON: ${parsed.message}`;
  if (typeof list === 'string') {
    out.unknown(path, INSTALLED_JSON_INVALID, `${path} ${list}: not a composer installed.json`);
    return out.result();
  }
  list.packages.forEach((pkg, i) => {
    const name = isRecord(pkg) ? stringField(pkg, 'name') : undefined;
    const version = isRecord(pkg) ? stringField(pkg, 'version') : undefined;
    if (!isRecord(pkg) || name === undefined || version === undefined) {
      out.unknown(path, INSTALLED_JSON_INVALID, `${path}: package #${i} has no name or version; skipped`);
      return;
    }
    const slash = name.indexOf('/');
    out.add(
      createLanguagePackage(
        {
          name,
          version,
          type: 'composer',
          purl: slash > 0 ? { namespace: name.slice(0, slash), name: name.slice(slash + 1) } : { name },
          licenses: licensesOf(pkg),
          path,
          foundBy: COMPOSER_CATALOGER_ID,
          ...(list.dev.has(name) && { properties: { [DEV_PROPERTY]: 'true' } }),
        },
        INSTALLED_JSON_INVALID,
      ),
    );
  });
  return out.result();
}
