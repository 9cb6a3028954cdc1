/**
 * A small OCI distribution client: manifests and blobs, down and up, with auth, retries and redirects.
 *
 * ref. https://github.com/opencontainers/distribution-spec/blob/main/spec.md
 *
 * Layers of one request, inside out: one HTTP exchange (`#exchange`) → retries on 429/5xx/network errors
 * (`#withRetries`) → redirects, dropping `Authorization` when leaving the registry origin
 * (`#followRedirects`) → the 401 challenge, answered once (`#send`).
 */
import type { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import { AppError } from '../../errors.js';
import { defaultLimits, MiB } from '../limits.js';
import type { RegistryOptions } from '../types.js';
import { Authenticator, type Credentials } from './auth.js';
import { computeDigest } from '../layer/digest.js';
import { assertDigest, isSupportedDigest } from './digest.js';
import { lookupDockerCredentials } from './docker-config.js';
import {
  loginHint,
  statusError,
  summariseErrorBody,
  transportError,
  type RequestContext,
} from './failure.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import {
  DEFAULT_RETRIES,
  DEFAULT_RETRY_BASE_MS,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
  sleep,
  type RetryPolicy,
} from './retry.js';
import { createAgent, isAbortError, isTlsError } from './transport.js';

export interface RegistryClientOptions extends RegistryOptions {
  /** Largest manifest accepted by `getManifest` (default 4 MiB, the `maxManifestBytes` limit). */
  maxManifestBytes?: number;
  /** Environment for the Docker config lookup (`DOCKER_CONFIG`); default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ManifestResponse {
  bytes: Buffer;
  /** `Content-Type` of the answer, or the document's own `mediaType` when the header is generic. */
  mediaType: string;
  /** Digest computed from `bytes` (never taken on trust from a header). */
  digest: string;
}

export interface BlobResponse {
  /** The blob bytes as they arrive; never buffered. */
  body: Readable;
  /** `Content-Length`, when the server sent one. */
  size?: number;
}

export interface BlobInfo {
  digest: string;
  size: number;
}

/** Client for one registry host. Every method takes the repository (`library/alpine`) explicitly. */
export interface RegistryClient {
  /** The registry as written in references (`docker.io`, `localhost:5000`). */
  readonly host: string;
  /** GETs a manifest or index by tag or digest; verifies the digest when pulled by digest or when the registry sent `Docker-Content-Digest`. */
  getManifest(
    repo: string,
    reference: string,
    opts?: CallOptions & { accept?: readonly string[] },
  ): Promise<ManifestResponse>;
  /** Streams a blob, following redirects to blob storage. The caller verifies the digest. */
  getBlob(repo: string, digest: string, opts?: CallOptions): Promise<BlobResponse>;
  /** Reads a small blob (a config) into memory, at most `maxBytes`, and verifies its digest. */
  readBlob(repo: string, digest: string, maxBytes: number, opts?: CallOptions): Promise<Buffer>;
  /** HEADs a blob: its size when present, undefined on 404. */
  headBlob(repo: string, digest: string, opts?: CallOptions): Promise<BlobInfo | undefined>;
  /** Uploads a blob monolithically (POST then PUT); skipped when the registry already has it. */
  putBlob(repo: string, bytes: Uint8Array, opts?: CallOptions): Promise<BlobInfo>;
  /** PUTs a manifest under a tag or its digest; returns the digest of `bytes`. */
  putManifest(
    repo: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    opts?: CallOptions,
  ): Promise<{ digest: string }>;
  /** Streams a blob from an outside URL (descriptor `urls` of foreign layers), without registry credentials. */
  getUrl(url: string, repo: string, opts?: CallOptions): Promise<BlobResponse>;
  /** Closes pooled connections. Idempotent. */
  close(): Promise<void>;
}

/** Docker Hub's API lives on another host than the name users write. */
export function apiHost(host: string): string {
  return host === 'docker.io' || host === 'index.docker.io' ? 'registry-1.docker.io' : host;
}

/** `--username/--password` (or token) first, then the Docker config file. */
export function resolveCredentials(
  host: string,
  opts: RegistryClientOptions,
): { credentials?: Credentials; helper?: string } {
  const given = opts.credentials;
  if (given?.token !== undefined && given.token !== '')
    return { credentials: { kind: 'registry-token', token: given.token } };
  if (given?.username !== undefined && given.username !== '') {
    return { credentials: { kind: 'basic', username: given.username, password: given.password ?? '' } };
  }
  const found = lookupDockerCredentials(host, {
    ...(opts.dockerConfigPath !== undefined && { path: opts.dockerConfigPath }),
    ...(opts.env !== undefined && { env: opts.env }),
  });
  return {
    ...(found?.credentials !== undefined && { credentials: found.credentials }),
    ...(found?.helper !== undefined && found.credentials === undefined && { helper: found.helper }),
  };
}

/**
 * Creates a client for `host`. HTTPS unless `insecure`, in which case HTTPS without verification is tried
 * first and plain HTTP used when the registry does not speak TLS (Docker's insecure-registry rule).
 * @example
 * const client = createRegistryClient('localhost:5000', { caFiles: ['ca.pem'] });
 * const { bytes, mediaType } = await client.getManifest('team/app', '1.0');
 * await client.close();
 */
export function createRegistryClient(host: string, opts: RegistryClientOptions = {}): RegistryClient {
  return new HttpRegistryClient(host, opts);
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
/** Error bodies and token answers are small; anything larger is not read. */
const SMALL_BODY_BYTES = 1 * MiB;

interface Req {
  method: Dispatcher.HttpMethod;
  /** `/v2/…`, or an absolute URL (upload locations, foreign layers). */
  path: string;
  repo: string;
  what: string;
  push?: boolean;
  /** Send no registry credentials at all (foreign URLs). */
  anonymous?: boolean;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Statuses returned to the caller; any other final status throws. */
  ok: readonly number[];
  signal?: AbortSignal | undefined;
}

type Res = Dispatcher.ResponseData;

class HttpRegistryClient implements RegistryClient {
  readonly host: string;
  readonly #apiHost: string;
  readonly #agent: Agent;
  readonly #auth: Authenticator;
  readonly #policy: RetryPolicy;
  readonly #insecure: boolean;
  readonly #maxManifestBytes: number;
  readonly #helper: string | undefined;
  #base: Promise<URL> | undefined;
  #closed = false;

  constructor(host: string, opts: RegistryClientOptions) {
    this.host = host;
    this.#apiHost = apiHost(host);
    this.#insecure = opts.insecure === true;
    // Credentials first: a broken Docker config throws before any connection pool exists.
    const { credentials, helper } = resolveCredentials(host, opts);
    this.#helper = helper;
    this.#auth = new Authenticator({
      host,
      ...(credentials !== undefined && { credentials }),
      hint: loginHint(host, helper),
      fetchToken: (url, init, signal) => this.#fetchToken(url, init, signal),
    });
    this.#policy = {
      retries: opts.retries ?? DEFAULT_RETRIES,
      baseMs: opts.retryBaseMs ?? DEFAULT_RETRY_BASE_MS,
    };
    this.#maxManifestBytes = opts.maxManifestBytes ?? defaultLimits().maxManifestBytes;
    this.#agent = createAgent({
      insecure: this.#insecure,
      ...(opts.caFiles !== undefined && { caFiles: opts.caFiles }),
    });
  }

  async getManifest(
    repo: string,
    reference: string,
    opts: CallOptions & { accept?: readonly string[] } = {},
  ): Promise<ManifestResponse> {
    assertReference(reference);
    const what = `manifest ${reference}`;
    const res = await this.#send({
      method: 'GET',
      path: `/v2/${repo}/manifests/${reference}`,
      repo,
      what,
      headers: { accept: (opts.accept ?? MANIFEST_ACCEPT).join(', ') },
      ok: [200],
      signal: opts.signal,
    });
    const where = `${what} of ${this.host}/${repo}`;
    const bytes = await readCapped(res, this.#maxManifestBytes, where);
    const byDigest = isDigestReference(reference);
    if (byDigest) assertDigest(bytes, reference, where);
    const headerDigest = firstHeader(res.headers['docker-content-digest']);
    // The header is advisory (distribution-spec "Pulling manifests"), but a mismatch means a broken proxy or cache.
    if (headerDigest !== undefined && isSupportedDigest(headerDigest)) {
      assertDigest(bytes, headerDigest, `${where} (Docker-Content-Digest)`);
    }
    const digest = byDigest ? reference : computeDigest(bytes);
    return { bytes, mediaType: manifestMediaType(firstHeader(res.headers['content-type']), bytes), digest };
  }

  async getBlob(repo: string, digest: string, opts: CallOptions = {}): Promise<BlobResponse> {
    const res = await this.#requestBlob('GET', repo, digest, [200], opts);
    return blobResponse(res);
  }

  async getUrl(url: string, repo: string, opts: CallOptions = {}): Promise<BlobResponse> {
    const res = await this.#send({
      method: 'GET',
      path: url,
      repo,
      what: `foreign blob ${url}`,
      anonymous: true,
      ok: [200],
      signal: opts.signal,
    });
    return blobResponse(res);
  }

  async readBlob(repo: string, digest: string, maxBytes: number, opts: CallOptions = {}): Promise<Buffer> {
    const res = await this.#requestBlob('GET', repo, digest, [200], opts);
    const bytes = await readCapped(res, maxBytes, `blob ${digest} of ${this.host}/${repo}`);
    assertDigest(bytes, digest, `blob ${digest} of ${this.host}/${repo}`);
    return bytes;
  }

  async headBlob(repo: string, digest: string, opts: CallOptions = {}): Promise<BlobInfo | undefined> {
    const res = await this.#requestBlob('HEAD', repo, digest, [200, 404], opts);
    await res.body.dump();
    if (res.statusCode === 404) return undefined;
    return { digest, size: Number(firstHeader(res.headers['content-length']) ?? -1) };
  }

  /** ref. distribution-spec "Pushing a blob monolithically" (POST to open a session, PUT with `?digest=`). */
  async putBlob(repo: string, bytes: Uint8Array, opts: CallOptions = {}): Promise<BlobInfo> {
    const digest = computeDigest(bytes);
    const info = { digest, size: bytes.byteLength };
    if ((await this.headBlob(repo, digest, opts)) !== undefined) return info;
    const what = `upload of blob ${digest}`;
    const common = { repo, what, push: true, signal: opts.signal };
    const started = await this.#send({
      ...common,
      method: 'POST',
      path: `/v2/${repo}/blobs/uploads/`,
      ok: [202],
    });
    await started.body.dump();
    const location = firstHeader(started.headers.location);
    if (location === undefined)
      throw new AppError('REGISTRY_PROTOCOL', `${this.host}/${repo}: ${what} got no Location header`);
    const target = new URL(location, await this.#baseUrl(opts.signal));
    target.searchParams.set('digest', digest);
    const headers = { 'content-type': 'application/octet-stream' };
    const done = await this.#send({
      ...common,
      method: 'PUT',
      path: target.href,
      headers,
      body: Buffer.from(bytes),
      ok: [201, 204],
    });
    await done.body.dump();
    return info;
  }

  async putManifest(
    repo: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    opts: CallOptions = {},
  ): Promise<{ digest: string }> {
    assertReference(reference);
    const digest = computeDigest(bytes);
    if (isDigestReference(reference)) assertDigest(bytes, reference, `manifest pushed as ${reference}`);
    const res = await this.#send({
      method: 'PUT',
      path: `/v2/${repo}/manifests/${reference}`,
      repo,
      what: `manifest ${reference}`,
      push: true,
      headers: { 'content-type': mediaType },
      body: Buffer.from(bytes),
      ok: [201, 200, 202],
      signal: opts.signal,
    });
    await res.body.dump();
    return { digest };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.destroy();
  }

  /**
   * `GET` or `HEAD` of `/v2/<repo>/blobs/<digest>`, shared by getBlob, readBlob and headBlob. The digest
   * is checked against the digest grammar before it is spliced into the URL.
   */
  async #requestBlob(
    method: 'GET' | 'HEAD',
    repo: string,
    digest: string,
    ok: readonly number[],
    opts: CallOptions,
  ): Promise<Res> {
    assertDigestReference(digest);
    return this.#send({
      method,
      path: `/v2/${repo}/blobs/${digest}`,
      repo,
      what: `blob ${digest}`,
      ok,
      signal: opts.signal,
    });
  }

  /** Sends with the known authorization; on a 401 answers the challenge and retries exactly once. */
  async #send(req: Req): Promise<Res> {
    if (this.#closed) throw new Error(`registry client for ${this.host} is closed`);
    assertRepository(req.repo);
    const base = await this.#baseUrl(req.signal);
    const url = new URL(req.path, base);
    const ctx: RequestContext = { host: this.host, repo: req.repo, what: req.what };
    const scope = `repository:${req.repo}:${req.push === true ? 'pull,push' : 'pull'}`;
    const authorization = req.anonymous === true ? undefined : await this.#auth.header(scope, req.signal);
    let res = await this.#followRedirects(url, base, req, ctx, authorization);
    if (res.statusCode === 401 && req.anonymous !== true) {
      const challenge = res.headers['www-authenticate'];
      await res.body.dump();
      const retryWith = await this.#auth.respond(challenge, scope, req.signal);
      if (retryWith === undefined) throw statusError(401, ctx, '', this.#helper);
      res = await this.#followRedirects(url, base, req, ctx, retryWith);
    }
    if (req.ok.includes(res.statusCode)) return res;
    const detail = summariseErrorBody(await readErrorBody(res));
    throw statusError(res.statusCode, ctx, detail, this.#helper);
  }

  /**
   * Follows redirects (blob GETs are commonly 307'd to object storage). The registry's `Authorization`
   * is only ever sent to the registry origin: storage URLs carry their own signed credentials and must
   * not see the user's registry token (as Docker and containerd do).
   */
  async #followRedirects(
    start: URL,
    base: URL,
    req: Req,
    ctx: RequestContext,
    authorization: string | undefined,
  ): Promise<Res> {
    let url = start;
    let method = req.method;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...req.headers };
      if (authorization !== undefined && url.origin === base.origin) headers.authorization = authorization;
      const res = await this.#withRetries(
        url,
        { method, headers, body: method === req.method ? req.body : undefined, signal: req.signal },
        ctx,
      );
      const location = firstHeader(res.headers.location);
      if (!REDIRECT_STATUSES.has(res.statusCode) || location === undefined) return res;
      await res.body.dump();
      if (hop >= MAX_REDIRECTS) {
        throw new AppError(
          'REGISTRY_PROTOCOL',
          `too many redirects for ${ctx.what} in ${ctx.host}/${ctx.repo} (last: ${url.href})`,
        );
      }
      if (res.statusCode === 303) method = 'GET';
      url = new URL(location, url);
    }
  }

  /** Retries throttling, server errors and network failures with backoff; returns the last answer. */
  async #withRetries(url: URL, init: Exchange, ctx: RequestContext): Promise<Res> {
    for (let attempt = 0; ; attempt++) {
      let res: Res;
      try {
        res = await this.#exchange(url, init);
      } catch (err) {
        if (isAbortError(err, init.signal)) throw err;
        if (isTlsError(err) || attempt >= this.#policy.retries) throw transportError(err, ctx, url);
        await sleep(retryDelayMs(this.#policy, attempt), init.signal);
        continue;
      }
      if (!isRetryableStatus(res.statusCode) || attempt >= this.#policy.retries) return res;
      const retryAfter = parseRetryAfter(res.headers['retry-after']);
      await res.body.dump();
      await sleep(retryDelayMs(this.#policy, attempt, retryAfter), init.signal);
    }
  }

  async #exchange(url: URL, init: Exchange): Promise<Res> {
    return this.#agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: init.method,
      headers: { 'user-agent': USER_AGENT, ...init.headers },
      ...(init.body !== undefined && { body: init.body }),
      ...(init.signal !== undefined && { signal: init.signal }),
    });
  }

  /**
   * `https://host`, or for insecure registries whichever of HTTPS (unverified) and HTTP answers `GET /v2/`
   * (distribution-spec "Determining support"). The probe is made once per client.
   */
  async #baseUrl(signal?: AbortSignal): Promise<URL> {
    const https = new URL(`https://${this.#apiHost}/`);
    if (!this.#insecure) return https;
    this.#base ??= this.#exchange(new URL('/v2/', https), { method: 'GET', headers: {}, signal }).then(
      async (res) => {
        await res.body.dump();
        return https;
      },
      (err: unknown) => {
        if (isAbortError(err, signal)) {
          this.#base = undefined;
          throw err;
        }
        // Not a TLS endpoint (or unreachable over TLS): an insecure registry may speak plain HTTP.
        return new URL(`http://${this.#apiHost}/`);
      },
    );
    return this.#base;
  }

  async #fetchToken(
    url: URL,
    init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
    signal?: AbortSignal,
  ): Promise<{ status: number; body: Buffer }> {
    // The scope (`repository:NAME:pull`) travels in the query (GET) or the form (POST); NAME is for messages.
    const scope = new URLSearchParams(init.body ?? url.search).get('scope') ?? '';
    const repo = scope.split(':')[1] ?? '';
    const ctx: RequestContext = { host: this.host, repo, what: `token from ${url.host}` };
    const res = await this.#withRetries(
      url,
      {
        method: init.method,
        headers: init.headers,
        body: init.body === undefined ? undefined : Buffer.from(init.body),
        signal,
      },
      ctx,
    );
    const body = await readCapped(res, SMALL_BODY_BYTES, `token answer of ${url.host}`);
    return { status: res.statusCode, body };
  }
}

interface Exchange {
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  signal?: AbortSignal | undefined;
}

/** Registries log it; some (Docker Hub) use it for pull statistics. */
const USER_AGENT = 'corral';

const REPOSITORY_RE = /^[a-z0-9]+(?:(?:[._]|__|-+|\/)[a-z0-9]+)*$/;
const TAG_RE = /^\w[\w.-]{0,127}$/;

/** A digest reference is `algorithm:hex`; tags cannot contain `:`. */
function isDigestReference(reference: string): boolean {
  return reference.includes(':');
}

/**
 * Repository names, tags and digests are spliced into URL paths: anything outside their grammar
 * (distribution-spec "Pulling manifests") is a programming error or hostile input, never sent.
 */
function assertRepository(repo: string): void {
  if (!REPOSITORY_RE.test(repo)) throw new AppError('IMAGE_REF_INVALID', `invalid repository name "${repo}"`);
}

function assertReference(reference: string): void {
  const ok = isDigestReference(reference) ? isSupportedDigest(reference) : TAG_RE.test(reference);
  if (!ok) throw new AppError('IMAGE_REF_INVALID', `invalid tag or unsupported digest "${reference}"`);
}

function assertDigestReference(digest: string): void {
  if (!isSupportedDigest(digest))
    throw new AppError('IMAGE_MANIFEST_INVALID', `invalid or unsupported blob digest "${digest}"`);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function blobResponse(res: Res): BlobResponse {
  const length = firstHeader(res.headers['content-length']);
  return { body: res.body, ...(length !== undefined && { size: Number(length) }) };
}

/**
 * A generic `Content-Type` (some registries and proxies send `application/json`) says nothing: then the
 * document's own `mediaType` field decides, and `schemaVersion: 1` marks a Docker schema 1 manifest.
 */
function manifestMediaType(contentType: string | undefined, bytes: Buffer): string {
  const header = (contentType ?? '').split(';')[0]?.trim() ?? '';
  if (header.startsWith('application/vnd.')) return header;
  let doc: { mediaType?: unknown; schemaVersion?: unknown } | undefined;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    // Left to the manifest parser, which reports invalid JSON with the reference.
    return header;
  }
  if (typeof doc?.mediaType === 'string') return doc.mediaType;
  if (doc?.schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
  return header;
}

/** Reads a whole body of at most `max` bytes; larger ones are refused before or while reading. */
async function readCapped(res: Res, max: number, what: string): Promise<Buffer> {
  const declared = Number(firstHeader(res.headers['content-length']) ?? NaN);
  const tooLarge = (n: number): AppError =>
    new AppError('IMAGE_LIMIT_EXCEEDED', `${what} is ${n} bytes or more, over the ${max}-byte limit`, {
      hint: 'raise limits.maxManifestBytes if this document is legitimate',
    });
  if (declared > max) {
    discard(res);
    throw tooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      discard(res);
      throw tooLarge(total);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Drops a body that will not be read. undici reports the destroy as an `AbortError` event on the body;
 * that event is the expected consequence of our own decision, so it is consumed here.
 */
function discard(res: Res): void {
  res.body.once('error', () => undefined);
  res.body.destroy();
}

/** Reads an error body for its message, tolerating anything (the status code is what matters). */
async function readErrorBody(res: Res): Promise<Buffer> {
  try {
    return await readCapped(res, SMALL_BODY_BYTES, 'error body');
  } catch {
    // An oversized or broken error body must not hide the HTTP status it came with.
    discard(res);
    return Buffer.alloc(0);
  }
}
