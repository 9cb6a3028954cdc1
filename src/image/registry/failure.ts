/**
 * Turns registry answers and transport failures into {@link AppError}s that name the host and the
 * repository and say what to do next.
 *
 * ref. https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes
 */
import { AppError, describeError } from '../../errors.js';
import { isTlsError } from './transport.js';

/** Where a request went and what it was for, e.g. `{ host: 'ghcr.io', repo: 'org/app', what: 'manifest 1.2' }`. */
export interface RequestContext {
  host: string;
  repo: string;
  what: string;
}

/** Advice for 401s; also used for refused token requests. */
export function loginHint(host: string, helper?: string): string {
  const base = `run "docker login ${host}" or pass --username/--password`;
  return helper === undefined
    ? base
    : `${base} (the Docker credential helper "${helper}" is not run by corral; set CORRAL_REGISTRY_USERNAME/PASSWORD)`;
}

/** Maps a final non-success HTTP status to the error users see. `detail` is the registry's error summary. */
export function statusError(status: number, ctx: RequestContext, detail: string, helper?: string): AppError {
  const where = `${ctx.what} in ${ctx.host}/${ctx.repo}`;
  const suffix = detail === '' ? '' : `: ${detail}`;
  if (status === 401) {
    return new AppError('REGISTRY_AUTH_FAILED', `authentication required for ${where} (HTTP 401)${suffix}`, {
      hint: loginHint(ctx.host, helper),
    });
  }
  if (status === 403) {
    return new AppError('REGISTRY_DENIED', `access denied to ${where} (HTTP 403)${suffix}`, {
      hint: `check that the account may access ${ctx.repo} on ${ctx.host}`,
    });
  }
  if (status === 404) {
    return new AppError('IMAGE_NOT_FOUND', `${where} not found (HTTP 404)${suffix}`, {
      hint: 'check the repository name, tag and digest',
    });
  }
  if (status === 429) {
    return new AppError(
      'REGISTRY_UNAVAILABLE',
      `${ctx.host} is rate limiting requests for ${where}${suffix}`,
      {
        hint: 'wait and retry; logging in often raises the limit (Docker Hub limits anonymous pulls)',
      },
    );
  }
  if (status >= 500) {
    return new AppError(
      'REGISTRY_UNAVAILABLE',
      `${ctx.host} failed to serve ${where} (HTTP ${status})${suffix}`,
      {
        hint: 'the registry is having trouble; retry later or raise --retries',
      },
    );
  }
  return new AppError('REGISTRY_PROTOCOL', `${ctx.host} answered HTTP ${status} for ${where}${suffix}`);
}

/** Maps a transport failure (no HTTP answer at all) to `REGISTRY_TLS` or `REGISTRY_UNAVAILABLE`. */
export function transportError(err: unknown, ctx: RequestContext, url: URL): AppError {
  if (isTlsError(err)) {
    return new AppError(
      'REGISTRY_TLS',
      `TLS failure talking to ${url.host} for ${ctx.what} in ${ctx.host}/${ctx.repo}: ${describeError(err)}`,
      {
        hint: 'trust the registry CA with --ca-file PEM, or (for a test registry only) use --insecure',
        cause: err,
      },
    );
  }
  return new AppError(
    'REGISTRY_UNAVAILABLE',
    `cannot reach ${url.host} for ${ctx.what} in ${ctx.host}/${ctx.repo}: ${describeError(err)}`,
    {
      hint: 'check the registry address and your network or proxy',
      cause: err,
    },
  );
}

/**
 * Summarises a distribution-spec error body (`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}`)
 * as `MANIFEST_UNKNOWN: manifest unknown`; other bodies are ignored.
 */
export function summariseErrorBody(body: Buffer): string {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    // Not JSON (an HTML error page from a proxy, say): the status code alone is reported.
    return '';
  }
  const errors = (json as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return '';
  return errors
    .slice(0, 3)
    .map((e: { code?: unknown; message?: unknown }) =>
      [e.code, e.message].filter((x) => typeof x === 'string').join(': '),
    )
    .filter((s) => s !== '')
    .join('; ');
}
