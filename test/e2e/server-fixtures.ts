/**
 * Shared parts of the inventory-server tests (src/server/*.test.ts, test/e2e/server-*.test.ts,
 * test/e2e/inventory-*.test.ts): a fresh PostgreSQL database per file, the stores to run each suite
 * against, the fixture npm package with hand-made SBOMs and an OSV feed that hits it, a loopback webhook
 * receiver with scripted status codes, and a TLS certificate signed by the test CA.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Sbom } from '../../src/sbom/model.js';
import { postgresUrl, testEnv } from '../helpers/env.js';

const run = promisify(execFile);

/** Creates `corral_srv_<random>` next to $CORRAL_TEST_POSTGRES; `drop()` removes it. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = postgresUrl();
  if (base === undefined) return undefined;
  const name = `corral_srv_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** SQLite path or PostgreSQL URL; undefined when PostgreSQL is not available (the suite skips). */
  target: string | undefined;
  cleanup(): Promise<void>;
}

/** SQLite in a temp dir, and a fresh PostgreSQL database when the test environment has one. */
export async function storeTargets(): Promise<StoreTarget[]> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-srv-'));
  const pgDb = await freshPostgres();
  return [
    {
      name: 'sqlite',
      target: join(dir, 'inventory.db'),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    },
    { name: 'postgres', target: pgDb?.url, cleanup: async () => pgDb?.drop() },
  ];
}

/** The npm package the fixture feed hits: version 1.0.0 is vulnerable, 2.0.0 is fixed. */
export const E2E_PACKAGE = 'corral-e2e-lib';

export function randomDigest(): string {
  return `sha256:${randomBytes(32).toString('hex')}`;
}

/** A minimal but complete Corral SBOM: one npm package `E2E_PACKAGE@libVersion`. */
export function sampleSbom(digest: string, libVersion = '1.0.0', tag = 'registry.example/app:1'): Sbom {
  return {
    schemaVersion: 1,
    image: {
      ref: `registry:${tag}`,
      digest,
      configDigest: randomDigest(),
      repoTags: [tag],
      repoDigests: [],
      platform: 'linux/amd64',
      layers: [{ index: 0, digest: randomDigest(), diffId: randomDigest() }],
    },
    packages: [
      {
        id: `p-${libVersion}`,
        name: E2E_PACKAGE,
        version: libVersion,
        type: 'npm',
        purl: `pkg:npm/${E2E_PACKAGE}@${libVersion}`,
        licenses: ['MIT'],
        locations: [{ path: `/app/node_modules/${E2E_PACKAGE}/package.json`, layerIndex: 0 }],
        cpes: [],
        foundBy: 'npm-package-json',
      },
    ],
    relationships: [],
    unknowns: [],
    createdAt: new Date().toISOString(),
    tool: { name: 'corral', version: '0.1.0' },
  };
}

/**
 * An OSV feed directory `<dir>/osv/` holding one advisory, `ghsa` alias `cve`: it affects `E2E_PACKAGE`
 * below 2.0.0 (critical). A previous feed in `<dir>/osv/` is replaced. Returns the `osv` directory, for
 * `importPath(db, osv, { source: 'osv' })`.
 */
export async function writeOsvFeed(
  dir: string,
  cve: string,
  ghsa = `GHSA-e2e0-${randomBytes(2).toString('hex')}-abcd`,
): Promise<string> {
  const osv = join(dir, 'osv');
  await rm(osv, { recursive: true, force: true });
  await mkdir(osv, { recursive: true });
  await writeFile(
    join(osv, `${ghsa}.json`),
    JSON.stringify({
      schema_version: '1.6.0',
      id: ghsa,
      modified: new Date().toISOString(),
      published: '2026-11-01T00:00:00Z',
      aliases: [cve],
      summary: `Remote code execution in ${E2E_PACKAGE}`,
      details: `${E2E_PACKAGE} before 2.0.0 runs code it should not.`,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [
        {
          package: { ecosystem: 'npm', name: E2E_PACKAGE, purl: `pkg:npm/${E2E_PACKAGE}` },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
        },
      ],
      references: [{ type: 'ADVISORY', url: `https://example.invalid/${cve}` }],
      database_specific: { severity: 'CRITICAL' },
    }),
  );
  return osv;
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A loopback HTTP receiver that records every request, answering the scripted statuses in order (then 200). */
export async function startReceiver(statuses: number[] = []): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const script = [...statuses];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = script.shift() ?? 200;
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status,
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A server certificate for 127.0.0.1/localhost signed by the test CA ($CORRAL_TEST_REGISTRY_CA, key
 * `ca.key` next to it); undefined when the CA is not available.
 */
export async function serverCert(
  dir: string,
): Promise<{ cert: string; key: string; ca: string } | undefined> {
  const caPath = testEnv().CORRAL_TEST_REGISTRY_CA;
  if (caPath === undefined) return undefined;
  const caKey = join(dirname(caPath), 'ca.key');
  const key = join(dir, 'srv.key');
  const csr = join(dir, 'srv.csr');
  const cert = join(dir, 'srv.pem');
  const ext = join(dir, 'srv.ext');
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caPath,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-CAserial',
    join(dir, 'ca.srl'),
    '-out',
    cert,
    '-days',
    '2',
    '-sha256',
    '-extfile',
    ext,
  ]);
  return { cert, key, ca: await readFile(caPath, 'utf8') };
}
