/**
 * `yarn.lock` in both formats:
 * - classic (yarn 1): its own syntax, read with `@yarnpkg/lockfile`; keys are `name@range`;
 * - berry (yarn 2+): YAML with a `__metadata` entry; keys `name@npm:range`, each entry's `resolution`
 *   names the exact package (`name@npm:1.2.3`).
 * yarn.lock does not say which packages are dev-only (that needs package.json): all are reported.
 * ref. https://classic.yarnpkg.com/lang/en/docs/yarn-lock/, https://yarnpkg.com/protocols
 */
import lockfile from '@yarnpkg/lockfile';
import { ResultBuilder } from '../internal/language-package.js';
import { isRecord, parseErrorMessage, stringField } from '../internal/json-shape.js';
import type { CatalogResult } from '../model.js';
import { parseLockYaml } from './lock-yaml.js';
import { LOCK_CATALOGER_ID, npmPackage, parseNpmAlias } from './package.js';
import { LOCK_INVALID } from './parse-package-lock.js';

/** Berry protocols that are not installed packages of their own (workspaces, links, patched copies). */
const BERRY_SKIPPED_PROTOCOLS = new Set(['workspace', 'link', 'portal', 'patch', 'file', 'exec']);
/** Classic ranges naming local code. */
const CLASSIC_LOCAL_RANGES = ['file:', 'link:', 'portal:'];
const BERRY_MARKER = /^__metadata:/m;

/** `@scope/name@^1.0.0` → `@scope/name` (the first `@` after position 0 ends the name). */
function nameOfSpec(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at < 0 ? spec : spec.slice(0, at);
}

/** @example parseYarnLock(text, '/app/yarn.lock').packages[0]?.purl */
export function parseYarnLock(text: string, path: string): CatalogResult {
  if (text.trim() === '') {
    const out = new ResultBuilder();
    out.unknown(path, LOCK_INVALID, `${path} is empty: yarn always writes at least a header`);
    return out.result();
  }
  return BERRY_MARKER.test(text) ? parseBerry(text, path) : parseClassic(text, path);
}

function parseClassic(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  let object: Record<string, unknown>;
  try {
    const parsed = lockfile.parse(text);
    if (parsed.type !== 'success') {
      out.unknown(
        path,
        LOCK_INVALID,
        `${path} has unresolved merge conflicts (${parsed.type}); read what parsed`,
      );
    }
    object = parsed.object;
  } catch (err) {
    out.unknown(path, LOCK_INVALID, `${path} is not a valid yarn.lock: ${parseErrorMessage(err)}`);
    return out.result();
  }
  for (const [spec, entry] of Object.entries(object)) {
    if (!isRecord(entry)) continue;
    const specName = nameOfSpec(spec);
    const range = spec.slice(specName.length + 1);
    if (CLASSIC_LOCAL_RANGES.some((p) => range.startsWith(p))) continue;
    const version = stringField(entry, 'version');
    if (version === undefined) {
      out.unknown(path, LOCK_INVALID, `${path}: entry "${spec}" has no version; skipped`);
      continue;
    }
    const name = parseNpmAlias(range)?.name ?? specName;
    out.add(npmPackage({ name, version, path, foundBy: LOCK_CATALOGER_ID, invalidCode: LOCK_INVALID }));
  }
  return out.result();
}

function parseBerry(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  const parsed = parseLockYaml(text, path, out);
  if (parsed === undefined) return out.result();
  const { doc } = parsed;
  if (!isRecord(doc)) {
    out.unknown(path, LOCK_INVALID, `${path} is not a yarn berry lock file (not a mapping)`);
    return out.result();
  }
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(entry)) continue;
    readBerryEntry(key, entry, path, out);
  }
  return out.result();
}

function readBerryEntry(key: string, entry: Record<string, unknown>, path: string, out: ResultBuilder): void {
  if (entry.linkType === 'soft') return;
  const resolution = stringField(entry, 'resolution');
  if (resolution === undefined) {
    out.unknown(path, LOCK_INVALID, `${path}: entry "${key}" has no resolution; skipped`);
    return;
  }
  const name = nameOfSpec(resolution);
  const reference = resolution.slice(name.length + 1);
  const colon = reference.indexOf(':');
  const protocol = colon < 0 ? '' : reference.slice(0, colon);
  if (BERRY_SKIPPED_PROTOCOLS.has(protocol)) return;
  const version = protocol === 'npm' ? reference.slice(colon + 1) : stringField(entry, 'version');
  if (version === undefined) {
    out.unknown(path, LOCK_INVALID, `${path}: entry "${key}" has no version; skipped`);
    return;
  }
  out.add(npmPackage({ name, version, path, foundBy: LOCK_CATALOGER_ID, invalidCode: LOCK_INVALID }));
}
