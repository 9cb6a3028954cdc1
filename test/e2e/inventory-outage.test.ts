/**
 * Issue 7 acceptance (d): resilience of `corral agent docker` and `corral server` (both child processes,
 * real Docker Engine).
 * - Server outage (SIGKILL): the agent buffers the container events and, once the server is back, sends
 *   them (with their real times) and resynchronises.
 * - Agent outage (SIGKILL, server `--agent-stale-after 2`): the server marks its deployments stale and
 *   keeps them; a restarted agent makes them running again.
 * Runs on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Deployment } from '../../src/inventory/types.js';
import { CorralClient } from '../../src/server/client.js';
import { dockerHost } from '../helpers/env.js';
import {
  createTestInventory,
  docker,
  dockerCleanup,
  loadTestImage,
  E2E_SCOPE_LABEL,
  runContainer,
  startAgentProcess,
  startServerProcess,
  waitFor,
  type CorralProcess,
  type ServerProcess,
  type TestImage,
  type TestInventory,
} from './inventory-fixtures.js';

const host = dockerHost();
const skip = host === undefined ? 'needs the test Docker Engine (CORRAL_TEST_DOCKER_HOST)' : false;

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`inventory outages (${dialect})`, { skip, timeout: 600_000 }, () => {
    const h = host!;
    const suffix = randomBytes(3).toString('hex');
    const hostName = `outage-host-${suffix}`;
    let work: string;
    let inventory: TestInventory<'e2e-agent' | 'e2e-viewer'> | undefined;
    let server: ServerProcess | undefined;
    let agent: CorralProcess | undefined;
    let client: CorralClient | undefined;
    let image: TestImage;
    const containers: string[] = [];

    const startServer = async (port?: number): Promise<ServerProcess> => {
      server = await startServerProcess({
        database: inventory!.database,
        staleAfter: '2s',
        ...(port !== undefined && { port }),
      });
      return server;
    };
    const startAgent = (): CorralProcess => {
      agent = startAgentProcess({
        server: server!.url,
        token: inventory!.tokens['e2e-agent'],
        dockerHost: h,
        hostName,
        agentId: `outage-${suffix}`,
        extra: [
          '--heartbeat-interval',
          '0.5',
          '--resync-interval',
          '120',
          '--label',
          `${E2E_SCOPE_LABEL}=${suffix}`,
        ],
      });
      return agent;
    };
    const mine = async (): Promise<Map<string, Deployment>> => {
      const items = (await client!.listDeployments({ host: hostName }, { limit: 1000 })).items;
      return new Map(items.map((d) => [d.containerId, d]));
    };
    const diagnostics = (): string => `agent:\n${agent?.output() ?? ''}\nserver:\n${server?.output() ?? ''}`;

    before(async () => {
      work = await mkdtemp(join(tmpdir(), `corral-outage-${dialect}-`));
      inventory = await createTestInventory(work, dialect, { 'e2e-agent': 'agent', 'e2e-viewer': 'viewer' });
      if (inventory === undefined) return;
      image = await loadTestImage(work, h, `outage-${dialect}`, '1.0.0');
      containers.push(
        await runContainer(h, image.ref, `outage-a-${suffix}`, { [E2E_SCOPE_LABEL]: suffix }),
        await runContainer(h, image.ref, `outage-b-${suffix}`, { [E2E_SCOPE_LABEL]: suffix }),
      );
      await startServer();
      client = new CorralClient({ url: server!.url, token: inventory.tokens['e2e-viewer'] });
    });

    after(async () => {
      await agent?.stop('SIGKILL');
      await server?.stop();
      await client?.close();
      await dockerCleanup(h, containers, image ? [image.ref] : []);
      await inventory?.drop();
      await rm(work, { recursive: true, force: true });
    });

    it('server outage: the agent buffers events and resynchronises; agent outage: stale, not deleted', async (t) => {
      if (inventory === undefined) return t.skip('CORRAL_TEST_POSTGRES not set');
      const [a, b] = containers as [string, string];
      startAgent();
      await waitFor(
        'both containers running',
        async () => {
          const m = await mine();
          return m.get(a)?.state === 'running' && m.get(b)?.state === 'running';
        },
        90_000,
        200,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${diagnostics()}`);
      });

      // ---- server outage: SIGKILL, change things, restart on the same port and database
      const port = server!.port;
      assert.equal(await server!.stop('SIGKILL'), 'SIGKILL');
      const stoppedDuringOutage = Date.now();
      await docker(h, 'stop', '-t', '0', a);
      await docker(h, 'rename', `outage-b-${suffix}`, `outage-b2-${suffix}`);
      await waitFor('the agent to notice', async () => /buffering events/.test(agent!.output()), 20_000);
      await sleep(1_000);
      const restartedAt = Date.now();
      await startServer(port);
      await waitFor(
        'the buffered events and the resync to arrive',
        async () => {
          const m = await mine();
          return (
            m.get(a)?.state === 'stopped' &&
            m.get(b)?.name === `outage-b2-${suffix}` &&
            m.get(b)?.state === 'running'
          );
        },
        30_000,
        200,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${diagnostics()}`);
      });
      const m = await mine();
      // the stop time is the die event's (buffered during the outage), not the time of the resync
      const stoppedAt = Date.parse(m.get(a)!.stoppedAt!);
      assert.ok(
        stoppedAt >= stoppedDuringOutage - 1_000 && stoppedAt < restartedAt,
        `stoppedAt ${m.get(a)!.stoppedAt} between ${new Date(stoppedDuringOutage).toISOString()} and ${new Date(restartedAt).toISOString()}`,
      );
      assert.match(agent!.output(), /reachable again/);

      // ---- agent outage: SIGKILL the agent; after 2 s of silence its deployments become stale
      await agent!.stop('SIGKILL');
      const killedAt = Date.now();
      await waitFor(
        'deployments stale',
        async () => (await mine()).get(b)?.state === 'stale',
        20_000,
        200,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${diagnostics()}`);
      });
      t.diagnostic(`agent killed → stale after ${Date.now() - killedAt} ms`);
      const stale = await mine();
      assert.equal(stale.get(b)?.state, 'stale');
      assert.equal(stale.get(a)?.state, 'stopped', 'a stopped deployment stays stopped');
      const staleList = (await client!.listDeployments({ host: hostName, state: 'stale' })).items;
      assert.deepEqual(
        staleList.map((d) => d.containerId),
        [b],
      );
      const history = await client!.imageHistory(image.id);
      assert.deepEqual(history.map((d) => d.containerId).sort(), [a, b].sort(), 'history keeps both');

      // ---- the agent comes back: its snapshot makes the container running again
      startAgent();
      await waitFor(
        'running again',
        async () => (await mine()).get(b)?.state === 'running',
        90_000,
        200,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${diagnostics()}`);
      });
      // the same deployment row (no duplicate)
      const again = (await client!.listDeployments({ host: hostName }, { limit: 1000 })).items.filter(
        (d) => d.containerId === b,
      );
      assert.equal(again.length, 1);
    });
  });
}
