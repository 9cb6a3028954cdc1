/**
 * Registry authentication: the `WWW-Authenticate` challenge flow.
 *
 * A request goes out with whatever authorization is already known for its scope (none at first). On a
 * 401 the registry names the scheme: `Basic` (send the credentials) or `Bearer realm=…,service=…,scope=…`
 * (get a token from the realm, then retry). Tokens are cached per scope until shortly before they expire.
 *
 * ref. https://distribution.github.io/distribution/spec/auth/token/ (Docker token authentication)
 * ref. https://distribution.github.io/distribution/spec/auth/oauth/ (refresh tokens from `docker login`)
 * ref. https://www.rfc-editor.org/rfc/rfc9110#name-www-authenticate
 */
import { z } from 'zod';
import { AppError } from '../../errors.js';

export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  /** OAuth2 refresh token (`identitytoken` in config.json), exchanged at the realm for access tokens. */
  | { kind: 'identity-token'; token: string }
  /** A bearer token used as-is (`registrytoken`, or a token given on the command line). */
  | { kind: 'registry-token'; token: string };

export interface Challenge {
  /** Lower-cased scheme: `bearer`, `basic`, … */
  scheme: string;
  params: Record<string, string>;
}

/** Parses one or more challenges: `Bearer realm="https://auth",service="reg",scope="a b", Basic realm="x"`. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const texts = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const out: Challenge[] = [];
  for (const text of texts) {
    // scheme token, or key=value / key="quoted \" value" parameter, separated by commas and spaces
    const re = /\s*,?\s*([!#$%&'*+.^_`|~\w-]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?/gy;
    for (let m = re.exec(text); m !== null && m[0] !== ''; m = re.exec(text)) {
      const [, name = '', quoted, bare] = m;
      if (quoted === undefined && bare === undefined) {
        out.push({ scheme: name.toLowerCase(), params: {} });
      } else {
        const current = out[out.length - 1];
        if (current !== undefined)
          current.params[name.toLowerCase()] = quoted?.replace(/\\(.)/g, '$1') ?? bare ?? '';
      }
    }
  }
  return out;
}

/** Performs one token request; provided by the client so it shares the agent, TLS and retries. */
export type TokenFetcher = (
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  signal?: AbortSignal,
) => Promise<{ status: number; body: Buffer }>;

export interface AuthenticatorOptions {
  /** Registry host as the user wrote it, for messages. */
  host: string;
  credentials?: Credentials;
  fetchToken: TokenFetcher;
  /** Hint added to authentication failures (e.g. the `docker login` advice). */
  hint: string;
}

/** Token endpoint response; `token` and `access_token` are both allowed by the spec. */
const TokenResponse = z
  .object({
    token: z.string().optional(),
    access_token: z.string().optional(),
    expires_in: z.number().optional(),
  })
  .passthrough();

/** Default token lifetime when the server gives none (token spec: "defaults to 60 seconds"). */
const DEFAULT_TOKEN_TTL_S = 60;
/** Refresh tokens a little before they expire so that a request does not race the expiry. */
const TOKEN_EXPIRY_MARGIN_MS = 10_000;
const CLIENT_ID = 'corral';

interface CachedToken {
  header: string;
  expiresAt: number;
}

/**
 * Remembers the scheme a registry asked for and the tokens it issued, per client.
 * @example
 * const auth = new Authenticator({ host, credentials, fetchToken, hint });
 * let header = await auth.header(scope);               // undefined before the first challenge
 * // … on a 401:
 * header = await auth.respond(res.headers['www-authenticate'], scope);
 */
export class Authenticator {
  readonly #opts: AuthenticatorOptions;
  #scheme: 'basic' | 'bearer' | undefined;
  #bearer: { realm: string; service?: string } | undefined;
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<string>>();

  constructor(opts: AuthenticatorOptions) {
    this.#opts = opts;
  }

  /** The `Authorization` header to send up front for `scope`, if one is already known. */
  async header(scope: string, signal?: AbortSignal): Promise<string | undefined> {
    const creds = this.#opts.credentials;
    if (creds?.kind === 'registry-token') return `Bearer ${creds.token}`;
    if (this.#scheme === 'basic') return creds?.kind === 'basic' ? basicHeader(creds) : undefined;
    if (this.#scheme !== 'bearer' || this.#bearer === undefined) return undefined;
    const cached = this.#tokens.get(scope);
    if (cached !== undefined && cached.expiresAt > Date.now()) return cached.header;
    // The realm is known from an earlier challenge: get the token for this new scope before asking.
    return this.#token(scope, undefined, signal);
  }

  /**
   * Answers a 401 challenge. Returns the header to retry with once, or undefined when nothing else can
   * be tried (no credentials for Basic, a rejected static token, an unknown scheme).
   */
  async respond(
    header: string | string[] | undefined,
    scope: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const challenges = parseChallenges(header);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const creds = this.#opts.credentials;
    if (creds?.kind === 'registry-token') return undefined;
    if (bearer !== undefined) {
      const realm = bearer.params.realm;
      if (realm === undefined || realm === '') {
        throw new AppError('REGISTRY_PROTOCOL', `${this.#opts.host} sent a Bearer challenge without a realm`);
      }
      this.#scheme = 'bearer';
      this.#bearer = {
        realm,
        ...(bearer.params.service !== undefined && { service: bearer.params.service }),
      };
      this.#tokens.delete(scope);
      return this.#token(scope, bearer.params.scope, signal);
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      this.#scheme = 'basic';
      return creds?.kind === 'basic' ? basicHeader(creds) : undefined;
    }
    return undefined;
  }

  /** Fetches (once per scope at a time) and caches a bearer token. */
  async #token(scope: string, challengeScope: string | undefined, signal?: AbortSignal): Promise<string> {
    const inFlight = this.#pending.get(scope);
    if (inFlight !== undefined) return inFlight;
    const p = this.#requestToken(scope, challengeScope, signal).finally(() => this.#pending.delete(scope));
    this.#pending.set(scope, p);
    return p;
  }

  async #requestToken(
    scope: string,
    challengeScope: string | undefined,
    signal?: AbortSignal,
  ): Promise<string> {
    const bearer = this.#bearer;
    if (bearer === undefined) throw new Error('bearer realm unknown');
    const scopes = [...new Set([scope, ...(challengeScope?.split(' ') ?? [])].filter((s) => s !== ''))];
    const res = await this.#fetchTokenResponse(bearer, scopes, signal);
    if (res.status === 401 || res.status === 403) {
      throw new AppError(
        'REGISTRY_AUTH_FAILED',
        `${this.#opts.host}: token request for "${scope}" was refused (HTTP ${res.status})`,
        {
          hint: this.#opts.hint,
        },
      );
    }
    if (res.status < 200 || res.status > 299) {
      throw new AppError(
        'REGISTRY_PROTOCOL',
        `${this.#opts.host}: token endpoint ${bearer.realm} answered HTTP ${res.status} for "${scope}"`,
      );
    }
    const parsed = TokenResponse.safeParse(safeJson(res.body));
    const token = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
    if (token === undefined || token === '') {
      throw new AppError(
        'REGISTRY_PROTOCOL',
        `${this.#opts.host}: token endpoint ${bearer.realm} returned no token for "${scope}"`,
      );
    }
    const ttlS =
      parsed.success && parsed.data.expires_in !== undefined ? parsed.data.expires_in : DEFAULT_TOKEN_TTL_S;
    const header = `Bearer ${token}`;
    this.#tokens.set(scope, { header, expiresAt: Date.now() + ttlS * 1000 - TOKEN_EXPIRY_MARGIN_MS });
    return header;
  }

  /** GET with optional Basic credentials, or the OAuth2 refresh-token POST for identity tokens. */
  async #fetchTokenResponse(
    bearer: { realm: string; service?: string },
    scopes: string[],
    signal?: AbortSignal,
  ): Promise<{ status: number; body: Buffer }> {
    const creds = this.#opts.credentials;
    const url = new URL(bearer.realm);
    if (creds?.kind === 'identity-token') {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.token,
        client_id: CLIENT_ID,
      });
      if (bearer.service !== undefined) form.set('service', bearer.service);
      for (const s of scopes) form.append('scope', s);
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      return this.#opts.fetchToken(url, { method: 'POST', headers, body: form.toString() }, signal);
    }
    if (bearer.service !== undefined) url.searchParams.set('service', bearer.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> =
      creds?.kind === 'basic' ? { authorization: basicHeader(creds) } : {};
    return this.#opts.fetchToken(url, { method: 'GET', headers }, signal);
  }
}

export function basicHeader(creds: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    // A non-JSON body is reported by the caller as "returned no token"; the parse error adds nothing.
    return undefined;
  }
}
