/**
 * The Docker agent: reports what runs on one Docker Engine to the inventory server.
 *
 * - A full snapshot of the running containers (`PUT …/deployments`) at start, after every reconnect
 *   (server or Docker events stream) and every `resyncIntervalMs`.
 * - Container events (start, die, destroy, rename) from the Engine's events stream, forwarded in small
 *   batches (`POST …/events`); while the server is unreachable they wait in a bounded buffer.
 * - A heartbeat every `heartbeatIntervalMs`, so that the server can tell a silent agent from an idle host.
 * - Every image digest the server answers as unknown is catalogued from the daemon itself and pushed.
 *
 * One "pump" task talks to the server (so requests never overtake each other), one task follows the
 * Docker events, one catalogues unknown images.
 */
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, describeError, isAppError } from '../../errors.js';
import { parseDockerHost, type DockerEndpoint } from '../../image/source/docker-daemon.js';
import type { Limits } from '../../image/limits.js';
import { defaultLimits } from '../../image/limits.js';
import type { ContainerReport, DeploymentEvent, SyncOutcome } from '../../inventory/types.js';
import { catalogDaemonImage } from './catalog.js';
import {
  containerEvents,
  inspectContainer,
  inspectImage,
  listRunningContainers,
  type EngineEvent,
} from './engine.js';
import { EventBuffer } from './event-buffer.js';
import { toContainerReport, toSimpleEvent } from './report.js';
import { isRetryable, type ServerLink } from './server-link.js';

export interface AgentLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface DockerAgentOptions {
  server: ServerLink;
  /** `unix:///…/docker.sock` or `tcp://HOST:PORT`; default `$DOCKER_HOST` or the standard socket. */
  dockerHost?: string;
  /** Host name reported with every container; default the OS host name. */
  host?: string;
  cluster?: string;
  /**
   * Only containers with all these labels (`key` or `key=value`, Docker's `label` filter) are
   * reported, e.g. to leave out CI job containers or to run one agent per tenant on a shared daemon.
   */
  labels?: readonly string[];
  /** Default 300 s. */
  resyncIntervalMs?: number;
  /** Default 30 s. */
  heartbeatIntervalMs?: number;
  /** Events are sent at most this long after they happen (default 250 ms)… */
  batchDelayMs?: number;
  /** …or as soon as this many are waiting (default 100). */
  batchSize?: number;
  /** Events kept while the server is unreachable (default 10,000; the oldest are dropped). */
  bufferCapacity?: number;
  /** Backoff between reconnect attempts (server or Docker): doubles from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Safety limits for cataloguing images. */
  limits?: Limits;
  log?: AgentLog;
}

export interface AgentStats {
  syncs: number;
  eventBatches: number;
  eventsSent: number;
  eventsDropped: number;
  imagesPushed: number;
  /** Failed catalogue/push attempts (retried at the next sync that reports the digest unknown). */
  imageFailures: number;
  heartbeats: number;
  serverFailures: number;
  dockerReconnects: number;
}

export interface OnceResult {
  containers: number;
  unknownDigests: string[];
  pushed: string[];
  failed: { digest: string; error: string }[];
}

const SILENT: AgentLog = { info: () => {}, warn: () => {} };

/** Resolves when notified or after `ms`, whichever first; never rejects. */
class Wakeup {
  #resolve: (() => void) | undefined;
  #pending = false;
  notify(): void {
    this.#pending = true;
    this.#resolve?.();
  }
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#pending || signal.aborted) {
      this.#pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
      this.#resolve = done;
    });
    this.#pending = false;
  }
}

export class DockerAgent {
  readonly stats: AgentStats = {
    syncs: 0,
    eventBatches: 0,
    eventsSent: 0,
    eventsDropped: 0,
    imagesPushed: 0,
    imageFailures: 0,
    heartbeats: 0,
    serverFailures: 0,
    dockerReconnects: 0,
  };
  readonly #o: Required<Omit<DockerAgentOptions, 'cluster' | 'dockerHost' | 'server' | 'limits' | 'log'>>;
  readonly #server: ServerLink;
  readonly #ep: DockerEndpoint;
  readonly #dockerHost: string | undefined;
  readonly #cluster: string | undefined;
  readonly #limits: Limits;
  readonly #log: AgentLog;
  readonly #buffer: EventBuffer;
  readonly #pumpWake = new Wakeup();
  readonly #catalogWake = new Wakeup();
  /** Digests queued or being catalogued, and digests pushed by this process. */
  readonly #imageQueue = new Set<string>();
  readonly #imagesDone = new Set<string>();
  #needResync = true;
  #serverDown = false;

  constructor(opts: DockerAgentOptions) {
    this.#server = opts.server;
    this.#dockerHost = opts.dockerHost ?? process.env.DOCKER_HOST;
    this.#ep = parseDockerHost(this.#dockerHost);
    this.#cluster = opts.cluster;
    this.#limits = opts.limits ?? defaultLimits();
    this.#log = opts.log ?? SILENT;
    this.#o = {
      host: opts.host ?? hostname(),
      labels: opts.labels ?? [],
      resyncIntervalMs: opts.resyncIntervalMs ?? 300_000,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 30_000,
      batchDelayMs: opts.batchDelayMs ?? 250,
      batchSize: opts.batchSize ?? 100,
      bufferCapacity: opts.bufferCapacity ?? 10_000,
      retryMinMs: opts.retryMinMs ?? 500,
      retryMaxMs: opts.retryMaxMs ?? 30_000,
    };
    this.#buffer = new EventBuffer(this.#o.bufferCapacity);
  }

  get host(): string {
    return this.#o.host;
  }

  /** Events waiting to be sent. */
  get buffered(): number {
    return this.#buffer.size;
  }

  /** Every running container of the daemon, inspected. */
  async snapshot(signal?: AbortSignal): Promise<ContainerReport[]> {
    const list = await listRunningContainers(this.#ep, signal, this.#o.labels);
    const reports: ContainerReport[] = [];
    for (const c of list) {
      const r = await this.#inspectReport(c.Id, signal);
      if (r) reports.push(r);
    }
    return reports;
  }

  /** One snapshot, then catalogue and push every image the server does not know; for cron and tests. */
  async runOnce(signal?: AbortSignal): Promise<OnceResult> {
    const containers = await this.snapshot(signal);
    const outcome = await this.#sendSnapshot(containers);
    const result: OnceResult = {
      containers: containers.length,
      unknownDigests: outcome.unknownDigests,
      pushed: [],
      failed: [],
    };
    for (const digest of outcome.unknownDigests) {
      try {
        await this.#pushImage(digest, signal);
        result.pushed.push(digest);
      } catch (err) {
        if (isAppError(err, 'API_UNAUTHENTICATED') || isAppError(err, 'API_FORBIDDEN')) throw err;
        result.failed.push({ digest, error: describeError(err) });
      }
    }
    return result;
  }

  /**
   * Runs until `signal` aborts. Rejects only on a fatal error (the server refuses the token); a server
   * or Docker outage is retried with backoff.
   */
  async run(signal: AbortSignal): Promise<void> {
    const inner = new AbortController();
    const stop = (): void => inner.abort();
    signal.addEventListener('abort', stop, { once: true });
    const tasks = [
      this.#pump(inner.signal),
      this.#followDocker(inner.signal),
      this.#catalogLoop(inner.signal),
    ];
    try {
      // the first task to fail fatally stops the others
      await Promise.all(
        tasks.map((t) =>
          t.catch((err: unknown) => {
            inner.abort();
            throw err;
          }),
        ),
      );
    } finally {
      signal.removeEventListener('abort', stop);
      inner.abort();
      await Promise.allSettled(tasks);
    }
  }

  async #inspectReport(id: string, signal?: AbortSignal): Promise<ContainerReport | undefined> {
    const c = await inspectContainer(this.#ep, id, signal);
    if (!c || c.State?.Running === false) return undefined;
    const image = c.Image !== undefined ? await inspectImage(this.#ep, c.Image, signal) : undefined;
    return toContainerReport(c, image);
  }

  async #sendSnapshot(containers: ContainerReport[]): Promise<SyncOutcome> {
    const outcome = await this.#server.syncDeployments({
      platform: 'docker',
      host: this.#o.host,
      ...(this.#cluster !== undefined && { cluster: this.#cluster }),
      containers,
      at: new Date().toISOString(),
    });
    this.stats.syncs++;
    return outcome;
  }

  #enqueueImages(digests: readonly string[]): void {
    let added = false;
    for (const d of digests) {
      if (this.#imageQueue.has(d) || this.#imagesDone.has(d)) continue;
      this.#imageQueue.add(d);
      added = true;
    }
    if (added) this.#catalogWake.notify();
  }

  async #pushImage(digest: string, signal?: AbortSignal): Promise<void> {
    const { sbom, repoTags } = await catalogDaemonImage(digest, {
      limits: this.#limits,
      ...(this.#dockerHost !== undefined && { dockerHost: this.#dockerHost }),
      ...(signal && { signal }),
    });
    const res = await this.#server.pushImage({ sbom, ...(repoTags.length > 0 && { repoTags }) });
    this.stats.imagesPushed++;
    this.#log.info(
      `pushed the SBOM of ${digest} (${sbom.packages.length} packages${res.created ? '' : ', already known'})`,
    );
  }

  // ------------------------------------------------------------------------------------------------
  // task 1: everything sent to the server, in order

  async #pump(signal: AbortSignal): Promise<void> {
    let backoff = this.#o.retryMinMs;
    let lastSync = 0;
    let lastBeat = 0;
    while (!signal.aborted) {
      try {
        await this.#flushEvents();
        const now = Date.now();
        if (this.#needResync || now - lastSync >= this.#o.resyncIntervalMs) {
          // a resync comes after the flush: the buffered events keep the real stop times in the history,
          // the snapshot then fixes the final state whatever was dropped or reordered
          this.#needResync = false;
          const containers = await this.snapshot(signal).catch((err: unknown) => {
            this.#needResync = true;
            throw err;
          });
          const outcome = await this.#sendSnapshot(containers).catch((err: unknown) => {
            this.#needResync = true;
            throw err;
          });
          lastSync = Date.now();
          lastBeat = lastSync;
          this.#enqueueImages(outcome.unknownDigests);
          this.#log.info(`synchronised ${containers.length} running containers`);
        }
        if (Date.now() - lastBeat >= this.#o.heartbeatIntervalMs) {
          await this.#server.heartbeat(new Date().toISOString());
          this.stats.heartbeats++;
          lastBeat = Date.now();
        }
        if (this.#serverDown) this.#log.info(`the server ${this.#server.display} is reachable again`);
        this.#serverDown = false;
        backoff = this.#o.retryMinMs;
        const untilBeat = lastBeat + this.#o.heartbeatIntervalMs - Date.now();
        const untilSync = lastSync + this.#o.resyncIntervalMs - Date.now();
        await this.#pumpWake.wait(Math.min(untilBeat, untilSync), signal);
        if (this.#buffer.size > 0 && this.#buffer.size < this.#o.batchSize && !this.#needResync)
          await sleep(this.#o.batchDelayMs, undefined, { signal }).catch(() => {});
      } catch (err) {
        if (signal.aborted) return;
        if (isRetryable(err) || isAppError(err, 'DOCKER_UNAVAILABLE') || isAppError(err, 'DOCKER_API')) {
          this.stats.serverFailures++;
          if (!this.#serverDown || isAppError(err, 'DOCKER_UNAVAILABLE'))
            this.#log.warn(`${describeError(err)}; buffering events, retrying in ${backoff} ms`);
          this.#serverDown = true;
          this.#needResync = true;
          await sleep(backoff, undefined, { signal }).catch(() => {});
          backoff = Math.min(backoff * 2, this.#o.retryMaxMs);
          continue;
        }
        throw err;
      }
    }
  }

  async #flushEvents(): Promise<void> {
    const dropped = this.#buffer.takeDropped();
    if (dropped > 0) {
      this.stats.eventsDropped += dropped;
      this.#log.warn(`event buffer full: dropped the ${dropped} oldest events (a full resync follows)`);
      this.#needResync = true;
    }
    while (this.#buffer.size > 0) {
      const batch = this.#buffer.peek(this.#o.batchSize);
      try {
        const outcome = await this.#server.sendEvents({
          platform: 'docker',
          host: this.#o.host,
          events: batch,
        });
        this.#enqueueImages(outcome.unknownDigests);
      } catch (err) {
        if (!isAppError(err, 'API_BAD_REQUEST') && !isAppError(err, 'API_PAYLOAD_TOO_LARGE')) throw err;
        // retrying the same batch cannot help; the next snapshot corrects the state
        this.#log.warn(`the server rejected ${batch.length} events: ${err.message}`);
        this.#needResync = true;
      }
      this.#buffer.drop(batch.length);
      this.stats.eventBatches++;
      this.stats.eventsSent += batch.length;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // task 2: the Docker events stream

  async #followDocker(signal: AbortSignal): Promise<void> {
    let backoff = this.#o.retryMinMs;
    let first = true;
    while (!signal.aborted) {
      try {
        const opened = (): void => {
          if (!first) {
            this.stats.dockerReconnects++;
            this.#log.info('following Docker events again; resynchronising');
          }
          first = false;
          backoff = this.#o.retryMinMs;
          this.#needResync = true;
          this.#pumpWake.notify();
        };
        for await (const ev of containerEvents(this.#ep, signal, opened, this.#o.labels)) {
          const e = await this.#toEvent(ev, signal);
          if (!e) continue;
          this.#buffer.push(e);
          if (this.#buffer.size >= this.#o.batchSize || !this.#serverDown) this.#pumpWake.notify();
        }
        if (signal.aborted) return;
        this.#log.warn(
          `the Docker events stream from ${this.#ep.display} ended; reconnecting in ${backoff} ms`,
        );
      } catch (err) {
        if (signal.aborted) return;
        if (!isAppError(err)) throw err;
        this.#log.warn(`Docker events: ${describeError(err)}; reconnecting in ${backoff} ms`);
      }
      await sleep(backoff, undefined, { signal }).catch(() => {});
      backoff = Math.min(backoff * 2, this.#o.retryMaxMs);
    }
  }

  async #toEvent(ev: EngineEvent, signal: AbortSignal): Promise<DeploymentEvent | undefined> {
    if (ev.Action !== 'start') return toSimpleEvent(ev, new Date());
    const id = ev.Actor?.ID;
    if (id === undefined || id === '') return undefined;
    // the container may already be gone again: the die/destroy events that follow say so
    const report = await this.#inspectReport(id, signal).catch((err: unknown) => {
      this.#log.warn(`inspect ${id.slice(0, 12)}: ${describeError(err)}`);
      return undefined;
    });
    if (!report) return undefined;
    const at =
      typeof ev.timeNano === 'number' ? new Date(ev.timeNano / 1e6).toISOString() : new Date().toISOString();
    return { type: 'start', container: report, at };
  }

  // ------------------------------------------------------------------------------------------------
  // task 3: catalogue and push unknown images, one at a time

  async #catalogLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const next = this.#imageQueue.values().next();
      if (next.done === true) {
        await this.#catalogWake.wait(60_000, signal);
        continue;
      }
      const digest = next.value;
      try {
        await this.#pushImage(digest, signal);
        this.#imagesDone.add(digest);
      } catch (err) {
        if (signal.aborted) return;
        if (isAppError(err, 'API_UNAUTHENTICATED') || isAppError(err, 'API_FORBIDDEN')) throw err;
        this.stats.imageFailures++;
        // not marked done: the next sync that still reports it unknown queues it again
        this.#log.warn(`cannot push the SBOM of ${digest}: ${describeError(err)}`);
        if (isRetryable(err)) this.#needResync = true;
      } finally {
        this.#imageQueue.delete(digest);
      }
    }
  }
}

/** A throwing guard for option values given in seconds on the command line. */
export function secondsOption(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback * 1000;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new AppError('CLI_USAGE', `${flag} must be a positive number of seconds, got "${text}"`);
  return Math.round(n * 1000);
}
