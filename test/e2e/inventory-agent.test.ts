/**
 * The Docker agent against the real Docker Engine and a real inventory server (in-process fastify app on
 * loopback over a real SQLite store): snapshot, unknown images catalogued from the daemon and pushed,
 * events (stop, rename), buffering through a server outage and the resync after it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DockerAgent, type AgentLog } from '../../src/collect/docker/agent.js';
import { createServerLink } from '../../src/collect/docker/server-link.js';
import { isAppError } from '../../src/errors.js';
import { openInventory } from '../../src/inventory/store.js';
import type { Deployment, InventoryStore } from '../../src/inventory/types.js';
import { createApp } from '../../src/server/app.js';
import { runCli } from '../helpers/cli.js';
import { dockerHost } from '../helpers/env.js';
import {
  docker,
  dockerCleanup,
  loadTestImage,
  E2E_SCOPE_LABEL,
  runContainer,
  waitFor,
  type TestImage,
} from './inventory-fixtures.js';

const host = dockerHost();
const skip = host === undefined ? 'needs the test Docker Engine (CORRAL_TEST_DOCKER_HOST)' : false;

describe('corral agent docker (in-process server, SQLite)', { skip, timeout: 300_000 }, () => {
  const h = host!;
  let work: string;
  let store: InventoryStore;
  let app: FastifyInstance | undefined;
  let port = 0;
  let token: string;
  let web: TestImage;
  let worker: TestImage;
  const containers: string[] = [];
  const suffix = Math.random().toString(36).slice(2, 8);
  const logs: string[] = [];
  const log: AgentLog = { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`) };

  async function startServer(): Promise<void> {
    app = await createApp({ store });
    await app.listen({ host: '127.0.0.1', port });
    port = (app.server.address() as AddressInfo).port;
  }

  async function stopServer(): Promise<void> {
    await app?.close();
    app = undefined;
  }

  function agentFor(
    agentId: string,
    opts: Partial<ConstructorParameters<typeof DockerAgent>[0]> = {},
  ): DockerAgent {
    return new DockerAgent({
      server: createServerLink({ url: `http://127.0.0.1:${port}`, token, agentId }),
      dockerHost: h,
      host: `host-${suffix}`,
      cluster: 'e2e',
      labels: [`${E2E_SCOPE_LABEL}=${suffix}`],
      resyncIntervalMs: 60_000,
      heartbeatIntervalMs: 1_000,
      batchDelayMs: 50,
      retryMinMs: 100,
      retryMaxMs: 400,
      log,
      ...opts,
    });
  }

  async function deployments(state?: Deployment['state']): Promise<Deployment[]> {
    const page = await store.listDeployments(
      { host: `host-${suffix}`, ...(state && { state }) },
      { limit: 1000 },
    );
    return page.items;
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'corral-agent-e2e-'));
    store = await openInventory({ path: join(work, 'inventory.db') });
    token = (await store.createToken('agent-e2e', 'agent')).token;
    web = await loadTestImage(work, h, 'web', '1.0.0');
    worker = await loadTestImage(work, h, 'worker', '2.0.0');
    containers.push(
      await runContainer(h, web.ref, `e2e-web-${suffix}`, {
        'com.docker.compose.project': `shop-${suffix}`,
        'com.docker.compose.service': 'web',
        [E2E_SCOPE_LABEL]: suffix,
      }),
      await runContainer(h, worker.ref, `e2e-worker-${suffix}`, { [E2E_SCOPE_LABEL]: suffix }),
    );
    await startServer();
  });

  after(async () => {
    await stopServer();
    await store?.close();
    await dockerCleanup(
      h,
      containers,
      [web?.ref, worker?.ref].filter((x): x is string => x !== undefined),
    );
    await rm(work, { recursive: true, force: true });
  });

  it('--once reports every running container and pushes the SBOMs of unknown images', async () => {
    const agent = agentFor(`once-${suffix}`);
    const r = await agent.runOnce();
    // other tests may run containers on the same daemon: check ours only
    assert.ok(r.containers >= 2);
    assert.ok(r.unknownDigests.includes(web.id) && r.unknownDigests.includes(worker.id));
    assert.ok(r.pushed.includes(web.id) && r.pushed.includes(worker.id), JSON.stringify(r.failed));

    const mine = await deployments('running');
    const byName = new Map(mine.map((d) => [d.name, d]));
    const w = byName.get(`e2e-web-${suffix}`);
    assert.ok(w, `web container reported: ${mine.map((d) => d.name).join(', ')}`);
    assert.equal(w.imageDigest, web.id);
    assert.equal(w.imageRef, web.ref);
    assert.equal(w.composeProject, `shop-${suffix}`);
    assert.equal(w.composeService, 'web');
    assert.equal(w.cluster, 'e2e');
    assert.equal(w.containerId, containers[0]);
    assert.ok(w.startedAt !== undefined && Date.parse(w.startedAt) > Date.now() - 600_000);
    assert.equal(byName.get(`e2e-worker-${suffix}`)?.imageDigest, worker.id);

    // the pushed SBOM holds the npm package, with the repo tag the daemon knows
    const img = await store.getImage(web.id);
    assert.ok(img, 'image stored under its image ID');
    assert.ok(img.sbom.packages.some((p) => p.name === 'corral-e2e-lib' && p.version === '1.0.0'));
    assert.ok(img.repoTags.includes(web.ref), img.repoTags.join(','));

    // a second run: nothing unknown any more
    const again = await agent.runOnce();
    assert.ok(!again.unknownDigests.includes(web.id) && !again.unknownDigests.includes(worker.id));
  });

  it('corral agent docker --once --json (the CLI, as a child process)', async () => {
    const r = await runCli(
      [
        'agent',
        'docker',
        '--once',
        '--json',
        '--server',
        `http://127.0.0.1:${port}`,
        '--docker-host',
        h,
        '--host-name',
        `cli-host-${suffix}`,
        '--agent-id',
        `cli-${suffix}`,
      ],
      { CORRAL_TOKEN: token },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      agentId: string;
      host: string;
      containers: number;
      pushed: string[];
    };
    assert.equal(out.agentId, `cli-${suffix}`);
    assert.equal(out.host, `cli-host-${suffix}`);
    assert.ok(out.containers >= 2);
    const mine = (await store.listDeployments({ host: `cli-host-${suffix}` }, { limit: 1000 })).items;
    assert.ok(mine.some((d) => d.containerId === containers[0] && d.agentId === `cli-${suffix}`));

    const noToken = await runCli(['agent', 'docker', '--once', '--server', `http://127.0.0.1:${port}`], {
      CORRAL_TOKEN: '',
    });
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /CLI_USAGE.*token/);
    const badInterval = await runCli(
      ['agent', 'docker', '--server', `http://127.0.0.1:${port}`, '--resync-interval', '0'],
      { CORRAL_TOKEN: token },
    );
    assert.equal(badInterval.code, 2);
    assert.match(badInterval.stderr, /--resync-interval/);
  });

  it('a wrong token is a fatal error, not a retry', async () => {
    const agent = new DockerAgent({
      server: createServerLink({ url: `http://127.0.0.1:${port}`, token: 'corral_wrong', agentId: 'x' }),
      dockerHost: h,
      host: `host-${suffix}`,
    });
    await assert.rejects(agent.runOnce(), (err) => isAppError(err, 'API_UNAUTHENTICATED'));
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), 10_000);
    await assert.rejects(agent.run(ac.signal), (err) => isAppError(err, 'API_UNAUTHENTICATED'));
    clearTimeout(t);
  });

  it('follows events (stop, rename, start), buffers through a server outage and resynchronises', async () => {
    const agent = agentFor(`live-${suffix}`);
    const ac = new AbortController();
    const running = agent.run(ac.signal);
    try {
      const webName = `e2e-web-${suffix}`;
      const liveRunning = async (): Promise<Deployment[]> =>
        (await deployments('running')).filter((d) => d.agentId === `live-${suffix}`);
      await waitFor('the first snapshot', async () => (await liveRunning()).some((d) => d.name === webName));

      // docker stop → the die event marks it stopped within seconds
      let t0 = Date.now();
      await docker(h, 'stop', '-t', '0', containers[0]!);
      await waitFor(
        'web stopped',
        async () => !(await liveRunning()).some((d) => d.containerId === containers[0]),
      );
      const stopLatency = Date.now() - t0;
      assert.ok(stopLatency < 5_000, `stop seen after ${stopLatency} ms`);
      const stopped = (await deployments('stopped')).find((d) => d.containerId === containers[0]);
      assert.ok(stopped?.stoppedAt !== undefined, `stoppedAt recorded: ${JSON.stringify(stopped)}`);

      // rename + start are events too
      await docker(h, 'rename', `e2e-worker-${suffix}`, `e2e-worker2-${suffix}`);
      await waitFor('rename', async () =>
        (await liveRunning()).some(
          (d) => d.containerId === containers[1] && d.name === `e2e-worker2-${suffix}`,
        ),
      );
      t0 = Date.now();
      await docker(h, 'start', containers[0]!);
      await waitFor('web running again', async () =>
        (await liveRunning()).some((d) => d.containerId === containers[0]),
      );
      assert.ok(Date.now() - t0 < 5_000, 'start seen within 5 s');

      // server outage: events are buffered, the state is caught up after it comes back
      const failuresBefore = agent.stats.serverFailures;
      await stopServer();
      await docker(h, 'stop', '-t', '0', containers[1]!);
      await waitFor('the agent noticed the outage', async () => agent.stats.serverFailures > failuresBefore);
      await waitFor('the die event buffered', async () => agent.buffered > 0);
      assert.ok(
        (await liveRunning()).some((d) => d.containerId === containers[1]),
        'store still has the old state',
      );
      const syncsBefore = agent.stats.syncs;
      await startServer();
      await waitFor('resync after the outage', async () => agent.stats.syncs > syncsBefore, 15_000);
      await waitFor(
        'worker stopped after resync',
        async () => !(await liveRunning()).some((d) => d.containerId === containers[1]),
      );
      assert.equal(agent.buffered, 0);
      const w = (await deployments('stopped')).find((d) => d.containerId === containers[1]);
      assert.ok(w, 'stopped, not deleted');
      assert.ok(
        logs.some((l) => l.includes('reachable again')),
        logs.join('\n'),
      );
      await waitFor('a heartbeat', async () => agent.stats.heartbeats > 0, 5_000);
    } catch (err) {
      process.stderr.write(`agent log:\n${logs.join('\n')}\nstats ${JSON.stringify(agent.stats)}\n`);
      throw err;
    } finally {
      ac.abort();
      await running;
    }
  });

  it('reconnects to a dropped Docker events stream with backoff and resynchronises', async () => {
    // a loopback TCP proxy in front of the daemon's socket, so the test can cut the agent's connections
    const sockets = new Set<Socket>();
    const proxy = createNetServer((client) => {
      const upstream = connect(h.slice('unix://'.length));
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const agent = agentFor(`proxy-${suffix}`, { dockerHost: `tcp://127.0.0.1:${proxyPort}` });
    const ac = new AbortController();
    const running = agent.run(ac.signal);
    let extra: string | undefined;
    try {
      await waitFor('the first snapshot', async () => agent.stats.syncs > 0);
      const syncs = agent.stats.syncs;
      for (const s of sockets) s.destroy();
      await waitFor('the events stream reopened', async () => agent.stats.dockerReconnects > 0);
      await waitFor('a resync after the reconnect', async () => agent.stats.syncs > syncs);
      // events flow again through the new stream
      extra = await runContainer(h, web.ref, `e2e-extra-${suffix}`, { [E2E_SCOPE_LABEL]: suffix });
      await waitFor('the new container reported', async () =>
        (await deployments('running')).some(
          (d) => d.agentId === `proxy-${suffix}` && d.containerId === extra,
        ),
      );
      assert.ok(
        logs.some((l) => /events stream .* ended|Docker events:/.test(l)),
        logs.join('\n'),
      );
    } finally {
      ac.abort();
      await running;
      proxy.close();
      for (const s of sockets) s.destroy();
      if (extra !== undefined) await dockerCleanup(h, [extra], []);
    }
  });
});
