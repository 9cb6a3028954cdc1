/**
 * `openInventory`: the {@link InventoryStore} over Kysely (SQLite or PostgreSQL). Design and tables:
 * README.md. Every write is one transaction; pushes are idempotent by digest through the primary key
 * (`INSERT … ON CONFLICT DO NOTHING`, then a re-read), so two processes pushing the same digest at once
 * store one image.
 *
 * @example
 * const store = await openInventory(process.env.DATABASE_URL ?? { path: 'inventory.db' }, {
 *   vulndb: () => currentVulnStore,
 * });
 * await store.pushImage({ sbom, repoTags: ['registry/app:1.2'] });
 * const hits = await store.where({ vulnerability: 'CVE-2014-0160', running: true });
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Package } from '../catalog/model.js';
import { AppError } from '../errors.js';
import { matchSbom } from '../match/run.js';
import type { Sbom } from '../sbom/model.js';
import type { SeverityLevel } from '../vulndb/model.js';
import type { VulnStore } from '../vulndb/store.js';
import { openInventoryDb, type InventoryDialect, type InventoryTarget } from './db.js';
import { compressSbom, decompressSbom, findingRows, insertFindings } from './findings.js';
import { rematchAll } from './rematch.js';
import {
  chunks,
  decodeCursor,
  encodeCursor,
  idChunks,
  mergeProvenance,
  mergeTags,
  newId,
  num,
  packageRow,
  pageSize,
  parseJson,
  toDeployment,
  type Db,
} from './rows.js';
import type { InventoryDatabase } from './schema.js';
import { fleetSummary, whereQuery } from './where.js';
import {
  ROLES,
  type Alert,
  type ApiToken,
  type AuditEntry,
  type BuildProvenance,
  type ContainerReport,
  type Delivery,
  type Deployment,
  type DeploymentEvent,
  type DeploymentSnapshot,
  type DeploymentState,
  type FleetSummary,
  type ImageSummary,
  type MatchDelta,
  type InventoryStore,
  type Page,
  type PageRequest,
  type Platform,
  type PushInput,
  type PushOutcome,
  type RematchOutcome,
  type Role,
  type SyncOutcome,
  type Webhook,
  type WhereImage,
  type WhereQuery,
} from './types.js';

export interface OpenInventoryOptions {
  /**
   * The server's current vulndb, asked on every push: when it returns a store, pushed SBOMs are matched
   * against it and the pushed findings are ignored; otherwise the pushed findings are stored.
   */
  vulndb?: () => VulnStore | undefined;
  /** Clock (tests). */
  now?: () => Date;
  /** SQLite job-lease duration; renewed while the job runs. Default 60 s. */
  leaseMs?: number;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const TOKEN_PREFIX = 'corral_';
const TOKEN_BYTES = 32;
const SEVERITIES: readonly SeverityLevel[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

function invalid(message: string, hint?: string): AppError {
  return new AppError('INVENTORY_INPUT_INVALID', message, hint === undefined ? {} : { hint });
}

function checkDigest(field: string, value: unknown): string {
  if (typeof value !== 'string' || !DIGEST.test(value)) {
    throw invalid(`${field} must be a digest such as "sha256:<64 hex>", got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkTime(field: string, value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw invalid(`${field} must be an ISO-8601 timestamp, got ${JSON.stringify(value)}`);
  }
  return new Date(value).toISOString();
}

export function hashToken(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/** Digest part of `repo@sha256:…`. */
function digestOfRepoDigest(rd: string): string | undefined {
  const at = rd.lastIndexOf('@');
  const d = at < 0 ? rd : rd.slice(at + 1);
  return DIGEST.test(d) ? d : undefined;
}

/** The parts of a push the store relies on; anything else is the SBOM's own business. */
function validatePush(input: PushInput): { sbom: Sbom; digest: string; configDigest: string | null } {
  const sbom = input.sbom as Sbom | undefined;
  if (typeof sbom !== 'object' || sbom === null || typeof sbom.image !== 'object' || sbom.image === null) {
    throw invalid('push: "sbom.image" is missing');
  }
  const digest = checkDigest('sbom.image.digest', sbom.image.digest);
  const configDigest =
    sbom.image.configDigest === undefined
      ? null
      : checkDigest('sbom.image.configDigest', sbom.image.configDigest);
  if (!Array.isArray(sbom.packages)) throw invalid('push: "sbom.packages" must be an array');
  for (const [i, p] of sbom.packages.entries()) {
    if (
      typeof p?.id !== 'string' ||
      typeof p.name !== 'string' ||
      typeof p.version !== 'string' ||
      typeof p.purl !== 'string'
    ) {
      throw invalid(`push: sbom.packages[${i}] needs string id, name, version and purl`);
    }
  }
  return { sbom, digest, configDigest };
}

class KyselyInventory implements InventoryStore {
  readonly dialect: InventoryDialect;
  readonly #db: Kysely<InventoryDatabase>;
  readonly #opts: OpenInventoryOptions;
  readonly #holder = randomBytes(12).toString('hex');

  constructor(db: Kysely<InventoryDatabase>, dialect: InventoryDialect, opts: OpenInventoryOptions) {
    this.#db = db;
    this.dialect = dialect;
    this.#opts = opts;
  }

  #now(): string {
    return (this.#opts.now?.() ?? new Date()).toISOString();
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  // ---- images -------------------------------------------------------------------------------------

  async pushImage(input: PushInput): Promise<PushOutcome> {
    const { sbom, digest, configDigest } = validatePush(input);
    const vulndb = this.#opts.vulndb?.();
    // a re-push keeps its findings: match only digests not stored yet (the INSERT below still decides)
    const known = await this.#db
      .selectFrom('images')
      .select('digest')
      .where('digest', '=', digest)
      .executeTakeFirst();
    const findings =
      vulndb === undefined || known !== undefined
        ? (input.findings ?? [])
        : (await matchSbom(sbom, vulndb)).findings;
    const at = this.#now();
    const tags = mergeTags(sbom.image.repoTags ?? [], input.repoTags ?? []);
    const blob = compressSbom(sbom);
    const distro = sbom.distro === undefined ? null : `${sbom.distro.id}:${sbom.distro.versionId ?? ''}`;
    return this.#db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('images')
        .values({
          digest,
          config_digest: configDigest,
          repo_tags: JSON.stringify(tags),
          distro,
          package_count: sbom.packages.length,
          provenance: input.provenance === undefined ? null : JSON.stringify(input.provenance),
          policy: input.policy === undefined ? null : JSON.stringify(input.policy),
          db_info: input.db === undefined ? null : JSON.stringify(input.db),
          sbom: blob,
          first_pushed: at,
          last_pushed: at,
        })
        .onConflict((oc) => oc.column('digest').doNothing())
        .executeTakeFirst();
      const created = num(inserted.numInsertedOrUpdatedRows) > 0;
      if (created) {
        const pkgs = sbom.packages.map((p) => packageRow(digest, p));
        const seen = new Set<string>();
        const unique = pkgs.filter((p) => (seen.has(p.pkg_id) ? false : (seen.add(p.pkg_id), true)));
        for (const part of chunks(unique, 10)) await trx.insertInto('image_packages').values(part).execute();
        const { rows, aliases } = findingRows(digest, findings, at);
        await insertFindings(trx, rows, aliases);
        const reported = configDigest === null ? [digest] : [digest, configDigest];
        await trx
          .updateTable('deployments')
          .set({ image_digest: digest })
          .where('image_digest', 'is', null)
          .where('reported_digest', 'in', reported)
          .execute();
        return { digest, created };
      }
      let q = trx.selectFrom('images').select(['repo_tags', 'provenance']).where('digest', '=', digest);
      if (this.dialect === 'postgres') q = q.forUpdate();
      const old = await q.executeTakeFirstOrThrow();
      const provenance = mergeProvenance(parseJson<BuildProvenance>(old.provenance), input.provenance);
      await trx
        .updateTable('images')
        .set({
          repo_tags: JSON.stringify(mergeTags(parseJson<string[]>(old.repo_tags) ?? [], tags)),
          provenance: provenance === undefined ? null : JSON.stringify(provenance),
          last_pushed: at,
          ...(input.policy !== undefined && { policy: JSON.stringify(input.policy) }),
        })
        .where('digest', '=', digest)
        .execute();
      return { digest, created };
    });
  }

  async hasImages(digests: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of idChunks([...new Set(digests)])) {
      const rows = await this.#db
        .selectFrom('images')
        .select(['digest', 'config_digest'])
        .where((eb) => eb.or([eb('digest', 'in', part), eb('config_digest', 'in', part)]))
        .execute();
      const wanted = new Set(part);
      for (const r of rows) {
        if (wanted.has(r.digest)) out.add(r.digest);
        if (r.config_digest !== null && wanted.has(r.config_digest)) out.add(r.config_digest);
      }
    }
    return out;
  }

  async getImage(digest: string): Promise<(ImageSummary & { sbom: Sbom }) | undefined> {
    const row = await this.#db
      .selectFrom('images')
      .selectAll()
      .where((eb) => eb.or([eb('digest', '=', digest), eb('config_digest', '=', digest)]))
      .orderBy('digest')
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const [summary] = await this.#summaries([row]);
    return { ...summary!, sbom: decompressSbom(row.sbom) };
  }

  async listImages(page?: PageRequest): Promise<Page<ImageSummary>> {
    const limit = pageSize(page);
    const after = decodeCursor(page?.cursor);
    let q = this.#db
      .selectFrom('images')
      .select(['digest', 'repo_tags', 'distro', 'package_count', 'provenance', 'first_pushed', 'last_pushed'])
      .orderBy('digest')
      .limit(limit + 1);
    if (after !== undefined) q = q.where('digest', '>', after);
    const rows = await q.execute();
    const more = rows.length > limit;
    const items = await this.#summaries(rows.slice(0, limit));
    return { items, ...(more && { next: encodeCursor(items[items.length - 1]!.digest) }) };
  }

  async #summaries(
    rows: readonly Pick<
      InventoryDatabase['images'],
      'digest' | 'repo_tags' | 'distro' | 'package_count' | 'provenance' | 'first_pushed' | 'last_pushed'
    >[],
  ): Promise<ImageSummary[]> {
    if (rows.length === 0) return [];
    const digests = rows.map((r) => r.digest);
    const sev = await this.#db
      .selectFrom('findings')
      .select(['image_digest', 'severity', (eb) => eb.fn.countAll<string>().as('n')])
      .where('image_digest', 'in', digests)
      .groupBy(['image_digest', 'severity'])
      .execute();
    const running = await this.#db
      .selectFrom('deployments')
      .select(['image_digest', (eb) => eb.fn.countAll<string>().as('n')])
      .where('image_digest', 'in', digests)
      .where('state', '=', 'running')
      .groupBy('image_digest')
      .execute();
    return rows.map((r) => {
      const findingsBySeverity: Partial<Record<SeverityLevel, number>> = {};
      for (const s of sev)
        if (s.image_digest === r.digest) findingsBySeverity[s.severity as SeverityLevel] = num(s.n);
      const provenance = parseJson<BuildProvenance>(r.provenance);
      return {
        digest: r.digest,
        repoTags: parseJson<string[]>(r.repo_tags) ?? [],
        ...(r.distro !== null && { distro: r.distro }),
        packages: r.package_count,
        findingsBySeverity,
        ...(provenance !== undefined && { provenance }),
        firstPushed: r.first_pushed,
        lastPushed: r.last_pushed,
        runningDeployments: num(running.find((x) => x.image_digest === r.digest)?.n),
      };
    });
  }

  // ---- deployments --------------------------------------------------------------------------------

  /** reported digest (image ID, manifest digest or repo digest) → stored image digest. */
  async #resolveDigests(
    db: Db,
    containers: readonly Partial<ContainerReport>[],
  ): Promise<Map<string, string>> {
    const wanted = new Set<string>();
    for (const c of containers) {
      if (c.imageDigest !== undefined) wanted.add(c.imageDigest);
      for (const rd of c.repoDigests ?? []) {
        const d = digestOfRepoDigest(rd);
        if (d !== undefined) wanted.add(d);
      }
    }
    const found = new Map<string, string>();
    for (const part of idChunks([...wanted])) {
      const rows = await db
        .selectFrom('images')
        .select(['digest', 'config_digest'])
        .where((eb) => eb.or([eb('digest', 'in', part), eb('config_digest', 'in', part)]))
        .execute();
      for (const r of rows) {
        found.set(r.digest, r.digest);
        if (r.config_digest !== null) found.set(r.config_digest, r.digest);
      }
    }
    const out = new Map<string, string>();
    for (const c of containers) {
      if (c.imageDigest === undefined) continue;
      const direct = found.get(c.imageDigest);
      const viaRepo = (c.repoDigests ?? [])
        .map((rd) => digestOfRepoDigest(rd))
        .map((d) => (d === undefined ? undefined : found.get(d)))
        .find((d) => d !== undefined);
      const resolved = direct ?? viaRepo;
      if (resolved !== undefined) out.set(c.imageDigest, resolved);
    }
    return out;
  }

  async #touchAgent(db: Db, agentId: string, host: string, platform: Platform, at: string): Promise<void> {
    await db
      .insertInto('agents')
      .values({ agent_id: agentId, host, platform, last_seen: at })
      .onConflict((oc) =>
        oc.column('agent_id').doUpdateSet({
          host: (eb) => eb.ref('excluded.host'),
          platform: (eb) => eb.ref('excluded.platform'),
          last_seen: (eb) => eb.ref('excluded.last_seen'),
        }),
      )
      .execute();
  }

  async #upsertRunning(
    db: Db,
    ctx: {
      agentId: string;
      platform: Platform;
      host: string;
      cluster?: string;
      namespace?: string;
      at: string;
    },
    containers: readonly ContainerReport[],
    resolved: ReadonlyMap<string, string>,
  ): Promise<void> {
    const rows = containers.map((c) => ({
      id: newId(),
      agent_id: ctx.agentId,
      platform: ctx.platform,
      host: ctx.host,
      cluster: ctx.cluster ?? null,
      namespace: ctx.namespace ?? null,
      container_id: c.containerId,
      name: c.name,
      reported_digest: c.imageDigest,
      image_digest: resolved.get(c.imageDigest) ?? null,
      repo_digests: JSON.stringify(c.repoDigests ?? []),
      image_ref: c.imageRef ?? null,
      labels: JSON.stringify(c.labels ?? {}),
      compose_project: c.composeProject ?? null,
      compose_service: c.composeService ?? null,
      state: 'running',
      started_at: c.startedAt ?? null,
      first_seen: ctx.at,
      last_seen: ctx.at,
      stopped_at: null,
    }));
    for (const part of chunks(rows, 20)) {
      await db
        .insertInto('deployments')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['agent_id', 'container_id']).doUpdateSet({
            platform: (eb) => eb.ref('excluded.platform'),
            host: (eb) => eb.ref('excluded.host'),
            cluster: (eb) => eb.ref('excluded.cluster'),
            namespace: (eb) => eb.ref('excluded.namespace'),
            name: (eb) => eb.ref('excluded.name'),
            reported_digest: (eb) => eb.ref('excluded.reported_digest'),
            image_digest: (eb) => eb.ref('excluded.image_digest'),
            repo_digests: (eb) => eb.ref('excluded.repo_digests'),
            image_ref: (eb) => eb.ref('excluded.image_ref'),
            labels: (eb) => eb.ref('excluded.labels'),
            compose_project: (eb) => eb.ref('excluded.compose_project'),
            compose_service: (eb) => eb.ref('excluded.compose_service'),
            state: 'running',
            started_at: (eb) => eb.ref('excluded.started_at'),
            last_seen: (eb) => eb.ref('excluded.last_seen'),
            stopped_at: null,
          }),
        )
        .execute();
    }
  }

  async syncDeployments(snapshot: DeploymentSnapshot): Promise<SyncOutcome> {
    if (typeof snapshot?.agentId !== 'string' || snapshot.agentId === '')
      throw invalid('snapshot.agentId is required');
    if (typeof snapshot.host !== 'string') throw invalid('snapshot.host is required');
    if (snapshot.platform !== 'docker' && snapshot.platform !== 'kubernetes') {
      throw invalid(
        `snapshot.platform must be "docker" or "kubernetes", got ${JSON.stringify(snapshot.platform)}`,
      );
    }
    if (!Array.isArray(snapshot.containers)) throw invalid('snapshot.containers must be an array');
    const at = checkTime('snapshot.at', snapshot.at);
    const byId = new Map<string, ContainerReport>();
    for (const [i, c] of snapshot.containers.entries()) {
      if (typeof c?.containerId !== 'string' || c.containerId === '')
        throw invalid(`snapshot.containers[${i}].containerId is required`);
      checkDigest(`snapshot.containers[${i}].imageDigest`, c.imageDigest);
      if (typeof c.name !== 'string') throw invalid(`snapshot.containers[${i}].name is required`);
      byId.set(c.containerId, c);
    }
    const containers = [...byId.values()];
    return this.#db.transaction().execute(async (trx) => {
      await this.#touchAgent(trx, snapshot.agentId, snapshot.host, snapshot.platform, at);
      const resolved = await this.#resolveDigests(trx, containers);
      await this.#upsertRunning(trx, { ...snapshot, at }, containers, resolved);
      const live = await trx
        .selectFrom('deployments')
        .select(['id', 'container_id'])
        .where('agent_id', '=', snapshot.agentId)
        .where('state', 'in', ['running', 'stale'])
        .execute();
      const gone = live.filter((r) => !byId.has(r.container_id)).map((r) => r.id);
      for (const part of idChunks(gone)) {
        await trx
          .updateTable('deployments')
          .set({ state: 'stopped', stopped_at: at, last_seen: at })
          .where('id', 'in', part)
          .execute();
      }
      const unknown = new Set(
        containers.filter((c) => !resolved.has(c.imageDigest)).map((c) => c.imageDigest),
      );
      return { unknownDigests: [...unknown].sort() };
    });
  }

  async applyDeploymentEvents(
    agentId: string,
    host: string,
    platform: Platform,
    events: readonly DeploymentEvent[],
  ): Promise<SyncOutcome> {
    if (typeof agentId !== 'string' || agentId === '') throw invalid('agentId is required');
    const checked = events.map((e, i) => {
      if (!['start', 'die', 'destroy', 'rename'].includes(e?.type)) {
        throw invalid(
          `events[${i}].type must be start, die, destroy or rename, got ${JSON.stringify(e?.type)}`,
        );
      }
      if (typeof e.container?.containerId !== 'string' || e.container.containerId === '') {
        throw invalid(`events[${i}].container.containerId is required`);
      }
      if (e.container.imageDigest !== undefined)
        checkDigest(`events[${i}].container.imageDigest`, e.container.imageDigest);
      return { ...e, at: checkTime(`events[${i}].at`, e.at) };
    });
    const last = checked.reduce((m, e) => (e.at > m ? e.at : m), this.#now());
    return this.#db.transaction().execute(async (trx) => {
      await this.#touchAgent(trx, agentId, host, platform, last);
      const resolved = await this.#resolveDigests(
        trx,
        checked.map((e) => e.container),
      );
      const unknown = new Set<string>();
      for (const e of checked) {
        const c = e.container;
        const mine = trx
          .updateTable('deployments')
          .where('agent_id', '=', agentId)
          .where('container_id', '=', c.containerId);
        switch (e.type) {
          case 'start':
            if (c.imageDigest !== undefined) {
              await this.#upsertRunning(
                trx,
                { agentId, platform, host, at: e.at },
                [{ ...c, name: c.name ?? c.containerId, imageDigest: c.imageDigest }],
                resolved,
              );
              if (!resolved.has(c.imageDigest)) unknown.add(c.imageDigest);
            } else {
              await mine.set({ state: 'running', stopped_at: null, last_seen: e.at }).execute();
            }
            break;
          case 'die':
          case 'destroy':
            await mine
              .set({ state: 'stopped', stopped_at: e.at, last_seen: e.at })
              .where('state', '<>', 'stopped')
              .execute();
            break;
          case 'rename':
            if (typeof c.name === 'string' && c.name !== '')
              await mine.set({ name: c.name, last_seen: e.at }).execute();
            break;
        }
      }
      return { unknownDigests: [...unknown].sort() };
    });
  }

  async heartbeat(agentId: string, at: string): Promise<void> {
    const when = checkTime('at', at);
    await this.#db
      .insertInto('agents')
      .values({ agent_id: agentId, host: '', platform: 'docker', last_seen: when })
      .onConflict((oc) => oc.column('agent_id').doUpdateSet({ last_seen: when }))
      .execute();
  }

  async markStale(olderThan: string): Promise<number> {
    const cutoff = checkTime('olderThan', olderThan);
    const r = await this.#db
      .updateTable('deployments')
      .set({ state: 'stale' })
      .where('state', '=', 'running')
      .where('agent_id', 'in', (eb) =>
        eb.selectFrom('agents').select('agent_id').where('last_seen', '<', cutoff),
      )
      .executeTakeFirst();
    return num(r.numUpdatedRows);
  }

  async listDeployments(
    filter: { host?: string; state?: DeploymentState; imageDigest?: string },
    page?: PageRequest,
  ): Promise<Page<Deployment>> {
    const limit = pageSize(page);
    const after = decodeCursor(page?.cursor);
    let q = this.#db
      .selectFrom('deployments')
      .selectAll()
      .orderBy('id')
      .limit(limit + 1);
    if (filter.host !== undefined) q = q.where('host', '=', filter.host);
    if (filter.state !== undefined) q = q.where('state', '=', filter.state);
    if (filter.imageDigest !== undefined) {
      const d = filter.imageDigest;
      q = q.where((eb) => eb.or([eb('image_digest', '=', d), eb('reported_digest', '=', d)]));
    }
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = await q.execute();
    const items = rows.slice(0, limit).map(toDeployment);
    return { items, ...(rows.length > limit && { next: encodeCursor(items[items.length - 1]!.id) }) };
  }

  async imageHistory(digest: string): Promise<Deployment[]> {
    const image = await this.#db
      .selectFrom('images')
      .select(['digest', 'config_digest'])
      .where((eb) => eb.or([eb('digest', '=', digest), eb('config_digest', '=', digest)]))
      .executeTakeFirst();
    const ids = [digest, image?.digest, image?.config_digest].filter(
      (d): d is string => typeof d === 'string',
    );
    const rows = await this.#db
      .selectFrom('deployments')
      .selectAll()
      .where((eb) => eb.or([eb('image_digest', 'in', ids), eb('reported_digest', 'in', ids)]))
      .orderBy('first_seen')
      .orderBy('id')
      .execute();
    return rows.map(toDeployment);
  }

  // ---- queries ------------------------------------------------------------------------------------

  async where(query: WhereQuery): Promise<WhereImage[]> {
    return whereQuery(this.#db, query, this.dialect);
  }

  async summary(): Promise<FleetSummary> {
    return fleetSummary(this.#db);
  }

  async rematch(vulndb: VulnStore): Promise<RematchOutcome> {
    return rematchAll(this.#db, vulndb, this.#now());
  }

  async lastRematch(): Promise<
    { runId: string; startedAt: string; finishedAt: string; dbBuiltAt?: string } | undefined
  > {
    const r = await this.#db
      .selectFrom('rematch_runs')
      .select(['id', 'started_at', 'finished_at', 'db_built_at'])
      .where('finished_at', 'is not', null)
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (r === undefined || r.finished_at === null) return undefined;
    return {
      runId: r.id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      ...(r.db_built_at !== null && { dbBuiltAt: r.db_built_at }),
    };
  }

  async rematchDeltas(runId: string): Promise<MatchDelta[]> {
    const rows = await this.#db
      .selectFrom('rematch_deltas')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('change')
      .orderBy('image_digest')
      .orderBy('vuln_id')
      .orderBy('pkg_id')
      .execute();
    return rows.map((r) => ({
      imageDigest: r.image_digest,
      vulnerability: r.vuln_id,
      package: {
        name: r.pkg_name,
        version: r.pkg_version,
        type: r.pkg_type as Package['type'],
        purl: r.pkg_purl,
      },
      severity: r.severity as SeverityLevel,
      change: r.change as MatchDelta['change'],
    }));
  }

  async listAlerts(page?: PageRequest): Promise<Page<Alert>> {
    const limit = pageSize(page);
    const after = decodeCursor(page?.cursor);
    let q = this.#db
      .selectFrom('alerts')
      .select(['id', 'payload'])
      .orderBy('id')
      .limit(limit + 1);
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = await q.execute();
    const items = rows.slice(0, limit).map((r) => JSON.parse(r.payload) as Alert);
    return { items, ...(rows.length > limit && { next: encodeCursor(items[items.length - 1]!.id) }) };
  }

  // ---- webhooks -----------------------------------------------------------------------------------

  async addWebhook(input: {
    url: string;
    kind: Webhook['kind'];
    secret?: string;
    minSeverity?: SeverityLevel;
  }): Promise<Webhook> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw invalid(`webhook url ${JSON.stringify(input.url)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw invalid(`webhook url must be http(s), got ${url.protocol}`);
    if (input.kind !== 'generic' && input.kind !== 'slack')
      throw invalid(`webhook kind must be generic or slack, got ${JSON.stringify(input.kind)}`);
    if (input.minSeverity !== undefined && !SEVERITIES.includes(input.minSeverity)) {
      throw invalid(`webhook minSeverity must be one of ${SEVERITIES.join(', ')}`);
    }
    const id = newId();
    await this.#db
      .insertInto('webhooks')
      .values({
        id,
        url: input.url,
        kind: input.kind,
        secret: input.secret ?? null,
        min_severity: input.minSeverity ?? null,
        created_at: this.#now(),
      })
      .execute();
    return {
      id,
      url: input.url,
      kind: input.kind,
      hasSecret: input.secret !== undefined,
      ...(input.minSeverity !== undefined && { minSeverity: input.minSeverity }),
    };
  }

  async listWebhooks(): Promise<(Webhook & { secret?: string })[]> {
    const rows = await this.#db.selectFrom('webhooks').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      kind: r.kind as Webhook['kind'],
      hasSecret: r.secret !== null,
      ...(r.secret !== null && { secret: r.secret }),
      ...(r.min_severity !== null && { minSeverity: r.min_severity as SeverityLevel }),
    }));
  }

  async recordDelivery(delivery: Omit<Delivery, 'id'>): Promise<Delivery> {
    const id = newId();
    await this.#db
      .insertInto('deliveries')
      .values({
        id,
        alert_id: delivery.alertId,
        webhook_id: delivery.webhookId,
        attempt: delivery.attempt,
        status: delivery.status,
        http_status: delivery.httpStatus ?? null,
        error: delivery.error ?? null,
        at: delivery.at,
      })
      .execute();
    return { id, ...delivery };
  }

  async listDeliveries(alertId?: string): Promise<Delivery[]> {
    let q = this.#db.selectFrom('deliveries').selectAll().orderBy('id');
    if (alertId !== undefined) q = q.where('alert_id', '=', alertId);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      alertId: r.alert_id,
      webhookId: r.webhook_id,
      attempt: r.attempt,
      status: r.status as Delivery['status'],
      ...(r.http_status !== null && { httpStatus: r.http_status }),
      ...(r.error !== null && { error: r.error }),
      at: r.at,
    }));
  }

  // ---- tokens and audit ---------------------------------------------------------------------------

  async createToken(name: string, role: Role): Promise<{ token: string; info: ApiToken }> {
    if (typeof name !== 'string' || name.trim() === '') throw invalid('token name is required');
    if (!ROLES.includes(role))
      throw invalid(`token role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
    const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
    const info: ApiToken = { id: newId(), name, role, createdAt: this.#now() };
    await this.#db
      .insertInto('tokens')
      .values({ id: info.id, name, role, token_hash: hashToken(token), created_at: info.createdAt })
      .execute();
    return { token, info };
  }

  async verifyToken(plaintext: string): Promise<ApiToken | undefined> {
    if (typeof plaintext !== 'string' || !plaintext.startsWith(TOKEN_PREFIX)) return undefined;
    const hash = hashToken(plaintext);
    const at = this.#now();
    const row = await this.#db
      .selectFrom('tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    await this.#db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
    return toToken({ ...row, last_used_at: at });
  }

  async revokeToken(id: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('tokens')
      .set({ revoked_at: this.#now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return num(r.numUpdatedRows) > 0;
  }

  async listTokens(): Promise<ApiToken[]> {
    const rows = await this.#db.selectFrom('tokens').selectAll().orderBy('id').execute();
    return rows.map(toToken);
  }

  /** Append-only: the store has no code path that updates or deletes audit rows. */
  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<void> {
    if (typeof entry.actor !== 'string' || typeof entry.action !== 'string')
      throw invalid('audit entry needs actor and action');
    const at = entry.at === undefined ? this.#now() : checkTime('audit at', entry.at);
    await this.#db
      .insertInto('audit_log')
      .values({
        id: newId(),
        at,
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        remote: entry.remote ?? null,
        detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
      })
      .execute();
  }

  async listAudit(page?: PageRequest): Promise<Page<AuditEntry>> {
    const limit = pageSize(page);
    const after = decodeCursor(page?.cursor);
    let q = this.#db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id')
      .limit(limit + 1);
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = await q.execute();
    const items: AuditEntry[] = rows.slice(0, limit).map((r) => {
      const detail = parseJson<Record<string, unknown>>(r.detail);
      return {
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        ...(r.target !== null && { target: r.target }),
        ...(r.remote !== null && { remote: r.remote }),
        ...(detail !== undefined && { detail }),
      };
    });
    return { items, ...(rows.length > limit && { next: encodeCursor(items[items.length - 1]!.id) }) };
  }

  // ---- jobs ---------------------------------------------------------------------------------------

  async runExclusive(name: string, fn: () => Promise<void>): Promise<boolean> {
    return this.dialect === 'postgres' ? this.#runExclusivePg(name, fn) : this.#runExclusiveSqlite(name, fn);
  }

  /** A session advisory lock held on one dedicated pooled connection for the whole job. */
  async #runExclusivePg(name: string, fn: () => Promise<void>): Promise<boolean> {
    return this.#db.connection().execute(async (conn) => {
      const got = await sql<{
        ok: boolean;
      }>`SELECT pg_try_advisory_lock(hashtext(${`corral:${name}`})) AS ok`.execute(conn);
      if (got.rows[0]?.ok !== true) return false;
      try {
        await fn();
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${`corral:${name}`}))`.execute(conn);
      }
      return true;
    });
  }

  /** A `job_leases` row taken in an IMMEDIATE transaction, renewed while the job runs, deleted after. */
  async #runExclusiveSqlite(name: string, fn: () => Promise<void>): Promise<boolean> {
    const leaseMs = this.#opts.leaseMs ?? 60_000;
    const expiry = (): string => new Date(Date.now() + leaseMs).toISOString();
    const got = await this.#db.connection().execute(async (conn) => {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      try {
        const row = await conn
          .selectFrom('job_leases')
          .selectAll()
          .where('name', '=', name)
          .executeTakeFirst();
        if (row !== undefined && row.holder !== this.#holder && row.expires_at > new Date().toISOString()) {
          await sql`COMMIT`.execute(conn);
          return false;
        }
        await conn
          .insertInto('job_leases')
          .values({ name, holder: this.#holder, expires_at: expiry() })
          .onConflict((oc) => oc.column('name').doUpdateSet({ holder: this.#holder, expires_at: expiry() }))
          .execute();
        await sql`COMMIT`.execute(conn);
        return true;
      } catch (err) {
        await sql`ROLLBACK`.execute(conn);
        throw err;
      }
    });
    if (!got) return false;
    const renew = setInterval(
      () => {
        this.#db
          .updateTable('job_leases')
          .set({ expires_at: expiry() })
          .where('name', '=', name)
          .where('holder', '=', this.#holder)
          .execute()
          .catch(() => undefined); // a failed renewal only shortens the lease; the job still ends below
      },
      Math.max(1000, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    try {
      await fn();
    } finally {
      clearInterval(renew);
      await this.#db
        .deleteFrom('job_leases')
        .where('name', '=', name)
        .where('holder', '=', this.#holder)
        .execute();
    }
    return true;
  }
}

function toToken(r: InventoryDatabase['tokens']): ApiToken {
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    createdAt: r.created_at,
    ...(r.last_used_at !== null && { lastUsedAt: r.last_used_at }),
    ...(r.revoked_at !== null && { revokedAt: r.revoked_at }),
  };
}

/**
 * Opens (and migrates) the inventory: a `postgres://` URL, a SQLite file path or `{ path }`; without a
 * target, `$CORRAL_HOME/inventory.db`.
 */
export async function openInventory(
  target?: InventoryTarget,
  opts: OpenInventoryOptions = {},
): Promise<InventoryStore> {
  const { db, dialect } = await openInventoryDb(target);
  return new KyselyInventory(db, dialect, opts);
}
