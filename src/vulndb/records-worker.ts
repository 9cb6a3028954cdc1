/**
 * The parse worker of `parallel-records.ts`: opens the source its parent describes, runs the importer
 * and sends the items in messages of {@link ITEMS_PER_MESSAGE}, advisories already serialised
 * ({@link prepareItem}). It sends only while it holds credit (one per message), so at most a few
 * messages wait in memory however fast it parses.
 */
import { parentPort } from 'node:worker_threads';
import { getFeed } from './feeds/registry.js';
import { openSourceSpec } from './feeds/read.js';
import {
  flattenItems,
  ITEMS_PER_MESSAGE,
  serialiseError,
  type FromWorker,
  type RecordsWorkerData,
  type ToWorker,
} from './parallel-records.js';
import { threadCpuMs } from './thread-cpu.js';
import { prepareItem, type WriterItem } from './writer.js';
import { modulePayload } from '../worker-thread.js';

const port = parentPort;
if (port === null) throw new Error('records-worker.ts must run in a worker thread');
const data = modulePayload<RecordsWorkerData>();
/** The parent aborts by terminating this thread, so the importer's signal never fires. */
const signal = new AbortController().signal;
let credit = 0;
let onCredit: (() => void) | undefined;

port.on('message', (m: ToWorker) => {
  credit += m.messages;
  onCredit?.();
  onCredit = undefined;
});

async function send(m: FromWorker): Promise<void> {
  if (m.type === 'items') {
    while (credit === 0) await new Promise<void>((resolve) => (onCredit = resolve));
    credit--;
  }
  port!.postMessage(m);
}

async function run(): Promise<void> {
  const src = await openSourceSpec(data.spec);
  let batch: WriterItem[] = [];
  for await (const item of getFeed(data.feed).records(src, signal)) {
    batch.push(prepareItem(item));
    if (batch.length < ITEMS_PER_MESSAGE) continue;
    await send({ type: 'items', items: flattenItems(batch) });
    batch = [];
  }
  if (batch.length > 0) await send({ type: 'items', items: flattenItems(batch) });
  await send({ type: 'done', cpuMs: threadCpuMs() });
}

try {
  await run();
} catch (err) {
  await send({ type: 'error', error: serialiseError(err) });
} finally {
  port.close();
}
