/**
 * `pnpm-lock.yaml`, whose `packages` keys changed shape across lockfile versions:
 * - v5.x (pnpm 5–7): `/name/1.0.0`, `/@scope/name/1.0.0_peer@2.0.0` (peer suffix after `_`);
 * - v6.0 (pnpm 8): `/name@1.0.0`, `/@scope/name@1.0.0(peer@2.0.0)`;
 * - v9.0 (pnpm 9+): `name@1.0.0` in `packages`, peer-suffixed copies in `snapshots`.
 * Entries of tarball or git dependencies carry explicit `name`/`version` fields, preferred when present.
 * Dev-only packages are left out: v5/v6 flag them `dev: true`; v9 has no flag, so the packages reachable
 * from the importers' `dependencies`/`optionalDependencies` through `snapshots` are kept.
 * ref. https://github.com/pnpm/spec/tree/master/lockfile
 */
import { ResultBuilder } from '../internal/language-package.js';
import { isRecord, stringField, type JsonRecord } from '../internal/json-shape.js';
import type { CatalogResult } from '../model.js';
import { parseLockYaml } from './lock-yaml.js';
import { LOCK_CATALOGER_ID, npmPackage } from './package.js';
import { LOCK_INVALID } from './parse-package-lock.js';

const FIRST_AT_STYLE_VERSION = 6;
const FIRST_SNAPSHOTS_VERSION = 9;

interface NameVersion {
  name: string;
  version: string;
}

/** A `packages` key → name and version, or undefined when the key has an unknown shape. */
export function parsePnpmKey(key: string, lockVersion: number): NameVersion | undefined {
  const k = key.startsWith('/') ? key.slice(1) : key;
  if (lockVersion < FIRST_AT_STYLE_VERSION) {
    const parts = k.split('/');
    const nameParts = parts[0]?.startsWith('@') ? 2 : 1;
    if (parts.length !== nameParts + 1) return undefined;
    const version = parts[nameParts]!.split('_')[0]!;
    return version === '' ? undefined : { name: parts.slice(0, nameParts).join('/'), version };
  }
  const base = stripPeerSuffix(k);
  const at = base.lastIndexOf('@');
  if (at <= 0 || at === base.length - 1) return undefined;
  return { name: base.slice(0, at), version: base.slice(at + 1) };
}

/** `1.0.0(react@18.2.0)` → `1.0.0`. */
function stripPeerSuffix(s: string): string {
  const paren = s.indexOf('(');
  return paren < 0 ? s : s.slice(0, paren);
}

/** @example parsePnpmLock(text, '/app/pnpm-lock.yaml').packages.map((p) => p.purl) */
export function parsePnpmLock(text: string, path: string): CatalogResult {
  const out = new ResultBuilder();
  const parsed = parseLockYaml(text, path, out);
  if (parsed === undefined) return out.result();
  const { doc } = parsed;
  const lockVersion = isRecord(doc) ? Number.parseFloat(String(doc.lockfileVersion)) : Number.NaN;
  if (!isRecord(doc) || Number.isNaN(lockVersion)) {
    out.unknown(path, LOCK_INVALID, `${path} has no lockfileVersion: not a pnpm lock file`);
    return out.result();
  }
  if (!isRecord(doc.packages)) return out.result();
  const kept = lockVersion >= FIRST_SNAPSHOTS_VERSION ? reachableFromImporters(doc) : undefined;
  for (const [key, entry] of Object.entries(doc.packages)) {
    const e = isRecord(entry) ? entry : {};
    if (lockVersion < FIRST_SNAPSHOTS_VERSION && e.dev === 'true') continue;
    const id = explicitNameVersion(e) ?? parsePnpmKey(key, lockVersion);
    if (id === undefined) {
      out.unknown(path, LOCK_INVALID, `${path}: package key "${key}" has an unknown shape; skipped`);
      continue;
    }
    if (kept !== undefined && !kept.has(`${id.name}@${id.version}`) && !kept.has(stripPeerSuffix(key)))
      continue;
    out.add(npmPackage({ ...id, path, foundBy: LOCK_CATALOGER_ID, invalidCode: LOCK_INVALID }));
  }
  return out.result();
}

function explicitNameVersion(entry: JsonRecord): NameVersion | undefined {
  const name = stringField(entry, 'name');
  const version = stringField(entry, 'version');
  return name !== undefined && version !== undefined ? { name, version } : undefined;
}

/**
 * v9: `name@version` (peer suffix removed) of every snapshot reachable from the importers' production
 * dependencies, or undefined when the file lacks importers or snapshots (then nothing is filtered).
 */
function reachableFromImporters(doc: JsonRecord): Set<string> | undefined {
  if (!isRecord(doc.importers) || !isRecord(doc.snapshots)) return undefined;
  const snapshots = doc.snapshots;
  const queue: string[] = [];
  for (const importer of Object.values(doc.importers)) {
    if (!isRecord(importer)) continue;
    for (const field of ['dependencies', 'optionalDependencies']) {
      const deps = importer[field];
      if (!isRecord(deps)) continue;
      for (const [name, spec] of Object.entries(deps)) {
        const version = isRecord(spec) ? stringField(spec, 'version') : undefined;
        if (version !== undefined) queue.push(snapshotKey(name, version));
      }
    }
  }
  const seen = new Set<string>();
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const snap = snapshots[key];
    if (!isRecord(snap)) continue;
    for (const field of ['dependencies', 'optionalDependencies']) {
      const deps = snap[field];
      if (!isRecord(deps)) continue;
      for (const [name, v] of Object.entries(deps))
        if (typeof v === 'string') queue.push(snapshotKey(name, v));
    }
  }
  return new Set([...seen].map(stripPeerSuffix));
}

/** A dependency reference → its snapshot key: `1.0.0(peer@1)` → `name@1.0.0(peer@1)`; aliases are whole keys. */
function snapshotKey(name: string, version: string): string {
  const base = stripPeerSuffix(version);
  return base.indexOf('@', 1) > 0 ? version : `${name}@${version}`;
}
