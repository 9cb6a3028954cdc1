/**
 * Parsing in a worker thread, so that an import uses both cores of a small machine: the worker runs
 * the importer (zip inflate, `JSON.parse`, the record transform) and serialises and hashes each
 * advisory ({@link prepareItem}); the main thread only runs the SQLite statements. Profiles of a
 * 200,000-record OSV import put parsing and serialising at ≈ 45% of the CPU time, so on two cores the
 * import runs up to ≈ 1.8× faster; on one busy core it costs a little more (messages).
 *
 * Small inputs (incremental single-record files, test fixtures) stay in-process: a worker's start-up
 * costs tens of milliseconds. Items arrive in the importer's order, and errors are rethrown on the
 * main thread at the point the importer threw them (an `AppError` keeps its code and hint).
 *
 * @example
 * await writer.importItems(scope, feedItems(osvFeed, await openFileSource(path), signal));
 */
import { startModuleWorker } from '../worker-thread.js';
import { AppError, ERROR_CODES, isAppError, type ErrorCode } from '../errors.js';
import type { FeedImporter, FeedSource, FeedSourceSpec } from './feeds/feed.js';
import { specBytes } from './feeds/read.js';
import type { FeedSourceId } from './model.js';
import type { AdvisoryColumns, WriterItem } from './writer.js';

const MiB = 1024 * 1024;
/** Inputs smaller than this are parsed in-process. */
export const PARALLEL_MIN_BYTES = 4 * MiB;
/** Items per message: large enough to amortise a message, small enough to start writing early. */
export const ITEMS_PER_MESSAGE = 256;
/**
 * Messages the worker may have in flight: enough to keep it parsing while the main thread commits a
 * batch (≈ 0.2 s), few enough to bound memory (≈ 16 × 256 serialised records, a few MB).
 */
const MESSAGES_IN_FLIGHT = 16;
/**
 * The worker allocates a few kB of short-lived objects per record; a young generation larger than
 * V8's default keeps them from being promoted and collected by the expensive full GC.
 */
const WORKER_YOUNG_GENERATION_MB = 64;

/** What the worker receives (`modulePayload()`). */
export interface RecordsWorkerData {
  feed: FeedSourceId;
  spec: FeedSourceSpec;
}

/** Credit to send more messages. Aborting terminates the worker. */
export interface ToWorker {
  type: 'credit';
  messages: number;
}

export interface SerialisedError {
  code: string | undefined;
  name: string;
  message: string;
  hint: string | undefined;
}

export type FromWorker =
  | { type: 'items'; items: FlatItems }
  | { type: 'done'; cpuMs: number | undefined }
  | { type: 'error'; error: SerialisedError };

let workerCpuMs = 0;

/**
 * CPU time (ms) of every parse worker that finished in this process so far, for benchmarks: the
 * import's other thread. Take the difference around an import.
 */
export function parseWorkerCpuMs(): number {
  return workerCpuMs;
}

/**
 * A message's items as one flat array of primitives: structured clone costs per object, and the
 * main thread is the one that pays for deserialising (measured: 1.6 µs per prepared advisory flat
 * vs 4 µs as nested objects). Layout per item: `ITEM_PREPARED, id, withdrawn, aliases count,
 * …aliases, …text columns, hash, affected count, …affected columns`, or `ITEM_OTHER, item`.
 */
export type FlatItems = unknown[];
const ITEM_PREPARED = 0;
const ITEM_OTHER = 1;
const TEXT_COLUMNS = 9;
const AFFECTED_COLUMNS = 4;

export function flattenItems(items: readonly WriterItem[]): FlatItems {
  const out: unknown[] = [];
  for (const item of items) {
    if (item.kind !== 'prepared') {
      out.push(ITEM_OTHER, item);
      continue;
    }
    const a = item.advisory;
    out.push(ITEM_PREPARED, a.id, a.withdrawn, a.aliases.length, ...a.aliases, ...a.columns.text);
    out.push(a.columns.hash, a.columns.affected.length);
    for (const row of a.columns.affected) out.push(...row);
  }
  return out;
}

export function unflattenItems(flat: FlatItems): WriterItem[] {
  const items: WriterItem[] = [];
  let i = 0;
  const take = <T>(): T => flat[i++] as T;
  const slice = <T>(n: number): T => flat.slice(i, (i += n)) as T;
  while (i < flat.length) {
    if (take<number>() === ITEM_OTHER) {
      items.push(take<WriterItem>());
      continue;
    }
    const id = take<string>();
    const withdrawn = take<boolean>();
    const aliases = slice<string[]>(take<number>());
    const text = slice<AdvisoryColumns['text']>(TEXT_COLUMNS);
    const hash = take<string>();
    const affected: AdvisoryColumns['affected'] = [];
    for (let n = take<number>(); n > 0; n--)
      affected.push(slice<AdvisoryColumns['affected'][number]>(AFFECTED_COLUMNS));
    items.push({ kind: 'prepared', advisory: { id, aliases, withdrawn, columns: { text, affected, hash } } });
  }
  return items;
}

/**
 * The items of `src` as the writer takes them: from a parse worker when the source is on local disk
 * and at least `minBytes` ({@link PARALLEL_MIN_BYTES}), else from `feed.records` in-process.
 */
export async function* feedItems(
  feed: FeedImporter,
  src: FeedSource,
  signal: AbortSignal,
  options: { minBytes?: number } = {},
): AsyncGenerator<WriterItem> {
  const minBytes = options.minBytes ?? PARALLEL_MIN_BYTES;
  if (src.spec === undefined || (await specBytes(src.spec)) < minBytes) {
    yield* feed.records(src, signal);
    return;
  }
  yield* workerItems(feed.id, src.spec, signal);
}

async function* workerItems(
  feed: FeedSourceId,
  spec: FeedSourceSpec,
  signal: AbortSignal,
): AsyncGenerator<WriterItem> {
  signal.throwIfAborted();
  const data: RecordsWorkerData = { feed, spec };
  const worker = startModuleWorker(new URL('./records-worker', import.meta.url), data, {
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  const inbox: FromWorker[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (m: FromWorker) => {
    inbox.push(m);
    notify();
  });
  worker.on('error', (err: Error) => {
    failure ??= err;
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  const onAbort = (): void => notify();
  signal.addEventListener('abort', onAbort, { once: true });
  const send = (m: ToWorker): void => worker.postMessage(m);
  send({ type: 'credit', messages: MESSAGES_IN_FLIGHT });
  try {
    for (;;) {
      while (inbox.length === 0 && failure === undefined && !exited && !signal.aborted)
        await new Promise<void>((resolve) => (wake = resolve));
      signal.throwIfAborted();
      if (failure !== undefined) throw failure;
      const m = inbox.shift();
      if (m === undefined) throw new Error('vulndb parse worker exited without finishing');
      if (m.type === 'done') {
        workerCpuMs += m.cpuMs ?? 0;
        return;
      }
      if (m.type === 'error') throw deserialiseError(m.error);
      send({ type: 'credit', messages: 1 });
      yield* unflattenItems(m.items);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}

export function serialiseError(err: unknown): SerialisedError {
  if (isAppError(err)) return { code: err.code, name: err.name, message: err.message, hint: err.hint };
  if (err instanceof Error) return { code: undefined, name: err.name, message: err.message, hint: undefined };
  return { code: undefined, name: 'Error', message: String(err), hint: undefined };
}

function isErrorCode(code: string | undefined): code is ErrorCode {
  return code !== undefined && Object.hasOwn(ERROR_CODES, code);
}

function deserialiseError(e: SerialisedError): Error {
  if (isErrorCode(e.code)) return new AppError(e.code, e.message, { hint: e.hint });
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
