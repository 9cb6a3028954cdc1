/**
 * The agent's side of the inventory HTTP API (agent endpoints + image push), with errors sorted into
 * "retry later" (`SERVER_UNREACHABLE`: no connection, timeout, 5xx) and "fatal" (401/403) and "this
 * request is bad" (400/413/422).
 */
import { Agent, fetch, type Dispatcher } from 'undici';
import { AppError, describeError, type ErrorCode } from '../../errors.js';
import type {
  ContainerReport,
  DeploymentEvent,
  Platform,
  PushInput,
  PushOutcome,
  SyncOutcome,
} from '../../inventory/types.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const PUSH_TIMEOUT_MS = 300_000;

/** What the agent asks of the server; {@link createServerLink} is the HTTP implementation. */
export interface ServerLink {
  readonly display: string;
  syncDeployments(body: {
    platform: Platform;
    host: string;
    cluster?: string;
    containers: ContainerReport[];
    at: string;
  }): Promise<SyncOutcome>;
  sendEvents(body: { platform: Platform; host: string; events: DeploymentEvent[] }): Promise<SyncOutcome>;
  heartbeat(at: string): Promise<void>;
  pushImage(input: PushInput): Promise<PushOutcome>;
}

export interface ServerLinkOptions {
  url: string;
  token: string;
  agentId: string;
  /** PEM CA bundle to trust for an https server with a private CA. */
  ca?: string | Buffer;
  timeoutMs?: number;
}

/** True for failures worth retrying later (server down, restarting, overloaded). */
export function isRetryable(err: unknown): boolean {
  return err instanceof AppError && (err.code === 'SERVER_UNREACHABLE' || err.code === 'SERVER_ERROR');
}

function statusCode(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'API_BAD_REQUEST';
    case 401:
      return 'API_UNAUTHENTICATED';
    case 403:
      return 'API_FORBIDDEN';
    case 404:
      return 'API_NOT_FOUND';
    case 413:
      return 'API_PAYLOAD_TOO_LARGE';
    default:
      return status >= 500 ? 'SERVER_UNREACHABLE' : 'SERVER_ERROR';
  }
}

function hintFor(code: ErrorCode): string | undefined {
  if (code === 'API_UNAUTHENTICATED') return 'pass a valid token with --token or CORRAL_TOKEN';
  if (code === 'API_FORBIDDEN')
    return 'the agent needs a token with role "agent": corral token create --role agent';
  if (code === 'API_NOT_FOUND') return 'is --server the base URL of a corral server?';
  return undefined;
}

export function createServerLink(opts: ServerLinkOptions): ServerLink {
  let base: URL;
  try {
    base = new URL(opts.url.endsWith('/') ? opts.url : `${opts.url}/`);
  } catch (err) {
    throw new AppError('CLI_USAGE', `--server "${opts.url}" is not a URL`, {
      hint: 'e.g. --server https://corral.example:8443',
      cause: err,
    });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new AppError('CLI_USAGE', `--server "${opts.url}": only http and https are supported`);
  const dispatcher: Dispatcher | undefined =
    opts.ca !== undefined ? new Agent({ connect: { ca: opts.ca } }) : undefined;
  const agentPath = `api/v1/agents/${encodeURIComponent(opts.agentId)}`;

  async function call<T>(method: string, path: string, body: unknown, timeoutMs?: number): Promise<T> {
    const url = new URL(path, base);
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${opts.token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        ...(dispatcher !== undefined && { dispatcher }),
      });
    } catch (err) {
      throw new AppError('SERVER_UNREACHABLE', `cannot reach ${base.origin}: ${describeError(err)}`, {
        cause: err,
        hint: 'is the corral server running and --server right?',
      });
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      let hint: string | undefined;
      try {
        const e = (JSON.parse(text) as { error?: { message?: string; hint?: string } }).error;
        if (e?.message !== undefined) message = `${message}: ${e.message}`;
        hint = e?.hint;
      } catch {
        if (text !== '') message = `${message}: ${text.slice(0, 200)}`;
      }
      const code = statusCode(res.status);
      const h = hint ?? hintFor(code);
      throw new AppError(code, `${method} ${url.pathname}: ${message}`, h === undefined ? {} : { hint: h });
    }
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new AppError('SERVER_ERROR', `${method} ${url.pathname}: the answer is not JSON`, { cause: err });
    }
  }

  const outcome = (o: SyncOutcome | undefined): SyncOutcome => ({
    unknownDigests: Array.isArray(o?.unknownDigests)
      ? o.unknownDigests.filter((d): d is string => typeof d === 'string')
      : [],
  });

  return {
    display: base.origin,
    async syncDeployments(body) {
      return outcome(await call<SyncOutcome>('PUT', `${agentPath}/deployments`, body));
    },
    async sendEvents(body) {
      return outcome(await call<SyncOutcome>('POST', `${agentPath}/events`, body));
    },
    async heartbeat(at) {
      await call<unknown>('POST', `${agentPath}/heartbeat`, { at });
    },
    async pushImage(input) {
      return call<PushOutcome>('POST', 'api/v1/images', input, PUSH_TIMEOUT_MS);
    },
  };
}
