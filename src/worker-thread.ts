/**
 * Starting one of our modules in a worker thread, whether Corral runs compiled (`dist/…/x.js`) or from
 * its TypeScript sources (tests, benchmarks, `tsx`): Node 20 does not pass `--import tsx` on to
 * workers, so from sources the bootstrap registers tsx's loader before importing the module.
 *
 * @example
 * const worker = startModuleWorker(new URL('./records-worker', import.meta.url), data, {
 *   resourceLimits: { maxYoungGenerationSizeMb: 64 },
 * });
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, workerData, type WorkerOptions } from 'node:worker_threads';

/** The `workerData` of a module worker: what the bootstrap needs, and the module's own `payload`. */
export interface ModuleWorkerData<T> {
  /** The worker module's URL, with the extension of the running code (`.js` or `.ts`). */
  entry: string;
  /** From sources only: the TypeScript loader to register first. */
  loader: string | undefined;
  payload: T;
}

/**
 * Registers the loader when there is one, then imports the entry. A failing import is rethrown on the
 * worker's own tick, so it reaches the parent as an `error` event.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.loader !== undefined) (await import(workerData.loader)).register();
  await import(workerData.entry);
})().catch((err) => { process.nextTick(() => { throw err; }); });
`;

/**
 * Starts `moduleUrl` (given WITHOUT extension, relative to the caller's `import.meta.url`) in a worker;
 * the module reads `payload` with {@link modulePayload}.
 */
export function startModuleWorker<T>(
  moduleUrl: URL,
  payload: T,
  options: Omit<WorkerOptions, 'eval' | 'workerData'> = {},
): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const data: ModuleWorkerData<T> = {
    entry: `${moduleUrl.href}${ext}`,
    loader: ext === '.ts' ? typeScriptLoader() : undefined,
    payload,
  };
  return new Worker(BOOTSTRAP, { ...options, eval: true, workerData: data });
}

/** Inside a module worker: the `payload` its parent passed to {@link startModuleWorker}. */
export function modulePayload<T>(): T {
  return (workerData as ModuleWorkerData<T>).payload;
}

/** tsx's register API when it is installed (a dev dependency); else the runtime must load `.ts` itself. */
function typeScriptLoader(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch (err) {
    // not resolvable: running from sources without tsx (e.g. Node's own type stripping) needs no loader
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}
