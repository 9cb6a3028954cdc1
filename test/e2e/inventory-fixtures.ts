/**
 * Shared parts of the inventory end-to-end tests (issue 7): the inventory database of a suite, runnable
 * images built in the test and loaded into the real Docker Engine, containers, HMAC checks, polling,
 * and `corral server` / `corral agent` child processes. The fixture package, its OSV feed and the
 * webhook receiver are in server-fixtures.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { catalogImage } from '../../src/catalog/run.js';
import { defaultLimits, openImage } from '../../src/image/index.js';
import { openInventory } from '../../src/inventory/store.js';
import type { Role } from '../../src/inventory/types.js';
import { buildDockerArchive, buildOciLayout, dockerLoad, runTool } from '../helpers/build-image.js';
import { debianRootFiles, npmPackageFiles } from './image-files.js';
import type { LoadPlan, LoadResult } from './inventory-load.js';
import { E2E_PACKAGE, freshPostgres } from './server-fixtures.js';

export const BUSYBOX = '/bin/busybox';

export interface TestInventory<Name extends string = string> {
  /** What `corral server --database` takes: the SQLite file or the PostgreSQL URL. */
  database: string;
  /** The API token created for each requested token name. */
  tokens: Record<Name, string>;
  /** Drops the PostgreSQL database; nothing for SQLite (the file goes with the suite's work dir). */
  drop(): Promise<void>;
}

/**
 * The inventory database a suite runs against, with its API tokens created before any server starts:
 * `<work>/inventory.db` for `sqlite`, a fresh database for `postgres` (undefined when the test
 * environment has no PostgreSQL: the test then skips, or fails under `CI=true`). `tokens` maps each
 * token name to its role.
 *
 * @example
 * const inv = await createTestInventory(work, 'postgres', { 'e2e-agent': 'agent', 'e2e-viewer': 'viewer' });
 * if (inv === undefined) return;
 * await startServerProcess({ database: inv.database });
 * startAgentProcess({ token: inv.tokens['e2e-agent'], … });
 */
export async function createTestInventory<const Name extends string>(
  work: string,
  dialect: 'sqlite' | 'postgres',
  tokens: Record<Name, Role>,
): Promise<TestInventory<Name> | undefined> {
  let database = join(work, 'inventory.db');
  let drop = async (): Promise<void> => {};
  if (dialect === 'postgres') {
    const pgDb = await freshPostgres();
    if (pgDb === undefined) return undefined;
    database = pgDb.url;
    drop = () => pgDb.drop();
  }
  try {
    const store = await openInventory(database);
    try {
      const created = {} as Record<Name, string>;
      for (const [name, role] of Object.entries(tokens) as [Name, Role][]) {
        created[name] = (await store.createToken(name, role)).token;
      }
      return { database, tokens: created, drop };
    } finally {
      await store.close();
    }
  } catch (err) {
    await drop();
    throw err;
  }
}

export interface TestImage {
  ref: string;
  /** Image ID (config digest), as containers report it. */
  id: string;
  libVersion: string;
}

/**
 * Builds a runnable image (static busybox + one node_modules package) as a docker archive and loads it.
 * A random marker file makes its ID unique to this run.
 */
export async function loadTestImage(
  work: string,
  host: string,
  name: string,
  libVersion: string,
): Promise<TestImage> {
  const busybox = await readFile(BUSYBOX);
  const tag = `corral-e2e/${name}:${randomBytes(4).toString('hex')}`;
  const file = join(work, `${name}-${libVersion}.tar`);
  const built = await buildDockerArchive(file, {
    repoTags: [tag],
    config: { config: { Cmd: [BUSYBOX, 'sleep', '3600'] } },
    layers: [
      {
        createdBy: 'COPY busybox /bin/',
        files: [
          { path: '/bin/', type: 'dir' },
          { path: BUSYBOX, content: busybox, mode: 0o755 },
          { path: '/etc/', type: 'dir' },
          { path: '/etc/corral-e2e-marker', content: randomBytes(16).toString('hex') },
        ],
      },
      {
        createdBy: 'COPY . /app',
        files: npmPackageFiles(E2E_PACKAGE, libVersion),
      },
    ],
  });
  await dockerLoad(host, file);
  return { ref: tag, id: built.images[0]!.configDigest, libVersion };
}

export async function docker(host: string, ...args: string[]): Promise<string> {
  return (await runTool('docker', ['-H', host, ...args])).stdout.trim();
}

/**
 * The label that scopes a test's containers: test files run in parallel on one daemon, so each test's
 * agent reports only its own containers (`--label corral.e2e.scope=<suffix>`).
 */
export const E2E_SCOPE_LABEL = 'corral.e2e.scope';

/** `docker run -d --network none`; returns the full container ID. */
export async function runContainer(
  host: string,
  image: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const l = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  return docker(host, 'run', '-d', '--network', 'none', '--name', name, ...l, image);
}

/** Removes containers and images, ignoring what is already gone. */
export async function dockerCleanup(host: string, containers: string[], images: string[]): Promise<void> {
  if (containers.length > 0) await docker(host, 'rm', '-f', ...containers).catch(() => '');
  if (images.length > 0) await docker(host, 'rmi', '-f', ...images).catch(() => '');
}

/** True when `header` is `sha256=<hex HMAC-SHA256(secret, body)>`. */
export function validSignature(secret: string, body: string, header: string | string[] | undefined): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return header === expected;
}

/** Polls `fn` until it returns a value that is not undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------------
// child processes: `corral server`, `corral agent docker`

const ROOT = join(import.meta.dirname, '..', '..');
const CLI_ENTRY = join(ROOT, 'test', 'helpers', 'cli-entry.ts');

export interface CorralProcess {
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Spawns the real CLI (`node --import tsx`), as a separate process. */
export function spawnCorral(args: readonly string[], env: Record<string, string> = {}): CorralProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    output: () => out,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface ServerProcess extends CorralProcess {
  url: string;
  port: number;
}

/** `corral server --database D --listen 127.0.0.1:PORT …`, resolved once `/healthz` answers. */
export async function startServerProcess(opts: {
  database: string;
  port?: number;
  vulndb?: string;
  webhook?: { url: string; secret: string };
  staleAfter?: string;
  extra?: string[];
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const p = spawnCorral(
    [
      'server',
      '--database',
      opts.database,
      '--listen',
      `127.0.0.1:${port}`,
      '--log-level',
      'warn',
      ...(opts.vulndb !== undefined ? ['--vulndb', opts.vulndb] : []),
      ...(opts.webhook ? ['--webhook', opts.webhook.url, '--webhook-secret', opts.webhook.secret] : []),
      ...(opts.staleAfter !== undefined ? ['--agent-stale-after', opts.staleAfter] : []),
      ...(opts.extra ?? []),
    ],
    opts.env,
  );
  const url = `http://127.0.0.1:${port}`;
  let exitedEarly: number | string | undefined;
  void p.exited.then((c) => (exitedEarly = c));
  await waitFor(
    `corral server on ${url}`,
    async () => {
      if (exitedEarly !== undefined) throw new Error(`corral server exited (${exitedEarly}): ${p.output()}`);
      const res = await fetch(`${url}/healthz`);
      return res.ok;
    },
    90_000,
    200,
  ).catch((err: unknown) => {
    p.child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${p.output()}`, { cause: err });
  });
  return { ...p, url, port };
}

/** `corral agent docker` as a child process (long-running unless `--once` is in `extra`). */
export function startAgentProcess(opts: {
  server: string;
  token: string;
  dockerHost: string;
  hostName: string;
  agentId?: string;
  extra?: string[];
}): CorralProcess {
  return spawnCorral(
    [
      'agent',
      'docker',
      '--server',
      opts.server,
      '--docker-host',
      opts.dockerHost,
      '--host-name',
      opts.hostName,
      ...(opts.agentId !== undefined ? ['--agent-id', opts.agentId] : []),
      ...(opts.extra ?? []),
    ],
    { CORRAL_TOKEN: opts.token },
  );
}

// ---------------------------------------------------------------------------------------------------
// real SBOMs and the load generator process

/**
 * Catalogues a real image (this machine's Debian dpkg status database and os-release, about 800
 * packages, plus `E2E_PACKAGE@1.0.0`) with the real catalogers and writes its SBOM as JSON.
 */
export async function writeRealSbom(work: string): Promise<{ file: string; packages: number }> {
  const layout = join(work, 'real-layout');
  await buildOciLayout(layout, {
    tag: 'v1',
    layers: [
      { files: debianRootFiles(await readFile('/var/lib/dpkg/status'), await readFile('/etc/os-release')) },
      { files: npmPackageFiles(E2E_PACKAGE, '1.0.0') },
    ],
  });
  const limits = defaultLimits();
  const image = await openImage(`oci-layout:${layout}:v1`, { limits });
  try {
    const sbom = await catalogImage(image, { limits });
    const file = join(work, 'real-sbom.json');
    await writeFile(file, JSON.stringify(sbom));
    return { file, packages: sbom.packages.length };
  } finally {
    await image.close();
  }
}

const LOAD_SCRIPT = join(ROOT, 'test', 'e2e', 'inventory-load.ts');

/** Runs the load generator in its own process; `onResult` sees each push as its answer arrives. */
export async function runLoadProcess(
  work: string,
  plan: LoadPlan,
  onResult: (r: LoadResult) => void = () => {},
): Promise<LoadResult[]> {
  const planFile = join(work, `load-plan-${randomBytes(4).toString('hex')}.json`);
  await writeFile(planFile, JSON.stringify(plan));
  const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, planFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const results: LoadResult[] = [];
  let pending = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as LoadResult;
      results.push(r);
      onResult(r);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`load generator exited ${code}: ${stderr}`);
  return results;
}
