/**
 * HTTP client of the inventory API (undici), used by the CLI (`corral push|where|ls|summary`) and
 * reusable by agents. Server errors come back as {@link AppError}s with the server's code when it is
 * one of ours (API_FORBIDDEN…), so CLI exit codes and hints carry through.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { detectCi, summariseEnv } from '../attest/provenance.js';
import { AppError, ERROR_CODES, describeError, type ErrorCode } from '../errors.js';
import type {
  Alert,
  BuildProvenance,
  Deployment,
  DeploymentEvent,
  DeploymentSnapshot,
  FleetSummary,
  ImageSummary,
  Page,
  PageRequest,
  Platform,
  PushInput,
  PushOutcome,
  SyncOutcome,
  WhereImage,
  WhereQuery,
} from '../inventory/types.js';
import type { Sbom } from '../sbom/model.js';

export interface ClientOptions {
  /** `http(s)://host:port` (a path prefix is kept). */
  url: string;
  token?: string;
  /** PEM CA bundle to trust for an https server with a private CA. */
  ca?: string | Buffer;
  timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

function serverCode(code: unknown): ErrorCode | undefined {
  return typeof code === 'string' && code in ERROR_CODES ? (code as ErrorCode) : undefined;
}

export class CorralClient {
  readonly #base: URL;
  readonly #token: string | undefined;
  readonly #dispatcher: Dispatcher | undefined;
  readonly #timeout: number;

  constructor(opts: ClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.url);
      if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new AppError('CLI_USAGE', `invalid server URL "${opts.url}"`, {
        hint: 'use e.g. --server https://corral.example:8080 (or set CORRAL_SERVER)',
      });
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#base = base;
    this.#token = opts.token;
    this.#timeout = opts.timeoutMs ?? 120_000;
    this.#dispatcher = opts.ca !== undefined ? new Agent({ connect: { ca: opts.ca } }) : undefined;
  }

  get url(): string {
    return this.#base.toString();
  }

  async close(): Promise<void> {
    await this.#dispatcher?.close();
  }

  /** One request; JSON in and out; non-2xx → AppError. */
  async call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    opts: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.#base);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(opts.body);
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method,
        headers,
        ...(payload !== undefined && { body: payload }),
        headersTimeout: this.#timeout,
        bodyTimeout: this.#timeout,
        ...(this.#dispatcher !== undefined && { dispatcher: this.#dispatcher }),
      });
    } catch (err) {
      throw new AppError(
        'SERVER_UNREACHABLE',
        `cannot reach the Corral server at ${this.#base.origin}: ${describeError(err)}`,
        {
          hint: 'check --server / CORRAL_SERVER and that "corral server" is running (an https server with a private CA needs --ca)',
          cause: err,
        },
      );
    }
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      if (json === undefined && text !== '')
        throw new AppError(
          'SERVER_UNREACHABLE',
          `${method} ${url.pathname}: the server did not answer JSON`,
          {
            hint: 'is --server the URL of a Corral server?',
          },
        );
      return json as T;
    }
    const e = (json as { error?: { code?: unknown; message?: unknown; hint?: unknown } } | undefined)?.error;
    const message = typeof e?.message === 'string' ? e.message : `HTTP ${res.statusCode}`;
    const hint = typeof e?.hint === 'string' ? e.hint : undefined;
    const code =
      serverCode(e?.code) ??
      (res.statusCode === 401
        ? 'API_UNAUTHENTICATED'
        : res.statusCode === 403
          ? 'API_FORBIDDEN'
          : res.statusCode === 404
            ? 'API_NOT_FOUND'
            : 'SERVER_ERROR');
    throw new AppError(code, `${method} ${url.pathname}: ${message}`, {
      ...(hint !== undefined
        ? { hint }
        : res.statusCode === 401 && { hint: 'pass --token or set CORRAL_TOKEN' }),
    });
  }

  push(input: PushInput): Promise<PushOutcome> {
    return this.call('POST', 'api/v1/images', { body: input });
  }

  listImages(page: PageRequest = {}): Promise<Page<ImageSummary>> {
    return this.call('GET', 'api/v1/images', { query: { ...page } });
  }

  getImage(digest: string): Promise<ImageSummary & { sbom: Sbom }> {
    return this.call('GET', `api/v1/images/${encodeURIComponent(digest)}`);
  }

  async imageHistory(digest: string): Promise<Deployment[]> {
    const r = await this.call<{ deployments: Deployment[] }>(
      'GET',
      `api/v1/images/${encodeURIComponent(digest)}/history`,
    );
    return r.deployments;
  }

  listDeployments(
    filter: { host?: string; state?: string; image?: string } = {},
    page: PageRequest = {},
  ): Promise<Page<Deployment>> {
    return this.call('GET', 'api/v1/deployments', { query: { ...filter, ...page } });
  }

  async where(q: WhereQuery): Promise<WhereImage[]> {
    const r = await this.call<{ images: WhereImage[] }>('GET', 'api/v1/where', {
      query: {
        vulnerability: q.vulnerability,
        purl: q.purl,
        range: q.versionRange,
        running: q.running === true ? 'true' : undefined,
      },
    });
    return r.images;
  }

  summary(): Promise<FleetSummary> {
    return this.call('GET', 'api/v1/summary');
  }

  listAlerts(page: PageRequest = {}): Promise<Page<Alert>> {
    return this.call('GET', 'api/v1/alerts', { query: { ...page } });
  }

  /** Agent: the full list of containers it sees now. */
  syncDeployments(snapshot: DeploymentSnapshot): Promise<SyncOutcome> {
    const { agentId, ...body } = snapshot;
    return this.call('PUT', `api/v1/agents/${encodeURIComponent(agentId)}/deployments`, { body });
  }

  /** Agent: container events since the last snapshot. */
  sendEvents(
    agentId: string,
    body: { platform: Platform; host: string; events: DeploymentEvent[] },
  ): Promise<SyncOutcome> {
    return this.call('POST', `api/v1/agents/${encodeURIComponent(agentId)}/events`, { body });
  }

  async heartbeat(agentId: string, at = new Date().toISOString()): Promise<void> {
    await this.call('POST', `api/v1/agents/${encodeURIComponent(agentId)}/heartbeat`, { body: { at } });
  }
}

/** Who built the image, from the CI variables of `env` (GitHub Actions, GitLab CI, Jenkins); undefined outside CI. */
export function provenanceFromCiEnv(env: NodeJS.ProcessEnv = process.env): BuildProvenance | undefined {
  if (detectCi(env) === undefined) return undefined;
  const s = summariseEnv(env);
  const p: BuildProvenance = { builder: s.builderId };
  if (s.sourceRepository !== undefined) p.repository = s.sourceRepository;
  if (s.commit !== undefined) p.commit = s.commit;
  if (s.sourceRef !== undefined) p.ref = s.sourceRef;
  if (s.workflow !== undefined) p.pipeline = s.workflow;
  if (s.invocationUrl !== undefined) p.runUrl = s.invocationUrl;
  if (s.triggeredBy !== undefined) p.actor = s.triggeredBy;
  return p;
}

/** `--server`/`--token` flags, else CORRAL_SERVER / CORRAL_TOKEN / CORRAL_SERVER_CA. */
export function clientFromEnv(
  flags: { server?: string; token?: string; ca?: string },
  env: NodeJS.ProcessEnv = process.env,
  readCa: (path: string) => Buffer,
): CorralClient {
  const url = flags.server ?? env.CORRAL_SERVER;
  if (url === undefined || url === '')
    throw new AppError('CLI_USAGE', 'no Corral server given', {
      hint: 'pass --server URL or set CORRAL_SERVER',
    });
  const token = flags.token ?? (env.CORRAL_TOKEN !== '' ? env.CORRAL_TOKEN : undefined);
  const caPath = flags.ca ?? (env.CORRAL_SERVER_CA !== '' ? env.CORRAL_SERVER_CA : undefined);
  return new CorralClient({
    url,
    ...(token !== undefined && { token }),
    ...(caPath !== undefined && { ca: readCa(caPath) }),
  });
}

/** The push body for an SBOM (+ scan findings), with CI provenance and extra tags. */
export function buildPushInput(
  parts: {
    sbom: Sbom;
    findings?: PushInput['findings'];
    db?: PushInput['db'];
    policy?: PushInput['policy'];
    repoTags?: string[];
  },
  env: NodeJS.ProcessEnv = process.env,
): PushInput {
  if (parts.sbom.image.digest === undefined)
    throw new AppError(
      'PUSH_INPUT_INVALID',
      `the SBOM of ${parts.sbom.image.ref || 'this image'} has no image digest`,
      {
        hint: 'the inventory keys images by digest: scan an image (registry, archive, OCI layout, daemon), not a directory',
      },
    );
  const provenance = provenanceFromCiEnv(env);
  return {
    sbom: parts.sbom,
    ...(parts.findings !== undefined && { findings: parts.findings }),
    ...(parts.db !== undefined && { db: parts.db }),
    ...(parts.policy !== undefined && { policy: parts.policy }),
    ...(provenance !== undefined && { provenance }),
    ...(parts.repoTags !== undefined && parts.repoTags.length > 0 && { repoTags: parts.repoTags }),
  };
}
