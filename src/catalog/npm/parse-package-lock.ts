/**
 * npm lock files (`package-lock.json`, `npm-shrinkwrap.json`):
 * - lockfileVersion 1 (npm 5–6): a nested `dependencies` tree;
 * - lockfileVersion 2 and 3 (npm 7+): a flat `packages` map keyed by install path (`node_modules/a/node_modules/b`);
 *   v2 also carries the v1 tree, which is ignored.
 * Dev-only packages (`dev: true`) are left out: an image built from the lock file does not install them.
 * ref. https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json
 */
import { ResultBuilder } from '../internal/language-package.js';
import { isRecord, parseJson, stringField, type JsonRecord } from '../internal/json-shape.js';
import type { CatalogResult } from '../model.js';
import { LOCK_CATALOGER_ID, npmLicenses, npmPackage, parseNpmAlias } from './package.js';

export const LOCK_INVALID = 'CATALOG_NPM_LOCK_INVALID';
/** Nesting of a v1 `dependencies` tree beyond which the rest is reported, not walked. */
export const MAX_LOCK_V1_DEPTH = 128;
const NODE_MODULES = 'node_modules/';
/** Versions naming local code (`file:../x`, `link:…`): the project's own sources, not dependencies. */
const LOCAL_PROTOCOLS = ['file:', 'link:'];

/** @example parsePackageLock(text, '/app/package-lock.json').packages.map((p) => p.purl) */
export function parsePackageLock(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  const parsed = parseJson(text);
  if (!parsed.ok || !isRecord(parsed.value)) {
    const why = parsed.ok ? 'not a JSON object' : parsed.message;
    out.unknown(path, LOCK_INVALID, `${path} is not a valid npm lock file: ${why}`);
    return out.result();
  }
  const lock = parsed.value;
  if (isRecord(lock.packages)) readPackagesMap(lock.packages, path, out);
  else if (isRecord(lock.dependencies)) readDependencyTree(lock.dependencies, path, out);
  else if (lock.lockfileVersion === undefined) {
    out.unknown(
      path,
      LOCK_INVALID,
      `${path} has neither "packages" nor "dependencies": not an npm lock file`,
    );
  }
  return out.result();
}

/** v2/v3: `{"node_modules/a": {...}, "node_modules/a/node_modules/@s/b": {...}, "packages/ws": {...}}`. */
function readPackagesMap(packages: JsonRecord, path: string, out: ResultBuilder): void {
  for (const [key, entry] of Object.entries(packages)) {
    const at = key.lastIndexOf(NODE_MODULES);
    // "" is the project itself; keys without node_modules/ are workspace folders (the project's own code)
    if (at < 0) continue;
    if (!isRecord(entry)) {
      out.unknown(path, LOCK_INVALID, `${path}: entry "${key}" is not an object; skipped`);
      continue;
    }
    if (entry.link === true || entry.dev === true) continue;
    const name = stringField(entry, 'name') ?? key.slice(at + NODE_MODULES.length);
    const version = stringField(entry, 'version');
    if (version === undefined) {
      out.unknown(path, LOCK_INVALID, `${path}: entry "${key}" has no version; skipped`);
      continue;
    }
    if (LOCAL_PROTOCOLS.some((p) => version.startsWith(p))) continue;
    out.add(
      npmPackage({
        name,
        version,
        licenses: npmLicenses(entry),
        path,
        foundBy: LOCK_CATALOGER_ID,
        invalidCode: LOCK_INVALID,
      }),
    );
  }
}

/** v1: `{"a": {"version": "1.0.0", "dependencies": {"b": {...}}}}`, walked iteratively with a depth cap. */
function readDependencyTree(root: JsonRecord, path: string, out: ResultBuilder): void {
  const stack: Array<{ deps: JsonRecord; depth: number }> = [{ deps: root, depth: 1 }];
  while (stack.length > 0) {
    const { deps, depth } = stack.pop()!;
    if (depth > MAX_LOCK_V1_DEPTH) {
      out.unknown(
        path,
        LOCK_INVALID,
        `${path}: dependencies nested deeper than ${MAX_LOCK_V1_DEPTH} levels; the rest is not read`,
      );
      continue;
    }
    for (const [key, dep] of Object.entries(deps)) {
      if (!isRecord(dep)) {
        out.unknown(path, LOCK_INVALID, `${path}: dependency "${key}" is not an object; skipped`);
        continue;
      }
      if (isRecord(dep.dependencies)) stack.push({ deps: dep.dependencies, depth: depth + 1 });
      readV1Dependency(key, dep, path, out);
    }
  }
}

function readV1Dependency(key: string, dep: JsonRecord, path: string, out: ResultBuilder): void {
  if (dep.dev === true) return;
  const raw = stringField(dep, 'version');
  if (raw === undefined) {
    out.unknown(path, LOCK_INVALID, `${path}: dependency "${key}" has no version; skipped`);
    return;
  }
  if (LOCAL_PROTOCOLS.some((p) => raw.startsWith(p))) return;
  const { name, version } = parseNpmAlias(raw) ?? { name: key, version: raw };
  out.add(npmPackage({ name, version, path, foundBy: LOCK_CATALOGER_ID, invalidCode: LOCK_INVALID }));
}
