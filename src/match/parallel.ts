/**
 * Matching on several threads: a large SBOM's chunks of packages are shared between the calling thread
 * and worker threads (`match-worker.ts`), each with its own read-only handle on the same vulndb file.
 * Matching is CPU-bound (SQLite reads, JSON decoding, version comparisons) and packages are
 * independent. On the 2-vCPU bench machine two threads take 75–85 % of the single-thread time (both
 * threads slow down when they run together; README "Performance"); more cores gain more.
 *
 * Work sharing: chunks are claimed from one shared counter word, the calling thread from the front and
 * workers from the back ({@link claimFront}/{@link claimBack}), so nothing waits for a worker that is
 * still starting: when the calling thread reaches the chunks the workers took, it only waits for
 * those. A worker that fails or dies costs time, not results: its missing chunks are matched here.
 * Results are put back in package order, so the outcome equals a single-thread run's.
 *
 * Workers are kept for later scans of the same DB file (a server re-matches SBOMs in batches), `unref`ed
 * while idle, and stopped after {@link IDLE_MS} without work or when the DB changes.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import type { Package } from '../catalog/model.js';
import type { VulnStore } from '../vulndb/store.js';
import { startModuleWorker } from '../worker-thread.js';
import type { Finding, NotComparable } from './model.js';
import type { ChunkResult, MatchScope, MatchSession } from './run.js';

/** Below this many packages a scan stays on one thread (a worker costs tens of ms to start). */
export const PARALLEL_MIN_PACKAGES = 1_000;
/** Workers at most, besides the calling thread. */
const MAX_WORKERS = 3;
/** An idle pool is stopped after this long. */
const IDLE_MS = 30_000;
/** Chunk indexes are packed two to a 32-bit word (front, back). */
const MAX_CHUNKS = 0x7fff;

/** The identity a worker checks before it takes any work: the same file may have been replaced. */
export interface DbIdentity {
  file: string;
  lineage: string;
  dbVersion: number;
  builtAt: string | undefined;
}

/** What a worker receives at start. */
export interface MatchWorkerData {
  db: DbIdentity;
}

/** A job: every package of the scan (the worker matches the chunks it claims). */
export interface MatchJob {
  type: 'job';
  job: number;
  scope: MatchScope;
  packages: Package[];
  chunkSize: number;
  /** Int32 word: front index in the low 16 bits, back index (exclusive) in the high 16 bits. */
  claims: SharedArrayBuffer;
}

/** A finding or not-comparable entry as sent back: `package` is the package's index in the job. */
export type Indexed<T extends { package: Package }> = Omit<T, 'package'> & { package: number };

export type FromMatchWorker =
  | {
      type: 'chunk';
      job: number;
      index: number;
      findings: Indexed<Finding>[];
      notComparable: Indexed<NotComparable>[];
    }
  | { type: 'done'; job: number; cpuMs: number | undefined }
  | { type: 'ready' }
  | { type: 'refused'; reason: string }
  | { type: 'failed'; job: number; message: string };

/** Atomically takes the lowest unclaimed chunk, or -1. */
export function claimFront(claims: Int32Array): number {
  for (;;) {
    const word = Atomics.load(claims, 0);
    const front = word & 0xffff;
    const back = word >>> 16;
    if (front >= back) return -1;
    if (Atomics.compareExchange(claims, 0, word, (back << 16) | (front + 1)) === word) return front;
  }
}

/** Atomically takes the highest unclaimed chunk, or -1. */
export function claimBack(claims: Int32Array): number {
  for (;;) {
    const word = Atomics.load(claims, 0);
    const front = word & 0xffff;
    const back = word >>> 16;
    if (front >= back) return -1;
    if (Atomics.compareExchange(claims, 0, word, ((back - 1) << 16) | front) === word) return back - 1;
  }
}

/** Worker threads to use for `packages` packages: 0 when one thread is the better choice. */
export function workersFor(packages: number, threads: number | undefined): number {
  const limit = threads ?? Math.min(availableParallelism(), MAX_WORKERS + 1);
  if (limit <= 1 || packages < PARALLEL_MIN_PACKAGES) return 0;
  return Math.min(limit - 1, MAX_WORKERS);
}

/** The identity of a snapshot store, or undefined when other threads cannot open it. */
export function dbIdentity(store: VulnStore): DbIdentity | undefined {
  const file = store.snapshotFile;
  if (file === undefined) return undefined;
  const s = store.summary();
  return { file, lineage: s.lineage, dbVersion: s.dbVersion, builtAt: s.builtAt };
}

interface PoolWorker {
  worker: Worker;
  alive: boolean;
  /** Opened and checked the DB: takes work from now on. */
  ready: boolean;
}

/** How the last parallel run went (benchmarks): chunks in all, chunks matched by workers, their CPU time. */
export interface ParallelRunStats {
  chunks: number;
  workerChunks: number;
  /** CPU time of the workers whose `done` arrived before the run ended. */
  workerCpuMs: number;
  /** Time this thread spent on its own chunks, and waiting for the workers' last ones. */
  ownMs: number;
  waitMs: number;
}

let lastRun: ParallelRunStats | undefined;
export function lastParallelRun(): ParallelRunStats | undefined {
  return lastRun;
}

class MatchPool {
  readonly key: string;
  readonly #db: DbIdentity;
  readonly #workers: PoolWorker[] = [];
  #jobs = 0;
  #idle: NodeJS.Timeout | undefined;
  /** The running job's listener, if any. */
  #onMessage: ((w: PoolWorker, m: FromMatchWorker) => void) | undefined;
  #onExit: ((w: PoolWorker) => void) | undefined;

  constructor(db: DbIdentity, size: number) {
    this.#db = db;
    this.key = poolKey(db);
    for (let i = 0; i < size; i++) this.#spawn();
  }

  get size(): number {
    return this.#workers.filter((w) => w.alive).length;
  }

  #spawn(): void {
    const data: MatchWorkerData = { db: this.#db };
    const worker = startModuleWorker(new URL('./match-worker', import.meta.url), data);
    const entry: PoolWorker = { worker, alive: true, ready: false };
    worker.on('message', (m: FromMatchWorker) => {
      if (m.type === 'refused') entry.alive = false;
      if (m.type === 'ready') entry.ready = true;
      if (m.type === 'ready' || m.type === 'refused') this.#settled();
      this.#onMessage?.(entry, m);
    });
    const dead = (): void => {
      if (!entry.alive) return;
      entry.alive = false;
      this.#settled();
      this.#onExit?.(entry);
    };
    worker.on('error', dead);
    worker.on('exit', dead);
    worker.unref();
    this.#workers.push(entry);
  }

  #readyWaiters: (() => void)[] = [];

  #settled(): void {
    if (this.#workers.some((w) => w.alive && !w.ready)) return;
    for (const wake of this.#readyWaiters.splice(0)) wake();
  }

  /** Resolves when every worker is ready or gone, with the number of ready ones. */
  async whenReady(): Promise<number> {
    const pending = this.#workers.filter((w) => w.alive && !w.ready);
    if (pending.length > 0) {
      // referenced while awaited: the process must not exit under this promise
      for (const w of pending) w.worker.ref();
      await new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
      if (!this.busy) for (const w of pending) if (w.alive) w.worker.unref();
    }
    return this.#workers.filter((w) => w.alive && w.ready).length;
  }

  /** True while a scan runs on this pool (a second, concurrent scan runs on its own thread). */
  get busy(): boolean {
    return this.#onMessage !== undefined;
  }

  /**
   * Matches every chunk of `packages`, this thread from the front and the workers from the back;
   * returns the chunks' results in order.
   */
  async run(
    session: MatchSession,
    scope: MatchScope,
    packages: Package[],
    chunkSize: number,
  ): Promise<ChunkResult[]> {
    clearTimeout(this.#idle);
    const job = ++this.#jobs;
    const chunks = Math.ceil(packages.length / chunkSize);
    const claims = new Int32Array(new SharedArrayBuffer(4));
    claims[0] = chunks << 16;
    const results = new Array<ChunkResult | undefined>(chunks);
    const matchHere = (i: number): void => {
      results[i] ??= session.matchChunk(packages.slice(i * chunkSize, (i + 1) * chunkSize));
    };
    let received = 0;
    let workerCpu = 0;
    let gaveUp = false;
    let wake: (() => void) | undefined;
    this.#onMessage = (_w, m) => {
      if (m.type === 'chunk' && m.job === job) {
        if (results[m.index] === undefined) received++;
        results[m.index] ??= rehydrate(m, packages);
      } else if (m.type === 'done' && m.job === job) {
        workerCpu += m.cpuMs ?? 0;
      } else if (m.type === 'refused' || (m.type === 'failed' && m.job === job)) {
        gaveUp = true;
      }
      wake?.();
    };
    // a worker that dies may hold claimed chunks: stop waiting and match what is missing here
    this.#onExit = () => {
      gaveUp = true;
      wake?.();
    };
    const live = this.#workers.filter((w) => w.alive);
    const message: MatchJob = { type: 'job', job, scope, packages, chunkSize, claims: claims.buffer };
    for (const w of live) {
      // referenced while it holds work: the process must not exit under an awaited result
      w.worker.ref();
      w.worker.postMessage(message);
    }
    try {
      let here = 0;
      const start = performance.now();
      for (let i = claimFront(claims); i >= 0; i = claimFront(claims)) {
        matchHere(i);
        here++;
      }
      const own = performance.now();
      // every chunk is claimed now; those not matched here are the workers'
      while (here + received < chunks && !gaveUp) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const waited = performance.now();
      for (let i = 0; i < chunks; i++) matchHere(i);
      lastRun = {
        chunks,
        workerChunks: received,
        workerCpuMs: workerCpu,
        ownMs: own - start,
        waitMs: waited - own,
      };
      return results as ChunkResult[];
    } finally {
      this.#onMessage = undefined;
      this.#onExit = undefined;
      for (const w of live) if (w.alive) w.worker.unref();
      // this pool's own timer: a newer pool (another DB) may have replaced it by then
      this.#idle = setTimeout(() => void retire(this), IDLE_MS).unref();
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#idle);
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}

function poolKey(db: DbIdentity): string {
  return JSON.stringify([db.file, db.lineage, db.dbVersion, db.builtAt ?? null]);
}

function rehydrate(
  m: Extract<FromMatchWorker, { type: 'chunk' }>,
  packages: readonly Package[],
): ChunkResult {
  const findings = m.findings as unknown as Finding[];
  for (const f of findings) f.package = packages[f.package as unknown as number]!;
  const notComparable = m.notComparable as unknown as NotComparable[];
  for (const nc of notComparable) nc.package = packages[nc.package as unknown as number]!;
  return { findings, notComparable };
}

let pool: MatchPool | undefined;

/**
 * Matches `packages` in chunks on this thread and `workers` worker threads. Falls back to this thread
 * alone for whatever the workers cannot do.
 */
export async function matchInParallel(
  session: MatchSession,
  scope: MatchScope,
  packages: Package[],
  chunkSize: number,
  db: DbIdentity,
  workers: number,
): Promise<ChunkResult[]> {
  const chunks = Math.ceil(packages.length / chunkSize);
  if (chunks > MAX_CHUNKS) throw new Error(`too many chunks for parallel matching: ${chunks}`);
  const p = await poolFor(db, workers);
  // a concurrent scan (a server handling two requests) keeps to its own thread
  if (p.busy) return session.matchAll(packages, chunkSize);
  return p.run(session, scope, packages, chunkSize);
}

/** The pool for `db` with at least `workers` live workers (a pool for another DB is stopped). */
async function poolFor(db: DbIdentity, workers: number): Promise<MatchPool> {
  if (pool !== undefined && (pool.key !== poolKey(db) || pool.size < workers)) {
    const old = pool;
    pool = undefined;
    await old.close();
  }
  return (pool ??= new MatchPool(db, workers));
}

/**
 * Starts the worker threads that large scans of `store` would use, ahead of the first scan (a server at
 * start-up, tests), and resolves when they have opened and checked the DB: the number of ready workers
 * (0 when scans of `store` stay on one thread).
 */
export async function startMatchWorkers(store: VulnStore, threads?: number): Promise<number> {
  const workers = workersFor(PARALLEL_MIN_PACKAGES, threads);
  const db = workers > 0 ? dbIdentity(store) : undefined;
  if (db === undefined) return 0;
  return (await poolFor(db, workers)).whenReady();
}

/** Stops `p`'s workers, and forgets it when it is still the current pool. */
async function retire(p: MatchPool): Promise<void> {
  if (pool === p) pool = undefined;
  await p.close();
}

/** Stops the worker threads kept for later scans (tests, server shutdown); they also stop when idle. */
export async function closeMatchWorkers(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}
