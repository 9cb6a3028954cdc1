import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { isAppError } from '../errors.js';
import { buildDb } from './build.js';
import { importPath } from './import.js';
import type { AdvisoryRecord, FeedItem } from './model.js';
import { openVulnStore } from './store.js';
import { openForWrite } from './db.js';
import { CURRENT_SCHEMA } from './migrations/index.js';

const RECORDS = fileURLToPath(new URL('./feeds/osv/testdata/records', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'corral-store-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function advisory(id: string, aliases: string[], pkg = 'pkg'): FeedItem {
  const record: AdvisoryRecord = {
    id,
    source: 'osv',
    aliases,
    references: [],
    cwes: [],
    severities: [],
    affected: [{ ecosystem: 'npm', package: pkg, ranges: [], versions: ['1.0.0'], fixState: 'not-fixed' }],
  };
  return { kind: 'advisory', record };
}

async function* items(list: FeedItem[]): AsyncGenerator<FeedItem> {
  yield* list;
}

describe('vulndb writer + store', () => {
  const db = join(tmp, 'osv.db');

  it('imports OSV fixtures and answers package lookups', async () => {
    const stats = await importPath(db, RECORDS, { source: 'osv' });
    assert.equal(stats.written, 10);
    assert.equal(stats.unknowns, 3);
    const store = openVulnStore(db);
    try {
      const lodash = store.affected('npm', 'lodash');
      assert.equal(lodash.length, 1);
      assert.equal(lodash[0]!.vulnId, 'CVE-2021-23337');
      assert.equal(lodash[0]!.fixedIn, '4.17.21');
      assert.deepEqual(store.affected('npm', 'path-to-regexp'), [], 'withdrawn records match nothing');
      assert.equal(store.affected('Debian', 'glibc').length, 3);
      assert.deepEqual(
        store.affected('Debian', 'glibc', '12').map((r) => r.fixedIn),
        ['2.36-9+deb12u3'],
      );
      assert.equal(store.affected('Ubuntu', 'openssh', '22.04')[0]!.vulnId, 'CVE-2024-6387');
      assert.equal(store.affected('npm', 'example-merge')[0]!.vulnId, 'GHSA-9wx4-h78v-vm56');
    } finally {
      store.close();
    }
  });

  it('merges aliases into one vulnerability', () => {
    const store = openVulnStore(db);
    try {
      assert.equal(store.resolve('GHSA-q2q7-5pp4-w6pg'), 'CVE-2021-33503');
      assert.equal(store.resolve('PYSEC-2021-108'), 'CVE-2021-33503');
      const rows = store.affected('PyPI', 'urllib3');
      assert.deepEqual(new Set(rows.map((r) => r.vulnId)), new Set(['CVE-2021-33503']));
      assert.deepEqual(rows.map((r) => r.advisoryId).sort(), ['GHSA-q2q7-5pp4-w6pg', 'PYSEC-2021-108']);
      const v = store.vulnerability('GHSA-q2q7-5pp4-w6pg')!;
      assert.equal(v.id, 'CVE-2021-33503');
      assert.deepEqual(v.aliases, ['GHSA-q2q7-5pp4-w6pg', 'PYSEC-2021-108']);
      assert.equal(
        v.summary,
        'Catastrophic backtracking in URL authority parser when passed URL containing many @ characters',
      );
      assert.deepEqual(v.cwes, ['CWE-400']);
      const w = store.vulnerability('GHSA-rhx6-c78j-4q9w')!;
      assert.equal(w.withdrawn, '2023-01-09T05:02:48Z');
    } finally {
      store.close();
    }
  });

  it('skips unchanged records on re-import and deletes rows missing from a replacing import', async () => {
    const again = await importPath(db, RECORDS, { source: 'osv' });
    assert.equal(again.written, 0);
    assert.equal(again.unchanged, 10);
    const partial = join(tmp, 'partial');
    cpSync(join(RECORDS, 'GHSA-35jh-r3h4-6jhm.json'), join(partial, 'GHSA-35jh-r3h4-6jhm.json'), {
      recursive: true,
    });
    const replaced = await importPath(db, partial, { source: 'osv', replace: true });
    assert.equal(replaced.deleted, 9);
    const store = openVulnStore(db);
    try {
      assert.equal(store.affected('PyPI', 'urllib3').length, 0);
      assert.equal(store.affected('npm', 'lodash').length, 1);
      assert.equal(store.metadata().dbVersion, 3);
    } finally {
      store.close();
    }
  });

  it('merges two existing alias groups when a record links them (CVE wins)', async () => {
    const path = join(tmp, 'merge.db');
    await buildDb(path, async ({ writer }) => {
      await writer.importItems(
        { source: 'osv', origin: 't', mode: 'upsert' },
        items([advisory('GHSA-aaaa', [], 'a')]),
      );
      await writer.importItems(
        { source: 'nvd', origin: 't', mode: 'upsert' },
        items([advisory('CVE-2024-0001', [], 'b')]),
      );
      await writer.importItems(
        { source: 'debian', origin: 't', mode: 'upsert' },
        items([advisory('DSA-1', ['GHSA-aaaa', 'CVE-2024-0001'], 'c')]),
      );
    });
    const store = openVulnStore(path);
    try {
      for (const pkg of ['a', 'b', 'c'])
        assert.equal(store.affected('npm', pkg)[0]!.vulnId, 'CVE-2024-0001', pkg);
      assert.deepEqual(
        store
          .vulnerability('GHSA-aaaa')!
          .advisories.map((a) => a.id)
          .sort(),
        ['CVE-2024-0001', 'DSA-1', 'GHSA-aaaa'],
      );
    } finally {
      store.close();
    }
  });

  it('enriches vulnerabilities with KEV and EPSS', async () => {
    await buildDb(db, async ({ writer }) => {
      await writer.importItems(
        { source: 'kev', origin: 'kev.json', mode: 'full' },
        items([
          {
            kind: 'kev',
            record: {
              cve: 'CVE-2021-23337',
              dateAdded: '2024-01-02',
              knownRansomware: true,
              vendor: 'lodash',
            },
          },
        ]),
      );
      await writer.importItems(
        { source: 'epss', origin: 'epss.csv.gz', mode: 'full' },
        items([
          {
            kind: 'epss',
            record: { cve: 'CVE-2021-23337', score: 0.5, percentile: 0.97, date: '2024-06-01' },
          },
        ]),
      );
    });
    const store = openVulnStore(db);
    try {
      const v = store.vulnerability('GHSA-35jh-r3h4-6jhm')!;
      assert.equal(v.kev?.knownRansomware, true);
      assert.equal(v.epss?.percentile, 0.97);
      assert.equal(store.metadata().counts.kev, 1);
    } finally {
      store.close();
    }
  });

  it('vulnerabilities() reads many ids at once, each equal to vulnerability(id)', async () => {
    const path = join(tmp, 'batch.db');
    await importPath(path, RECORDS, { source: 'osv' });
    await buildDb(path, async ({ writer }) => {
      await writer.importItems(
        { source: 'nvd', origin: 't', mode: 'upsert' },
        items([advisory('CVE-2024-0001', [], 'b'), advisory('GHSA-bbbb', ['CVE-2021-33503'], 'd')]),
      );
      await writer.importItems(
        { source: 'kev', origin: 'kev.json', mode: 'full' },
        items([
          { kind: 'kev', record: { cve: 'CVE-2021-33503', dateAdded: '2024-01-02', knownRansomware: false } },
        ]),
      );
      await writer.importItems(
        { source: 'epss', origin: 'epss.csv.gz', mode: 'full' },
        items([
          {
            kind: 'epss',
            record: { cve: 'CVE-2021-33503', score: 0.25, percentile: 0.5, date: '2024-06-01' },
          },
        ]),
      );
    });
    const raw = new Database(path, { readonly: true });
    const ids = (raw.prepare('SELECT alias FROM alias ORDER BY alias').pluck().all() as string[]).reverse();
    raw.close();
    assert.ok(ids.length > 15, `fixture has ${ids.length} ids`);
    const store = openVulnStore(path);
    try {
      const asked = [...ids, 'CVE-1999-0000', ids[0]!];
      for (const chunk of [1, 3, 500]) {
        const many = store.vulnerabilities(asked, { chunk });
        for (const id of ids)
          assert.deepEqual(many.get(id), store.vulnerability(id), `${id} (chunk ${chunk})`);
        assert.equal(many.has('CVE-1999-0000'), false);
        assert.equal(many.size, ids.filter((id) => store.vulnerability(id) !== undefined).length);
      }
      const merged = store.vulnerabilities(['GHSA-bbbb', 'PYSEC-2021-108']);
      assert.equal(merged.get('GHSA-bbbb')!.id, 'CVE-2021-33503');
      assert.equal(merged.get('GHSA-bbbb'), merged.get('PYSEC-2021-108'), 'one object per group');
      assert.equal(merged.get('GHSA-bbbb')!.kev?.dateAdded, '2024-01-02');
      assert.equal(merged.get('GHSA-bbbb')!.epss?.score, 0.25);
      assert.deepEqual(
        merged.get('GHSA-bbbb')!.advisories.map((a) => `${a.source}:${a.id}`),
        ['osv:GHSA-q2q7-5pp4-w6pg', 'osv:PYSEC-2021-108', 'nvd:GHSA-bbbb'],
      );
      assert.equal(store.vulnerabilities([]).size, 0);
      // group ids (what matching passes) skip the alias resolution and give the same objects
      const groupIds = [...new Set([...store.vulnerabilities(ids).values()].map((v) => v.id))];
      const byGroup = store.vulnerabilities(groupIds, { chunk: 2, groupIds: true });
      for (const g of groupIds) assert.deepEqual(byGroup.get(g), store.vulnerability(g), g);
      // details: false leaves out only the advisories' details
      const brief = store.vulnerabilities(groupIds, { chunk: 500, groupIds: true, details: false });
      for (const g of groupIds) {
        const full = store.vulnerability(g)!;
        const noDetails = { ...full, advisories: full.advisories.map((a) => ({ ...a, details: undefined })) };
        assert.deepEqual(brief.get(g), noDetails, g);
      }
      assert.ok(
        [...byGroup.values()].some((v) => v.advisories.some((a) => a.details !== undefined)),
        'the fixture has details',
      );
      const { counts, ...rest } = store.metadata();
      assert.ok(counts.advisories > 10);
      assert.deepEqual(store.summary(), rest);
    } finally {
      store.close();
    }
  });

  it('prefetchAffected() answers affected() from memory with the same rows, until clearPrefetched()', async () => {
    const path = join(tmp, 'prefetch.db');
    await importPath(path, RECORDS, { source: 'osv' });
    const raw = new Database(path, { readonly: true });
    const keys = raw
      .prepare('SELECT DISTINCT ecosystem, package FROM affected ORDER BY ecosystem, package')
      .all() as { ecosystem: string; package: string }[];
    raw.close();
    assert.ok(keys.length > 3, `fixture has ${keys.length} packages`);
    const store = openVulnStore(path);
    try {
      const expected = keys.map((k) => store.affected(k.ecosystem, k.package));
      for (const eco of new Set(keys.map((k) => k.ecosystem))) {
        const names = keys.filter((k) => k.ecosystem === eco).map((k) => k.package);
        store.prefetchAffected(eco, [...names, 'no-such-package', names[0]!]);
      }
      keys.forEach((k, i) =>
        assert.deepEqual(store.affected(k.ecosystem, k.package), expected[i], k.package),
      );
      assert.deepEqual(store.affected(keys[0]!.ecosystem, 'no-such-package'), []);
      store.clearPrefetched();
      keys.forEach((k, i) =>
        assert.deepEqual(store.affected(k.ecosystem, k.package), expected[i], k.package),
      );
    } finally {
      store.close();
    }
  });

  it('refuses a newer schema with VULNDB_SCHEMA_TOO_NEW, an older model with VULNDB_CORRUPT and a missing DB with VULNDB_NOT_FOUND', () => {
    const path = join(tmp, 'new.db');
    openForWrite(path).close();
    const raw = new Database(path);
    const { model, revision, addition } = CURRENT_SCHEMA;
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(`${model}.${revision + 1}.0`);
    raw.close();
    assert.throws(
      () => openVulnStore(path),
      (e) => isAppError(e, 'VULNDB_SCHEMA_TOO_NEW'),
    );
    const raw2 = new Database(path);
    raw2
      .prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'")
      .run(`${model}.${revision}.${addition + 7}`);
    raw2.close();
    openVulnStore(path).close(); // a newer addition is readable…
    assert.throws(
      () => openForWrite(path),
      (e) => isAppError(e, 'VULNDB_SCHEMA_TOO_NEW'),
    ); // …but not writable
    assert.throws(
      () => openVulnStore(join(tmp, 'absent.db')),
      (e) => isAppError(e, 'VULNDB_NOT_FOUND'),
    );
    const raw3 = new Database(path);
    raw3.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(`${model - 1}.0.0`);
    raw3.close();
    for (const open of [() => openVulnStore(path), () => openForWrite(path)])
      assert.throws(open, (e) => isAppError(e, 'VULNDB_CORRUPT'), 'an older model must be rebuilt');
  });
});
