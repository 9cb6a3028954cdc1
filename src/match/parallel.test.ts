/**
 * Parallel matching: the chunk claims, and `matchSbom` on worker threads against a REAL vulndb built
 * from a generated OSV corpus (the same importer as `corral db import`). The result must equal the
 * single-thread result exactly; a worker that finds a different DB file must take no work.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Package } from '../catalog/model.js';
import type { Sbom } from '../sbom/model.js';
import { importPath } from '../vulndb/import.js';
import { openVulnStore, type VulnStore } from '../vulndb/store.js';
import { osvRecord } from '../../test/support/osv-corpus.js';
import { testSbom } from '../../test/support/test-sbom.js';
import {
  claimBack,
  claimFront,
  closeMatchWorkers,
  lastParallelRun,
  PARALLEL_MIN_PACKAGES,
  startMatchWorkers,
} from './parallel.js';
import { MATCHERS } from './registry.js';
import { MATCH_CHUNK, matchSbom } from './run.js';

const NAMES = 150;
const NOW = new Date('2026-01-01T00:00:00Z');

/** A corpus DB whose npm/PyPI packages are named `pkg-0` … `pkg-{NAMES-1}`. */
async function corpusDb(dir: string, records: number, seed: number): Promise<string> {
  const feed = join(dir, `osv-${seed}`);
  await mkdir(feed, { recursive: true });
  for (let i = 0; i < records; i++) {
    const record = osvRecord(i, { packagesPerEcosystem: NAMES, seed });
    await writeFile(join(feed, `${String(record.id)}.json`), JSON.stringify(record));
  }
  const db = join(dir, `vuln-${seed}.db`);
  await importPath(db, feed, { source: 'osv' });
  return db;
}

function sbomOf(count: number): Sbom {
  const packages: Package[] = [];
  for (let i = 0; i < count; i++) {
    const npm = i % 2 === 0;
    const name = `pkg-${i % NAMES}`;
    const version = `${1 + (i % 5)}.${i % 3}.${i % 7}`;
    packages.push({
      id: `p-${i}`,
      name,
      version,
      type: npm ? 'npm' : 'pypi',
      purl: `pkg:${npm ? 'npm' : 'pypi'}/${name}@${version}`,
      licenses: [],
      locations: [{ path: `/app/${i}`, layerIndex: 0 }],
      cpes: [],
      foundBy: 'test',
    });
  }
  // one version no scheme can read: reported as not comparable, in package order
  packages.push({ ...packages[0]!, id: 'p-bad', version: 'not a version', purl: 'pkg:npm/pkg-0@bad' });
  return testSbom(packages);
}

describe('chunk claims', () => {
  it('hands out every chunk exactly once, the front from below and the back from above', () => {
    const claims = new Int32Array(new SharedArrayBuffer(4));
    claims[0] = 5 << 16;
    assert.deepEqual(
      [claimFront(claims), claimBack(claims), claimBack(claims), claimFront(claims), claimFront(claims)],
      [0, 4, 3, 1, 2],
    );
    assert.equal(claimFront(claims), -1);
    assert.equal(claimBack(claims), -1);
  });

  it('hands out nothing for an empty job', () => {
    const claims = new Int32Array(new SharedArrayBuffer(4));
    assert.equal(claimFront(claims), -1);
    assert.equal(claimBack(claims), -1);
  });
});

describe('matchSbom on several threads', () => {
  let dir: string;
  let dbFile: string;
  let store: VulnStore;
  const sbom = sbomOf(PARALLEL_MIN_PACKAGES + 3 * MATCH_CHUNK);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'corral-parallel-'));
    dbFile = await corpusDb(dir, 2_000, 1);
    store = openVulnStore(dbFile);
  });
  after(async () => {
    await closeMatchWorkers();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds exactly what one thread finds, with workers taking chunks', async () => {
    const single = await matchSbom(sbom, store, { threads: 1, now: NOW });
    assert.ok(
      single.findings.length > 500,
      `the corpus should affect many packages (${single.findings.length})`,
    );
    assert.deepEqual(
      single.notComparable.map((n) => n.package.id),
      ['p-bad'],
    );
    assert.equal(await startMatchWorkers(store, 2), 1, 'one worker opened the DB');
    // the worker takes chunks from the back while this thread takes them from the front; on a busy
    // machine this thread may still take them all in one run, so allow several runs
    let workerChunks = 0;
    const deadline = Date.now() + 20_000;
    while (workerChunks === 0 && Date.now() < deadline) {
      const parallel = await matchSbom(sbom, store, { threads: 2, now: NOW });
      assert.deepEqual(parallel, single);
      const run = lastParallelRun();
      assert.equal(run?.chunks, Math.ceil(sbom.packages.length / MATCH_CHUNK));
      workerChunks = run?.workerChunks ?? 0;
    }
    assert.ok(workerChunks > 0, 'a worker matched at least one chunk');
  });

  it('stays on one thread below the threshold and with custom matchers', async () => {
    const small = { ...sbom, packages: sbom.packages.slice(0, PARALLEL_MIN_PACKAGES - 1) };
    const before = lastParallelRun();
    await matchSbom(small, store, { threads: 2, now: NOW });
    assert.equal(lastParallelRun(), before);
    await matchSbom(sbom, store, { threads: 2, now: NOW, matchers: MATCHERS });
    assert.equal(lastParallelRun(), before);
  });

  it('gives a replaced DB file no work: the worker checks it reads the same build', async () => {
    await closeMatchWorkers();
    const expected = await matchSbom(sbom, store, { threads: 1, now: NOW });
    // another build (different lineage) takes the file's place, as `corral db update` does
    const other = await corpusDb(dir, 300, 2);
    await rename(other, dbFile);
    assert.equal(await startMatchWorkers(store, 2), 0, 'the worker refused the other build');
    for (let attempt = 0; attempt < 3; attempt++) {
      const got = await matchSbom(sbom, store, { threads: 2, now: NOW });
      assert.deepEqual(got, expected);
      assert.equal(lastParallelRun()?.workerChunks, 0);
    }
  });
});
