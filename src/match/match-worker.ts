/**
 * A matching worker of `parallel.ts`: opens the vulndb file read-only, checks it is the build the
 * parent reads (lineage, version, build time: the path may name a newer file by now), then, per job,
 * claims chunks from the back of the shared counter and sends each chunk's findings back with packages
 * as indexes (the parent has them).
 */
import { parentPort } from 'node:worker_threads';
import type { Package } from '../catalog/model.js';
import { threadCpuMs } from '../vulndb/thread-cpu.js';
import { openVulnStore, type VulnStore } from '../vulndb/store.js';
import { modulePayload } from '../worker-thread.js';
import type { Finding, NotComparable } from './model.js';
import {
  claimBack,
  type FromMatchWorker,
  type Indexed,
  type MatchJob,
  type MatchWorkerData,
} from './parallel.js';
import { MATCHERS } from './registry.js';
import { MatchSession } from './run.js';

const port = parentPort;
if (port === null) throw new Error('match-worker.ts must run in a worker thread');
const { db } = modulePayload<MatchWorkerData>();

function send(m: FromMatchWorker): void {
  port!.postMessage(m);
}

function open(): VulnStore | undefined {
  let store: VulnStore;
  try {
    store = openVulnStore(db.file);
  } catch (err) {
    send({ type: 'refused', reason: (err as Error).message });
    return undefined;
  }
  const s = store.summary();
  if (s.lineage !== db.lineage || s.dbVersion !== db.dbVersion || s.builtAt !== db.builtAt) {
    store.close();
    send({ type: 'refused', reason: `${db.file} is not the DB the scan reads (it was replaced)` });
    return undefined;
  }
  send({ type: 'ready' });
  return store;
}

const store = open();

function run(job: MatchJob, vulndb: VulnStore): void {
  const claims = new Int32Array(job.claims);
  const session = new MatchSession(job.scope, vulndb, MATCHERS);
  const indexOf = new Map<Package, number>(job.packages.map((p, i) => [p, i]));
  for (let i = claimBack(claims); i >= 0; i = claimBack(claims)) {
    const part = session.matchChunk(job.packages.slice(i * job.chunkSize, (i + 1) * job.chunkSize));
    const findings = part.findings.map((f): Indexed<Finding> => ({ ...f, package: indexOf.get(f.package)! }));
    const notComparable = part.notComparable.map((nc): Indexed<NotComparable> => ({
      ...nc,
      package: indexOf.get(nc.package)!,
    }));
    send({ type: 'chunk', job: job.job, index: i, findings, notComparable });
  }
}

port.on('message', (job: MatchJob) => {
  if (store === undefined) return;
  const cpu = threadCpuMs();
  try {
    run(job, store);
  } catch (err) {
    send({ type: 'failed', job: job.job, message: (err as Error).message });
    return;
  }
  const used = threadCpuMs();
  send({
    type: 'done',
    job: job.job,
    cpuMs: cpu === undefined || used === undefined ? undefined : used - cpu,
  });
});
