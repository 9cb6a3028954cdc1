/**
 * Re-matching every stored SBOM against a (new) vulndb without touching images (issue 7 §5).
 *
 * Per batch of {@link BATCH} images: read the gzipped SBOMs and the current findings, run `matchSbom`
 * through a memoising view of the vulndb (images share most packages, so most advisory lookups are
 * answered from memory), diff the (vulnerability, package) keys, and apply the difference in ONE
 * transaction: removed rows deleted, added rows inserted, changed ratings updated, delta rows recorded.
 * Unchanged findings keep their `first_seen`. Then one alert per (image, newly added vulnerability)
 * for images with at least one running deployment.
 */
import { performance } from 'node:perf_hooks';
import type { Package } from '../catalog/model.js';
import type { Finding } from '../match/model.js';
import { matchSbom } from '../match/run.js';
import type { Sbom } from '../sbom/model.js';
import { severityRank } from '../match/model.js';
import type { SeverityLevel } from '../vulndb/model.js';
import type { AffectedRow, StoredVulnerability, VulnerabilitiesOptions, VulnStore } from '../vulndb/store.js';
import { chunks, idChunks, newId, parseJson, type Db } from './rows.js';
import type { InventoryDatabase } from './schema.js';
import { decompressSbom, findingRows, insertFindings } from './findings.js';
import type { Alert, MatchDelta, RematchOutcome } from './types.js';

/** Images per read + transaction. */
const BATCH = 100;

type FindingRow = InventoryDatabase['findings'];

/**
 * The vulndb behind a cache shared by every SBOM of one run: `affected`, `vulnerability`,
 * `vulnerabilities` and `metadata` answer repeated questions from memory; anything else is forwarded.
 */
export function memoizedVulnStore(store: VulnStore): VulnStore {
  const affected = new Map<string, AffectedRow[]>();
  const vulns = new Map<string, StoredVulnerability | undefined>();
  let meta: ReturnType<VulnStore['summary']> | undefined;
  const overrides: Record<string, unknown> = {
    affected: (ecosystem: string, pkg: string, release?: string): AffectedRow[] => {
      const key = `${ecosystem}\u0000${pkg}\u0000${release ?? '\u0001'}`;
      let rows = affected.get(key);
      if (rows === undefined) {
        rows = store.affected(ecosystem, pkg, release);
        affected.set(key, rows);
      }
      return rows;
    },
    vulnerability: (id: string): StoredVulnerability | undefined => {
      if (!vulns.has(id)) vulns.set(id, store.vulnerability(id));
      return vulns.get(id);
    },
    vulnerabilities: (
      ids: Iterable<string>,
      opts?: VulnerabilitiesOptions,
    ): Map<string, StoredVulnerability> => {
      const wanted = [...new Set(ids)];
      const missing = wanted.filter((id) => !vulns.has(id));
      if (missing.length > 0) {
        const got = store.vulnerabilities(missing, opts);
        for (const id of missing) vulns.set(id, got.get(id));
      }
      const out = new Map<string, StoredVulnerability>();
      for (const id of wanted) {
        const v = vulns.get(id);
        if (v !== undefined) out.set(id, v);
      }
      return out;
    },
    // read once per run (matchSbom names the DB in every result)
    summary: () => (meta ??= store.summary()),
  };
  return new Proxy(store, {
    get(target, prop, _receiver) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Everything a matcher reads of a package (besides the SBOM's distro): equal keys → equal findings. */
function packageKey(p: Package): string {
  return [
    p.type,
    p.name,
    p.version,
    p.purl,
    p.arch ?? '',
    p.source?.name ?? '',
    p.source?.version ?? '',
    p.cpes.join(' '),
    p.properties === undefined ? '' : JSON.stringify(p.properties),
  ].join('\u0000');
}

/**
 * Findings per distinct package across the whole run: a fleet repeats the same packages (base images,
 * popular libraries), so each distinct (distro, package) goes through the matchers once; the others
 * reuse its findings with their own package. The inventory keeps no per-layer data, so nothing
 * SBOM-specific is lost.
 */
export class PackageMatchCache {
  readonly #cache = new Map<string, Finding[]>();
  readonly #vulndb: VulnStore;
  readonly #now: Date;

  constructor(vulndb: VulnStore, now: Date) {
    this.#vulndb = memoizedVulnStore(vulndb);
    this.#now = now;
  }

  async findings(sbom: Sbom): Promise<Finding[]> {
    const distro =
      sbom.distro === undefined
        ? ''
        : `${sbom.distro.id}\u0000${sbom.distro.versionId ?? ''}\u0000${sbom.distro.codename ?? ''}`;
    const keys = sbom.packages.map((p) => `${distro}\u0001${packageKey(p)}`);
    const missing: Package[] = [];
    const missingKeys: string[] = [];
    const queued = new Set<string>();
    sbom.packages.forEach((p, i) => {
      const k = keys[i]!;
      if (this.#cache.has(k) || queued.has(k)) return;
      queued.add(k);
      missing.push(p);
      missingKeys.push(k);
    });
    if (missing.length > 0) {
      const result = await matchSbom({ ...sbom, packages: missing }, this.#vulndb, { now: this.#now });
      const byPkg = new Map<string, Finding[]>();
      for (const f of result.findings) {
        const list = byPkg.get(f.package.id);
        if (list === undefined) byPkg.set(f.package.id, [f]);
        else list.push(f);
      }
      missing.forEach((p, i) => this.#cache.set(missingKeys[i]!, byPkg.get(p.id) ?? []));
    }
    const out: Finding[] = [];
    sbom.packages.forEach((p, i) => {
      for (const f of this.#cache.get(keys[i]!)!) out.push(f.package === p ? f : { ...f, package: p });
    });
    return out;
  }
}

const key = (r: Pick<FindingRow, 'vuln_id' | 'pkg_id'>): string => `${r.vuln_id}\u0000${r.pkg_id}`;

function deltaRow(
  runId: string,
  r: FindingRow,
  change: MatchDelta['change'],
): InventoryDatabase['rematch_deltas'] {
  return {
    run_id: runId,
    image_digest: r.image_digest,
    vuln_id: r.vuln_id,
    pkg_id: r.pkg_id,
    pkg_name: r.pkg_name,
    pkg_version: r.pkg_version,
    pkg_type: r.pkg_type,
    pkg_purl: r.pkg_purl,
    severity: r.severity,
    change,
  };
}

interface ImageDiff {
  added: FindingRow[];
  removed: FindingRow[];
  changed: FindingRow[];
  aliases: InventoryDatabase['vuln_aliases'][];
}

function diff(stored: readonly FindingRow[], fresh: readonly FindingRow[]): Omit<ImageDiff, 'aliases'> {
  const old = new Map(stored.map((r) => [key(r), r]));
  const now = new Map(fresh.map((r) => [key(r), r]));
  const added = fresh.filter((r) => !old.has(key(r)));
  const removed = stored.filter((r) => !now.has(key(r)));
  const changed = fresh.filter((r) => {
    const o = old.get(key(r));
    return (
      o !== undefined &&
      (o.severity !== r.severity ||
        o.fix_state !== r.fix_state ||
        o.fixed_in !== r.fixed_in ||
        o.kev !== r.kev)
    );
  });
  return { added, removed, changed };
}

async function applyBatch(db: Db, runId: string, diffs: readonly ImageDiff[]): Promise<void> {
  const deltas = diffs.flatMap((d) => [
    ...d.added.map((r) => deltaRow(runId, r, 'added')),
    ...d.removed.map((r) => deltaRow(runId, r, 'removed')),
  ]);
  const changed = diffs.flatMap((d) => d.changed);
  if (deltas.length === 0 && changed.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const part of chunks(deltas, 10)) await trx.insertInto('rematch_deltas').values(part).execute();
    for (const r of diffs.flatMap((d) => d.removed)) {
      await trx
        .deleteFrom('findings')
        .where('image_digest', '=', r.image_digest)
        .where('vuln_id', '=', r.vuln_id)
        .where('pkg_id', '=', r.pkg_id)
        .execute();
    }
    await insertFindings(
      trx,
      diffs.flatMap((d) => d.added),
      diffs.flatMap((d) => d.aliases),
    );
    for (const r of changed) {
      await trx
        .updateTable('findings')
        .set({ severity: r.severity, fix_state: r.fix_state, fixed_in: r.fixed_in, kev: r.kev })
        .where('image_digest', '=', r.image_digest)
        .where('vuln_id', '=', r.vuln_id)
        .where('pkg_id', '=', r.pkg_id)
        .execute();
    }
  });
}

/** Added (image → vulnerability → rows), for alerts. */
type AddedIndex = Map<string, Map<string, FindingRow[]>>;

async function createAlerts(db: Db, runId: string, at: string, added: AddedIndex): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const part of idChunks([...added.keys()].sort())) {
    const deps = await db
      .selectFrom('deployments')
      .select(['id', 'image_digest', 'host', 'cluster', 'namespace', 'container_id', 'name'])
      .where('image_digest', 'in', part)
      .where('state', '=', 'running')
      .execute();
    // sorted here: an ORDER BY id would lead SQLite to walk the (state, id) index over every deployment
    deps.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (deps.length === 0) continue;
    const images = await db
      .selectFrom('images')
      .select(['digest', 'repo_tags'])
      .where('digest', 'in', part)
      .execute();
    const tagsOf = new Map(images.map((i) => [i.digest, parseJson<string[]>(i.repo_tags) ?? []]));
    const runningOf = new Map<string, typeof deps>();
    for (const d of deps) {
      const list = runningOf.get(d.image_digest!);
      if (list === undefined) runningOf.set(d.image_digest!, [d]);
      else list.push(d);
    }
    for (const digest of part) {
      const running = runningOf.get(digest);
      if (running === undefined) continue;
      for (const [vuln, rows] of [...added.get(digest)!.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const severity = rows
          .map((r) => r.severity as SeverityLevel)
          .reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
        alerts.push({
          id: newId(),
          createdAt: at,
          vulnerability: vuln,
          severity,
          imageDigest: digest,
          repoTags: tagsOf.get(digest) ?? [],
          packages: rows.map((r) => ({
            name: r.pkg_name,
            version: r.pkg_version,
            type: r.pkg_type as Alert['packages'][number]['type'],
            purl: r.pkg_purl,
          })),
          deployments: running.map((d) => ({
            host: d.host,
            ...(d.cluster !== null && { cluster: d.cluster }),
            ...(d.namespace !== null && { namespace: d.namespace }),
            containerId: d.container_id,
            name: d.name,
          })),
        });
      }
    }
  }
  for (const part of chunks(alerts, 7)) {
    await db
      .insertInto('alerts')
      .values(
        part.map((a) => ({
          id: a.id,
          created_at: a.createdAt,
          run_id: runId,
          vuln_id: a.vulnerability,
          severity: a.severity,
          image_digest: a.imageDigest,
          payload: JSON.stringify(a),
        })),
      )
      .onConflict((oc) => oc.columns(['run_id', 'image_digest', 'vuln_id']).doNothing())
      .execute();
  }
  return alerts;
}

export async function rematchAll(db: Db, vulndb: VulnStore, at: string): Promise<RematchOutcome> {
  const started = performance.now();
  const runId = newId();
  const matcher = new PackageMatchCache(vulndb, new Date(at));
  const builtAt = vulndb.summary().builtAt ?? null;
  await db
    .insertInto('rematch_runs')
    .values({ id: runId, started_at: at, images: 0, added: 0, removed: 0, db_built_at: builtAt })
    .execute();
  const digests = (await db.selectFrom('images').select('digest').orderBy('digest').execute()).map(
    (r) => r.digest,
  );
  const addedIndex: AddedIndex = new Map();
  let added = 0;
  let removed = 0;
  for (let i = 0; i < digests.length; i += BATCH) {
    const part = digests.slice(i, i + BATCH);
    const sboms = await db
      .selectFrom('images')
      .select(['digest', 'sbom'])
      .where('digest', 'in', part)
      .execute();
    const storedRows = await db
      .selectFrom('findings')
      .selectAll()
      .where('image_digest', 'in', part)
      .execute();
    const storedOf = new Map<string, FindingRow[]>();
    for (const r of storedRows) {
      const list = storedOf.get(r.image_digest);
      if (list === undefined) storedOf.set(r.image_digest, [r]);
      else list.push(r);
    }
    const diffs: ImageDiff[] = [];
    for (const row of sboms) {
      const fresh = findingRows(row.digest, await matcher.findings(decompressSbom(row.sbom)), at);
      const d = diff(storedOf.get(row.digest) ?? [], fresh.rows);
      diffs.push({ ...d, aliases: fresh.aliases });
      added += d.added.length;
      removed += d.removed.length;
      for (const r of d.added) {
        let byVuln = addedIndex.get(r.image_digest);
        if (byVuln === undefined) addedIndex.set(r.image_digest, (byVuln = new Map<string, FindingRow[]>()));
        const list = byVuln.get(r.vuln_id);
        if (list === undefined) byVuln.set(r.vuln_id, [r]);
        else list.push(r);
      }
    }
    await applyBatch(db, runId, diffs);
  }
  const alerts = await createAlerts(db, runId, at, addedIndex);
  const durationMs = Math.round(performance.now() - started);
  await db
    .updateTable('rematch_runs')
    .set({ finished_at: new Date().toISOString(), images: digests.length, added, removed })
    .where('id', '=', runId)
    .execute();
  return { runId, images: digests.length, added, removed, durationMs, alerts };
}
