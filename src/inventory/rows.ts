/**
 * Row helpers shared by the store's parts: time-ordered ids, pagination cursors, chunked inserts,
 * purl keys and row → contract conversions.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Package } from '../catalog/model.js';
import { AppError } from '../errors.js';
import { parsePurl } from '../sbom/purl-identity.js';
import type { InventoryDatabase, DeploymentsTable } from './schema.js';
import type {
  BuildProvenance,
  Deployment,
  DeploymentState,
  PageRequest,
  Platform,
  WhereDeployment,
} from './types.js';

export type Db = Kysely<InventoryDatabase> | Transaction<InventoryDatabase>;

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
/** Bind parameters per statement stay far below SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 8000;

let lastMs = 0;
let seq = 0;

/**
 * Ids that sort by creation time: ms (base-36, fixed width), a per-process sequence (monotonic within
 * one process even inside one ms), then randomness. Cursor order = creation order.
 */
export function newId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else seq++;
  return `${lastMs.toString(36).padStart(9, '0')}${seq.toString(36).padStart(4, '0')}${randomBytes(6).toString('hex')}`;
}

export function pageSize(page: PageRequest | undefined): number {
  const n = page?.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 1) {
    throw new AppError('INVENTORY_INPUT_INVALID', `page limit must be a positive integer, got ${String(n)}`);
  }
  return Math.min(n, MAX_PAGE);
}

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof v.k === 'string') return v.k;
  } catch {
    // falls through to the error below: a cursor we did not issue
  }
  throw new AppError('INVENTORY_CURSOR_INVALID', `pagination cursor "${cursor.slice(0, 40)}" is not valid`, {
    hint: 'pass the "next" value of the previous page unchanged, or omit the cursor to start over',
  });
}

/** Splits rows so that one INSERT binds at most {@link MAX_PARAMS} parameters. */
export function chunks<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, columns)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Plain id lists for `IN (…)`, chunked. */
export function idChunks(ids: readonly string[]): string[][] {
  return chunks(ids, 1);
}

/** Cuts version, qualifiers and subpath off a canonical purl (in which `@` inside names is `%40`). */
function cutVersion(purl: string): string {
  let end = purl.length;
  const q = purl.indexOf('?');
  if (q >= 0) end = q;
  const h = purl.indexOf('#');
  if (h >= 0 && h < end) end = h;
  const head = purl.slice(0, end);
  const at = head.lastIndexOf('@');
  return at > head.lastIndexOf('/') ? head.slice(0, at) : head;
}

/**
 * `pkg:type/namespace/name` without version, qualifiers and subpath, from the canonical form
 * (packageurl-js `toString`), so that a query typed as `pkg:npm/@babel/core` and a stored
 * `pkg:npm/%40babel/core@7.23.0` meet. Undefined for an invalid purl.
 */
export function purlBase(purl: string): string | undefined {
  const p = parsePurl(purl);
  return p === undefined ? undefined : cutVersion(p.toString());
}

/** Source packages exist for OS package types: a `where pkg:deb/debian/openssl` also finds libssl3. */
const SOURCE_TYPES = new Set(['deb', 'rpm', 'apk']);

/**
 * The `image_packages` row of a package. Purls written by Corral's catalogers are canonical, so the base
 * is cut with string operations (no purl parse per package: pushes store hundreds of packages).
 */
export function packageRow(imageDigest: string, pkg: Package): InventoryDatabase['image_packages'] {
  const base = pkg.purl.startsWith('pkg:')
    ? cutVersion(pkg.purl)
    : `pkg:${pkg.type}/${encodeURIComponent(pkg.name)}`;
  let sourceBase: string | null = null;
  if (pkg.source !== undefined && pkg.source.name !== pkg.name && SOURCE_TYPES.has(pkg.type)) {
    sourceBase = `${base.slice(0, base.lastIndexOf('/') + 1)}${encodeURIComponent(pkg.source.name)}`;
  }
  return {
    image_digest: imageDigest,
    pkg_id: pkg.id,
    name: pkg.name,
    version: pkg.version,
    type: pkg.type,
    purl_base: base,
    purl: pkg.purl,
    source_base: sourceBase,
    source_version: sourceBase === null ? null : (pkg.source?.version ?? pkg.version),
  };
}

export function parseJson<T>(text: string | null | undefined): T | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  return JSON.parse(text) as T;
}

export function mergeTags(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

export function mergeProvenance(
  old: BuildProvenance | undefined,
  next: BuildProvenance | undefined,
): BuildProvenance | undefined {
  if (old === undefined) return next;
  if (next === undefined) return old;
  return { ...old, ...next };
}

/** Row → Deployment; plain assignments (no spreads): `where` converts thousands of rows per answer. */
/** The columns of {@link WhereDeployment} (a `where` answer may list tens of thousands); where.ts unpacks them by position. */
export const WHERE_DEPLOYMENT_COLUMNS = [
  'id',
  'agent_id',
  'platform',
  'host',
  'cluster',
  'namespace',
  'container_id',
  'name',
  'image_digest',
  'reported_digest',
  'image_ref',
  'state',
  'started_at',
  'first_seen',
  'last_seen',
  'stopped_at',
] as const;

export function toWhereDeployment(
  r: Pick<DeploymentsTable, (typeof WHERE_DEPLOYMENT_COLUMNS)[number]>,
): WhereDeployment {
  const d: WhereDeployment = {
    id: r.id,
    agentId: r.agent_id,
    platform: r.platform as Platform,
    host: r.host,
    containerId: r.container_id,
    name: r.name,
    imageDigest: r.image_digest ?? r.reported_digest,
    state: r.state as DeploymentState,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  };
  if (r.cluster !== null) d.cluster = r.cluster;
  if (r.namespace !== null) d.namespace = r.namespace;
  if (r.image_ref !== null) d.imageRef = r.image_ref;
  if (r.started_at !== null) d.startedAt = r.started_at;
  if (r.stopped_at !== null) d.stoppedAt = r.stopped_at;
  return d;
}

/** The full row: the `where` projection plus labels and compose details. */
export function toDeployment(r: DeploymentsTable): Deployment {
  const d: Deployment = {
    ...toWhereDeployment(r),
    labels: r.labels === '{}' ? {} : (parseJson<Record<string, string>>(r.labels) ?? {}),
  };
  if (r.compose_project !== null) d.composeProject = r.compose_project;
  if (r.compose_service !== null) d.composeService = r.compose_service;
  return d;
}

/** COUNT(*) comes back as a bigint string from pg and a number from SQLite. */
export function num(v: string | number | bigint | null | undefined): number {
  return v === null || v === undefined ? 0 : Number(v);
}
