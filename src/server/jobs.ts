/**
 * Background jobs of the server:
 * - `markStale`: running deployments of agents silent for longer than `staleAfterMs` become stale;
 * - vulndb change detection: the vulndb file is polled (inode, size, mtime, then its build id
 *   `lineage:dbVersion:builtAt`), so a `corral db import|pull|update` run by anyone triggers a re-match;
 *   optionally `corral db update` itself runs every `dbUpdateIntervalMs`;
 * - re-match: `store.rematch(vulndb)` inside `store.runExclusive('rematch', …)` (one replica of several
 *   on one PostgreSQL does it), then the new alerts go to the webhooks.
 */
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { InventoryStore, RematchOutcome } from '../inventory/types.js';
import { openVulnStore, type VulnStore } from '../vulndb/store.js';
import type { ServerMetrics } from './metrics.js';
import type { VulndbStatus } from './route.js';
import type { WebhookDispatcher } from './webhooks.js';

export interface JobsOptions {
  store: InventoryStore;
  metrics: ServerMetrics;
  webhooks: WebhookDispatcher;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The vulndb file to re-match against and watch; undefined disables re-matching. */
  vulndbPath?: string;
  /** Agents silent longer than this have their deployments marked stale (default 120 s). */
  staleAfterMs?: number;
  /** How often markStale runs (default min(staleAfter/4, 30 s)). */
  staleCheckMs?: number;
  /** How often the vulndb file is checked for a new build (default 10 s). */
  vulndbPollMs?: number;
  /** Run `updateDb` this often (default: never). */
  dbUpdateIntervalMs?: number;
  /** In-process `corral db update` (injected by the CLI so the server does not depend on feeds/). */
  updateDb?: (path: string) => Promise<void>;
}

export type RematchResult = (RematchOutcome & { skipped?: false }) | { skipped: true };

interface Fingerprint {
  file: string;
  build?: string;
}

export class ServerJobs {
  readonly #o: JobsOptions;
  readonly #timers: NodeJS.Timeout[] = [];
  #seen: Fingerprint | undefined;
  #status: VulndbStatus;
  #running: Promise<unknown> | undefined;
  /** The vulndb build currently served (pushes are matched against it); reopened on change. */
  #vs: VulnStore | undefined;

  constructor(opts: JobsOptions) {
    this.#o = opts;
    this.#status = {
      configured: opts.vulndbPath !== undefined,
      ...(opts.vulndbPath !== undefined && { path: opts.vulndbPath }),
      available: false,
    };
  }

  /** The open vulndb, for the store to match pushed SBOMs against (OpenInventoryOptions.vulndb). */
  vulnStore(): VulnStore | undefined {
    return this.#vs;
  }

  status(): VulndbStatus {
    return { ...this.#status };
  }

  /** Starts the timers; reads the current vulndb build without re-matching. */
  async start(): Promise<void> {
    this.#seen = await this.#fingerprint();
    const staleAfter = this.#o.staleAfterMs ?? 120_000;
    this.#every(this.#o.staleCheckMs ?? Math.min(staleAfter / 4, 30_000), () => this.markStale());
    if (this.#o.vulndbPath !== undefined) {
      this.#every(this.#o.vulndbPollMs ?? 10_000, () => this.checkVulndb());
      if (this.#o.dbUpdateIntervalMs !== undefined && this.#o.updateDb !== undefined)
        this.#every(this.#o.dbUpdateIntervalMs, () => this.updateDb());
    }
  }

  /** Stops the timers and waits for a running job. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.length = 0;
    await this.#running?.catch(() => undefined);
    this.#vs?.close();
    this.#vs = undefined;
  }

  #every(ms: number, fn: () => Promise<unknown>): void {
    let busy = false;
    const t = setInterval(() => {
      if (busy) return;
      busy = true;
      fn()
        .catch((err: unknown) => this.#o.logger?.error({ err: describeError(err) }, 'background job failed'))
        .finally(() => (busy = false));
    }, ms);
    t.unref();
    this.#timers.push(t);
  }

  async markStale(now = Date.now()): Promise<number> {
    const olderThan = new Date(now - (this.#o.staleAfterMs ?? 120_000)).toISOString();
    const n = await this.#o.store.markStale(olderThan);
    if (n > 0) this.#o.logger?.info({ deployments: n, olderThan }, 'marked deployments stale');
    return n;
  }

  async #fingerprint(): Promise<Fingerprint | undefined> {
    const path = this.#o.vulndbPath;
    if (path === undefined) return undefined;
    let file: string;
    try {
      const s = await stat(path);
      let wal = '';
      try {
        const w = await stat(`${path}-wal`);
        wal = `:${w.size}:${w.mtimeMs}`;
      } catch {
        // no WAL file: the DB is not open for writing
      }
      file = `${s.ino}:${s.size}:${s.mtimeMs}${wal}`;
    } catch (err) {
      this.#status = { ...this.#status, available: false, error: describeError(err) };
      return undefined;
    }
    if (this.#seen?.file === file) return this.#seen;
    try {
      const vs = openVulnStore(path);
      const m = vs.summary();
      const { error: _e, ...rest } = this.#status;
      this.#status = {
        ...rest,
        available: true,
        dbVersion: m.dbVersion,
        ...(m.builtAt !== undefined && { builtAt: m.builtAt }),
      };
      const build = `${m.lineage}:${m.dbVersion}:${m.builtAt ?? ''}`;
      if (this.#vs !== undefined && this.#seen?.build === build) vs.close();
      else this.#swap(vs);
      return { file, build };
    } catch (err) {
      this.#status = { ...this.#status, available: false, error: describeError(err) };
      return { file };
    }
  }

  /** Serves `vs` from now on; the previous handle is closed once in-flight pushes are done with it. */
  #swap(vs: VulnStore): void {
    const old = this.#vs;
    this.#vs = vs;
    if (old !== undefined) setTimeout(() => old.close(), 60_000).unref();
  }

  /** Re-matches when the vulndb build changed since the last check; true when it ran. */
  async checkVulndb(): Promise<boolean> {
    const now = await this.#fingerprint();
    if (now === undefined || now.build === undefined) return false;
    const before = this.#seen;
    this.#seen = now;
    if (before?.build === now.build) return false;
    this.#o.logger?.info(
      { build: now.build, previous: before?.build },
      'vulnerability DB changed; re-matching',
    );
    await this.rematch({ onlyNewBuild: true });
    return true;
  }

  /** Runs `corral db update` logic in-process; the change is then picked up by checkVulndb. */
  async updateDb(): Promise<void> {
    if (this.#o.updateDb === undefined || this.#o.vulndbPath === undefined) return;
    await this.#o.updateDb(this.#o.vulndbPath);
    await this.checkVulndb();
  }

  /** Re-matches every stored SBOM (once across replicas) and delivers the new alerts. */
  /**
   * `onlyNewBuild` (the watcher): skip when the newest finished run, by any replica, already used this
   * vulndb build — replicas notice a new build at different times, and the lock alone only keeps their
   * runs from overlapping. `POST /rematch` always runs.
   */
  async rematch(opts: { onlyNewBuild?: boolean } = {}): Promise<RematchResult> {
    const path = this.#o.vulndbPath;
    if (path === undefined) return { skipped: true };
    // one at a time in this process (POST /rematch and the watcher may ask together)
    if (this.#running !== undefined) {
      await this.#running.catch(() => undefined);
      return { skipped: true };
    }
    const job = (async (): Promise<RematchResult> => {
      let outcome: RematchOutcome | undefined;
      const end = this.#o.metrics.rematchDuration.startTimer();
      try {
        const ran = await this.#o.store.runExclusive('rematch', async () => {
          if (this.#vs === undefined) this.#swap(openVulnStore(path));
          const vs = this.#vs ?? openVulnStore(path);
          if (opts.onlyNewBuild === true) {
            const last = await this.#o.store.lastRematch();
            const builtAt = vs.summary().builtAt;
            if (builtAt !== undefined && last?.dbBuiltAt === builtAt) {
              this.#o.logger?.info({ builtAt }, 're-match skipped: this vulndb build was already re-matched');
              return;
            }
          }
          outcome = await this.#o.store.rematch(vs);
        });
        if (!ran || outcome === undefined) {
          this.#o.logger?.info('re-match skipped: another replica ran it or is running it');
          return { skipped: true };
        }
        end();
        this.#status = {
          ...this.#status,
          lastRematch: { at: new Date().toISOString(), ok: true },
        };
      } catch (err) {
        this.#status = {
          ...this.#status,
          lastRematch: { at: new Date().toISOString(), ok: false, error: describeError(err) },
        };
        throw err;
      }
      const result = outcome;
      this.#o.logger?.info(
        { images: result.images, added: result.added, removed: result.removed, alerts: result.alerts.length },
        're-match done',
      );
      await this.#o.webhooks.deliverAll(result.alerts);
      return { ...result, skipped: false };
    })();
    this.#running = job;
    try {
      return await job;
    } finally {
      if (this.#running === job) this.#running = undefined;
    }
  }
}
