/**
 * A small OCI distribution registry on node:http(s), bound to 127.0.0.1:0, for the unit tests of the
 * registry client and source (`src/image/registry/`, `src/image/source/registry.ts`). It serves real image
 * content built by {@link buildTestImage} and can inject the failures a real registry cannot be made to
 * produce on demand (429/503 bursts, truncated bodies, wrong bytes, redirects to a blob store).
 *
 * The real `distribution` registry (scripts/test-env.sh) is used by the e2e tests; this one only exists to
 * reach the error paths deterministically.
 *
 * ref. https://github.com/opencontainers/distribution-spec/blob/main/spec.md
 * ref. https://distribution.github.io/distribution/spec/auth/token/
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

export interface Blob {
  digest: string;
  bytes: Buffer;
  mediaType: string;
}

export function blobOf(bytes: Buffer | string, mediaType: string): Blob {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return { digest: `sha256:${createHash('sha256').update(b).digest('hex')}`, bytes: b, mediaType };
}

/** A gzipped tar of `files` (path → content), built with tar-stream + zlib. */
export async function gzipTar(files: Record<string, string>): Promise<{ gz: Buffer; tar: Buffer }> {
  const pack = tarPack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644 }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  const tar = Buffer.concat(chunks);
  return { gz: gzipSync(tar), tar };
}

export interface TestImage {
  layers: Blob[];
  diffIds: string[];
  config: Blob;
  manifest: Blob;
}

export interface TestImageOptions {
  architecture?: string;
  variant?: string;
  /** Layer contents; default two small layers. */
  layers?: Record<string, string>[];
  /** Replaces the generated config JSON (for invalid-config tests). */
  configJson?: unknown;
  /** Media type of the manifest: OCI (default) or Docker schema 2. */
  docker?: boolean;
}

/** Builds a complete image: gzipped tar layers, a config with history, and a manifest. */
export async function buildTestImage(opts: TestImageOptions = {}): Promise<TestImage> {
  const specs = opts.layers ?? [{ 'etc/os-release': 'ID=corral\n' }, { 'app/hello.txt': 'hello\n' }];
  const built = await Promise.all(specs.map((files) => gzipTar(files)));
  const layerType = opts.docker
    ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
    : 'application/vnd.oci.image.layer.v1.tar+gzip';
  const layers = built.map((b) => blobOf(b.gz, layerType));
  const diffIds = built.map((b) => blobOf(b.tar, '').digest);
  const configJson = opts.configJson ?? {
    architecture: opts.architecture ?? 'amd64',
    os: 'linux',
    ...(opts.variant !== undefined && { variant: opts.variant }),
    created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/usr/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [
      { created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs.tar /' },
      { created: '2024-01-01T00:00:01Z', created_by: 'ENV PATH=/usr/bin', empty_layer: true },
      { created: '2024-01-01T00:00:02Z', created_by: 'COPY hello.txt /app/', comment: 'buildkit' },
    ],
  };
  const config = blobOf(
    JSON.stringify(configJson),
    opts.docker
      ? 'application/vnd.docker.container.image.v1+json'
      : 'application/vnd.oci.image.config.v1+json',
  );
  const manifestType = opts.docker
    ? 'application/vnd.docker.distribution.manifest.v2+json'
    : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = blobOf(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestType,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.bytes.length })),
    }),
    manifestType,
  );
  return { layers, diffIds, config, manifest };
}

/** An OCI index of `entries` (plus whatever raw descriptors are given, e.g. attestations). */
export function buildIndex(
  entries: { manifest: Blob; platform: Record<string, string> }[],
  extra: object[] = [],
): Blob {
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const manifests = entries.map((e) => ({
    mediaType: e.manifest.mediaType,
    digest: e.manifest.digest,
    size: e.manifest.bytes.length,
    platform: e.platform,
  }));
  return blobOf(
    JSON.stringify({ schemaVersion: 2, mediaType, manifests: [...manifests, ...extra] }),
    mediaType,
  );
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

/** A one-shot (or n-shot) failure: when `match` accepts a request, `respond` answers it instead. */
export interface Fault {
  match: (req: IncomingMessage) => boolean;
  times: number;
  respond: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
}

export type AuthMode =
  | { kind: 'none' }
  | { kind: 'basic'; users: Record<string, string> }
  | {
      kind: 'bearer';
      users: Record<string, string>;
      /** Repositories anyone may pull without credentials. */
      publicRepos?: string[];
      /** The field the token endpoint answers with. */
      tokenField?: 'token' | 'access_token';
      /** Refresh token accepted by the OAuth2 POST flow. */
      identityToken?: string;
    };

export interface LoopbackServer {
  /** `http://127.0.0.1:PORT` (or https). */
  url: string;
  /** `127.0.0.1:PORT`, usable as a registry name in references. */
  host: string;
  requests: RecordedRequest[];
  /** TCP connections accepted so far (TLS handshakes that fail never become requests). */
  connections(): number;
  close(): Promise<void>;
}

export interface LoopbackRegistry extends LoopbackServer {
  auth: AuthMode;
  faults: Fault[];
  /** `repo:reference` → manifest; put a manifest under its tag and its digest. */
  manifests: Map<string, { bytes: Buffer; contentType: string; digestHeader?: string }>;
  blobs: Map<string, Buffer>;
  /** When set, blob GETs are answered 307 to `${blobRedirect}/storage/<digest>`. */
  blobRedirect?: string;
  /** Token endpoint requests (path + query + authorization), for assertions. */
  tokenRequests: RecordedRequest[];
  /** Adds an image's blobs and manifest under `repo:tag` (and by digest). */
  addImage(repo: string, tag: string | undefined, image: TestImage): void;
  addManifest(repo: string, tag: string | undefined, blob: Blob): void;
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

async function listen(
  server: Server,
  tls: boolean,
): Promise<{ url: string; host: string; connections: () => number }> {
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    connections: () => connections,
  };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A blob store standing in for S3/GCS behind registry redirects: serves `/storage/<digest>`. */
export async function startBlobStore(blobs: Map<string, Buffer>): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const digest = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/(storage|foreign)\//, '');
    const body = blobs.get(digest);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' })
      .end(body);
  });
  const addr = await listen(server, false);
  return { ...addr, requests, close: () => closeServer(server) };
}

const SERVICE = 'loopback-registry';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] });
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
}

/**
 * Starts the registry. Pass `tls` to serve HTTPS with that key and certificate.
 * @example
 * const reg = await startLoopbackRegistry({ auth: { kind: 'basic', users: { alice: 'pw' } } });
 * reg.addImage('app', 'v1', await buildTestImage());
 */
export async function startLoopbackRegistry(
  opts: { auth?: AuthMode; tls?: TlsMaterial } = {},
): Promise<LoopbackRegistry> {
  const tokens = new Map<string, Set<string>>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => handle(reg, tokens, req, res);
  const server = opts.tls ? createHttpsServer(opts.tls, handler) : createHttpServer(handler);
  const addr = await listen(server, opts.tls !== undefined);
  const reg: LoopbackRegistry = {
    ...addr,
    requests: [],
    tokenRequests: [],
    auth: opts.auth ?? { kind: 'none' },
    faults: [],
    manifests: new Map(),
    blobs: new Map(),
    close: () => closeServer(server),
    addManifest(repo, tag, blob) {
      const entry = { bytes: blob.bytes, contentType: blob.mediaType };
      reg.manifests.set(`${repo}:${blob.digest}`, entry);
      if (tag !== undefined) reg.manifests.set(`${repo}:${tag}`, entry);
    },
    addImage(repo, tag, image) {
      for (const b of [...image.layers, image.config]) reg.blobs.set(b.digest, b.bytes);
      reg.addManifest(repo, tag, image.manifest);
    },
  };
  return reg;
}

function handle(
  reg: LoopbackRegistry,
  tokens: Map<string, Set<string>>,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  reg.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
  const next = (): void => {
    route(reg, tokens, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'UNKNOWN', { 'x-error': String(err) });
    });
  };
  const fault = reg.faults.find((f) => f.times > 0 && f.match(req));
  if (fault === undefined) return next();
  fault.times--;
  fault.respond(req, res, next);
}

async function route(
  reg: LoopbackRegistry,
  tokens: Map<string, Set<string>>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', reg.url);
  if (url.pathname === '/token') return tokenEndpoint(reg, tokens, req, res, url);
  if (url.pathname === '/v2/' || url.pathname === '/v2') {
    if (!authorize(reg, tokens, req, res, undefined, 'pull')) return;
    res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
    return;
  }
  const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
  if (m === null) return sendError(res, 404, 'NOT_FOUND');
  const [, repo = '', kind, rest = ''] = m;
  const push = req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH';
  if (!authorize(reg, tokens, req, res, repo, push ? 'push' : 'pull')) return;
  if (kind === 'manifests') return manifests(reg, req, res, repo, rest);
  if (rest.startsWith('uploads/')) return uploads(reg, req, res, repo, rest.slice('uploads/'.length), url);
  return blobs(reg, req, res, rest);
}

function authorize(
  reg: LoopbackRegistry,
  tokens: Map<string, Set<string>>,
  req: IncomingMessage,
  res: ServerResponse,
  repo: string | undefined,
  action: 'pull' | 'push',
): boolean {
  const auth = reg.auth;
  const header = req.headers.authorization ?? '';
  if (auth.kind === 'none') return true;
  if (auth.kind === 'basic') {
    const [user = '', pass] = Buffer.from(header.replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    if (header.startsWith('Basic ') && auth.users[user] !== undefined && auth.users[user] === pass)
      return true;
    sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': `Basic realm="${SERVICE}"` });
    return false;
  }
  const access = tokens.get(header.replace(/^Bearer /, ''));
  if (
    header.startsWith('Bearer ') &&
    access !== undefined &&
    (repo === undefined || access.has(`${repo}:${action}`))
  )
    return true;
  const scope =
    repo === undefined ? '' : `,scope="repository:${repo}:${action === 'push' ? 'pull,push' : 'pull'}"`;
  sendError(res, 401, 'UNAUTHORIZED', {
    'www-authenticate': `Bearer realm="${reg.url}/token",service="${SERVICE}"${scope}`,
  });
  return false;
}

/** Docker token spec GET flow (Basic credentials optional) and the OAuth2 refresh-token POST flow. */
async function tokenEndpoint(
  reg: LoopbackRegistry,
  tokens: Map<string, Set<string>>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const auth = reg.auth;
  if (auth.kind !== 'bearer') return sendError(res, 404, 'NOT_FOUND');
  reg.tokenRequests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
  let params = url.searchParams;
  let user: string | undefined;
  if (req.method === 'POST') {
    params = new URLSearchParams((await readBody(req)).toString());
    if (params.get('grant_type') !== 'refresh_token' || params.get('refresh_token') !== auth.identityToken) {
      return sendError(res, 401, 'UNAUTHORIZED');
    }
    user = 'identity';
  } else if (req.headers.authorization?.startsWith('Basic ') === true) {
    const [name = '', pass] = Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':');
    if (auth.users[name] === undefined || auth.users[name] !== pass)
      return sendError(res, 401, 'UNAUTHORIZED');
    user = name;
  }
  if (params.get('service') !== SERVICE) return sendError(res, 400, 'INVALID_SERVICE');
  const granted = new Set<string>();
  for (const scope of params.getAll('scope')) {
    const [, repo = '', actions = ''] = scope.split(':');
    for (const action of actions.split(',')) {
      if (user !== undefined || (action === 'pull' && auth.publicRepos?.includes(repo) === true))
        granted.add(`${repo}:${action}`);
    }
  }
  const token = randomUUID();
  tokens.set(token, granted);
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ [auth.tokenField ?? 'token']: token, expires_in: 300 }));
}

function manifests(
  reg: LoopbackRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  repo: string,
  ref: string,
): Promise<void> | void {
  if (req.method === 'PUT') return putManifest(reg, req, res, repo, ref);
  const m = reg.manifests.get(`${repo}:${ref}`);
  if (m === undefined) return sendError(res, 404, 'MANIFEST_UNKNOWN');
  const digest = m.digestHeader ?? `sha256:${createHash('sha256').update(m.bytes).digest('hex')}`;
  res.writeHead(200, {
    'content-type': m.contentType,
    'content-length': m.bytes.length,
    'docker-content-digest': digest,
  });
  res.end(req.method === 'HEAD' ? undefined : m.bytes);
}

async function putManifest(
  reg: LoopbackRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  repo: string,
  ref: string,
): Promise<void> {
  const bytes = await readBody(req);
  const blob = blobOf(bytes, req.headers['content-type'] ?? '');
  reg.addManifest(repo, ref.includes(':') ? undefined : ref, blob);
  res
    .writeHead(201, {
      location: `/v2/${repo}/manifests/${blob.digest}`,
      'docker-content-digest': blob.digest,
    })
    .end();
}

function blobs(reg: LoopbackRegistry, req: IncomingMessage, res: ServerResponse, digest: string): void {
  const body = reg.blobs.get(digest);
  if (body === undefined) return sendError(res, 404, 'BLOB_UNKNOWN');
  if (reg.blobRedirect !== undefined && req.method === 'GET') {
    res.writeHead(307, { location: `${reg.blobRedirect}/storage/${digest}?signature=s3cr3t` }).end();
    return;
  }
  res.writeHead(200, {
    'content-length': body.length,
    'docker-content-digest': digest,
    'content-type': 'application/octet-stream',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Monolithic upload: POST opens a session, PUT `?digest=` closes it with the whole blob. */
async function uploads(
  reg: LoopbackRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  repo: string,
  id: string,
  url: URL,
): Promise<void> {
  if (req.method === 'POST' && id === '') {
    res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${randomUUID()}`, range: '0-0' }).end();
    return;
  }
  if (req.method !== 'PUT') return sendError(res, 405, 'UNSUPPORTED');
  const bytes = await readBody(req);
  const blob = blobOf(bytes, '');
  if (url.searchParams.get('digest') !== blob.digest) return sendError(res, 400, 'DIGEST_INVALID');
  reg.blobs.set(blob.digest, bytes);
  res
    .writeHead(201, { location: `/v2/${repo}/blobs/${blob.digest}`, 'docker-content-digest': blob.digest })
    .end();
}

/** Self-signed CA + server certificate for 127.0.0.1/localhost, made with the openssl CLI. */
export function makeTlsMaterial(dir: string): TlsMaterial & { caFile: string } {
  const p = (name: string): string => join(dir, name);
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'pipe' });
  };
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=corral test CA',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  run(
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('server.pem'),
    '-days',
    '2',
    '-extfile',
    p('ext.cnf'),
  );
  return {
    key: readFileSync(p('server.key'), 'utf8'),
    cert: readFileSync(p('server.pem'), 'utf8'),
    caFile: p('ca.pem'),
  };
}
