/**
 * `corral db …` through the real CLI in child processes, including the crash test: `db update` is
 * SIGKILLed at several points and the previous DB must still open and answer queries; a rerun completes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { OSV_ECOSYSTEMS } from '../../src/vulndb/feeds/osv/ecosystems.js';
import { openVulnStore } from '../../src/vulndb/store.js';
import { runCli } from '../helpers/cli.js';
import { startFeedServer, type FeedServer } from '../support/feed-server.js';
import { osvRecord } from '../support/osv-corpus.js';
import { writeZip } from '../support/zip.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = join(ROOT, 'test', 'helpers', 'cli-entry.ts');
const RECORDS = join(ROOT, 'src', 'vulndb', 'feeds', 'osv', 'testdata', 'records');
const tmp = mkdtempSync(join(tmpdir(), 'corral-db-cli-'));
let server: FeedServer;

function bigNpmZip(revision: number): Buffer {
  const path = join(tmp, `npm-${revision}.zip`);
  const entries = function* () {
    for (let i = 0; i < 20_000; i++)
      yield {
        name: `R-${i}.json`,
        data: JSON.stringify({
          ...osvRecord(i * 11, { revision }),
          affected: (osvRecord(i * 11, { revision }).affected as { package: { name: string } }[]).map(
            (a) => ({ ...a, package: { ...a.package, ecosystem: 'npm' } }),
          ),
        }),
      };
  };
  writeZip(path, entries());
  return readFileSync(path);
}

function serve(revision: number): void {
  for (const eco of OSV_ECOSYSTEMS)
    server.routes.set(`/osv/${eco}/all.zip`, { body: Buffer.from(readFileSync(join(tmp, 'empty.zip'))) });
  server.routes.set('/osv/npm/all.zip', { body: bigNpmZip(revision), throttleMs: 2 });
  server.routes.set('/osv/PyPI/all.zip', { body: readFileSync(join(tmp, 'pypi.zip')) });
}

before(async () => {
  server = await startFeedServer();
  writeZip(join(tmp, 'empty.zip'), []);
  writeZip(
    join(tmp, 'pypi.zip'),
    ['PYSEC-2021-108.json', 'GHSA-q2q7-5pp4-w6pg.json'].map((f) => ({
      name: f,
      data: readFileSync(join(RECORDS, f)),
    })),
  );
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return { CORRAL_FEED_OSV_URL: `${server.url}/osv/`, CORRAL_HOME: join(tmp, 'home') };
}

/** Starts `db update` and SIGKILLs it as soon as stderr contains `marker`. */
function killAt(db: string, marker: string): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', ENTRY, 'db', 'update', '--source', 'osv', '--full', '--db', db],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', ...env() },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!killed && stderr.includes(marker)) {
        killed = child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve({ killed, stderr }));
  });
}

function probe(db: string): { version: number; lodashLike: number; urllib3: string[] } {
  const raw = new Database(db, { readonly: true });
  assert.equal(
    (raw.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
    'ok',
  );
  raw.close();
  const store = openVulnStore(db);
  try {
    return {
      version: store.metadata().dbVersion,
      lodashLike: store.metadata().counts.advisories,
      urllib3: store.affected('PyPI', 'urllib3').map((r) => r.vulnId),
    };
  } finally {
    store.close();
  }
}

describe('corral db (CLI)', () => {
  it('imports fixtures and reports status as JSON', async () => {
    const imp = await runCli(['db', 'import', RECORDS, '--source', 'osv'], env());
    assert.equal(imp.code, 0, imp.stderr);
    const st = await runCli(['db', 'status', '--json'], env());
    assert.equal(st.code, 0, st.stderr);
    const report = JSON.parse(st.stdout) as {
      counts: { advisories: number };
      sources: { source: string; records: number }[];
      stale: boolean;
    };
    assert.equal(report.counts.advisories, 10);
    assert.equal(report.sources[0]!.source, 'osv');
    assert.equal(report.stale, false);
    const old = await runCli(['db', 'status', '--max-age', '0m'], env());
    assert.match(old.stderr, /warning/);
  });

  it('exits with the error code of VULNDB_NOT_FOUND and FEED_SOURCE_UNKNOWN', async () => {
    const st = await runCli(['db', 'status', '--db', join(tmp, 'none.db')], env());
    assert.equal(st.code, 3);
    assert.match(st.stderr, /\[VULNDB_NOT_FOUND\]/);
    const imp = await runCli(
      ['db', 'import', RECORDS, '--source', 'bogus', '--db', join(tmp, 'x.db')],
      env(),
    );
    assert.equal(imp.code, 2);
    assert.match(imp.stderr, /\[FEED_SOURCE_UNKNOWN\]/);
  });

  it(
    'survives SIGKILL at every stage of db update and completes on rerun',
    { timeout: 300_000 },
    async () => {
      const db = join(tmp, 'crash', 'vuln.db');
      serve(0);
      const first = await runCli(['db', 'update', '--source', 'osv', '--db', db], env());
      assert.equal(first.code, 0, first.stderr);
      const good = probe(db);
      assert.deepEqual(good.urllib3, ['CVE-2021-33503', 'CVE-2021-33503']);

      serve(1);
      const markers = [
        'db: copy',
        'db: write',
        'osv: full update',
        'osv: npm/all.zip downloaded',
        'osv: PyPI/all.zip downloaded',
        'db: swap',
      ];
      for (const marker of markers) {
        const { killed, stderr } = await killAt(db, marker);
        assert.ok(killed, `never reached "${marker}": ${stderr}`);
        const now = probe(db);
        if (marker === 'db: swap' && now.version === good.version + 1) continue; // the rename may win the race
        assert.deepEqual(now, good, `after kill at "${marker}"`);
      }
      const rerun = await runCli(['db', 'update', '--source', 'osv', '--full', '--db', db], env());
      assert.equal(rerun.code, 0, rerun.stderr);
      const done = probe(db);
      assert.ok(done.version > good.version);
      assert.deepEqual(done.urllib3, good.urllib3);
      assert.deepEqual(readdirSync(join(tmp, 'crash')).sort(), ['vuln.db'], 'no temp files or locks left');
    },
  );
});
