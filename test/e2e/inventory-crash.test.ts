/**
 * Issue 7 acceptance (c): SIGKILL `corral server` in the middle of an ingest (a load generator process
 * pushing real SBOMs); after a restart on the same database every push that got a 2xx answer is there,
 * complete. Runs on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CorralClient } from '../../src/server/client.js';
import {
  createTestInventory,
  runLoadProcess,
  startServerProcess,
  writeRealSbom,
  type ServerProcess,
  type TestInventory,
} from './inventory-fixtures.js';
import { randomDigest } from './server-fixtures.js';

const PUSHES = 200;
const KILL_AFTER_ACKS = 15;

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`server killed mid-ingest (${dialect})`, { timeout: 600_000 }, () => {
    let work: string;
    let inventory: TestInventory<'load' | 'viewer'> | undefined;
    let server: ServerProcess | undefined;

    before(async () => {
      work = await mkdtemp(join(tmpdir(), `corral-crash-${dialect}-`));
      inventory = await createTestInventory(work, dialect, { load: 'ci', viewer: 'viewer' });
    });

    after(async () => {
      await server?.stop('SIGKILL');
      await inventory?.drop();
      await rm(work, { recursive: true, force: true });
    });

    it('every acknowledged push survives a SIGKILL', async (t) => {
      if (inventory === undefined) return t.skip('CORRAL_TEST_POSTGRES not set');
      const { database, tokens } = inventory;
      const sbom = await writeRealSbom(work);
      server = await startServerProcess({ database });
      const victim = server;
      const digests = Array.from({ length: PUSHES }, randomDigest);
      let acks = 0;
      let killedAt = -1;
      const results = await runLoadProcess(
        work,
        {
          servers: [server.url],
          token: tokens.load,
          sbomFile: sbom.file,
          digests,
          concurrency: 8,
          timeoutMs: 30_000,
        },
        (r) => {
          if (r.status >= 200 && r.status < 300) acks++;
          if (acks >= KILL_AFTER_ACKS && killedAt < 0) {
            killedAt = acks;
            victim.child.kill('SIGKILL');
          }
        },
      );
      assert.equal(await victim.exited, 'SIGKILL');
      const acknowledged = results.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.digest);
      const unanswered = results.filter((r) => r.status === 0).length;
      t.diagnostic(`${acknowledged.length} acknowledged, ${unanswered} cut off by the kill, of ${PUSHES}`);
      assert.ok(acknowledged.length >= KILL_AFTER_ACKS);
      assert.ok(unanswered > 0, 'the kill happened mid-ingest');

      server = await startServerProcess({ database });
      const client = new CorralClient({ url: server.url, token: tokens.viewer });
      try {
        const missing: string[] = [];
        for (const d of acknowledged) {
          const img = await client.getImage(d).catch(() => undefined);
          if (img === undefined || img.sbom.packages.length !== sbom.packages) missing.push(d);
        }
        assert.deepEqual(missing, [], 'acknowledged pushes missing or incomplete after the restart');
      } finally {
        await client.close();
      }
    });
  });
}
