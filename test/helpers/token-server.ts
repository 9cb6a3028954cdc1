/**
 * A real Docker registry token server (the "authorization service" of the distribution token spec)
 * built on node:http, for tests against registry C of `scripts/test-env.sh`.
 *
 * ref. https://distribution.github.io/distribution/spec/auth/token/ (GET flow)
 * ref. https://distribution.github.io/distribution/spec/auth/oauth/ (POST flow, refresh tokens)
 * ref. https://distribution.github.io/distribution/spec/auth/jwt/ (token format)
 *
 * docker-registry 2.8 (distribution `registry/auth/token/token.go`) accepts a token when:
 * - `iss` is the configured issuer and `aud` (a plain string in 2.8) the configured service;
 * - `exp`/`nbf` are valid (60 s leeway);
 * - the JOSE header names the signing key either by `kid`, the libtrust key ID of one of the
 *   certificates in `rootcertbundle`, or by an `x5c` chain that verifies against that bundle;
 * - the signature is ES256 in raw `r||s` form (JWS), or RS256.
 * Both header styles are supported here (`keyHeader`), `kid` by default.
 *
 * `scripts/test-env.sh start` already runs one of these (see `token-server-daemon.ts`) on
 * `CORRAL_TEST_TOKEN_REALM_PORT`; tests that need their own behaviour start another one on port 0 and
 * mint tokens for registry C with {@link TokenServer.issueToken}.
 *
 * @example
 * const server = await startTokenServer({ port: 0, keyPath, certPath, issuer, service, users: { alice: 's3cret' } });
 * try {
 *   const res = await fetch(`${server.realm}?service=${service}&scope=repository:app:pull`, {
 *     headers: { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` },
 *   });
 * } finally {
 *   await server.close();
 * }
 */
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One entry of the `access` claim: a resource and the actions granted on it. */
export interface ResourceActions {
  type: string;
  name: string;
  actions: string[];
}

/** Decides which of the requested actions a user gets; the default grants all of them. */
export type Authorize = (user: string | undefined, requested: ResourceActions) => string[];

export interface TokenServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** PEM private key (EC P-256 or RSA) whose certificate is in the registry's `rootcertbundle`. */
  keyPath: string;
  /** PEM certificate of that key (used for `x5c`). */
  certPath: string;
  issuer: string;
  service: string;
  /** user name → password, checked against HTTP basic auth or OAuth2 password grants. */
  users: Readonly<Record<string, string>>;
  /**
   * What a request without credentials gets: `deny` answers 401; `no-access` (default, Docker Hub's
   * behaviour) issues a token with an empty `access` claim; `pull` grants `pull` only.
   */
  anonymous?: 'deny' | 'no-access' | 'pull';
  /** Narrows grants per user; default: every requested action. */
  authorize?: Authorize;
  /** How the JOSE header names the key; default `kid`. */
  keyHeader?: 'kid' | 'x5c';
  /** Token lifetime in seconds; default 300. */
  expiresInSeconds?: number;
}

/** A request the server answered, for assertions. */
export interface TokenRequestRecord {
  method: string;
  /** The authenticated user, or undefined for anonymous requests. */
  user: string | undefined;
  scopes: string[];
  status: number;
}

export interface TokenServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT/token` */
  readonly realm: string;
  /** Every answered request, in order. */
  readonly requests: readonly TokenRequestRecord[];
  /** Answers the next `count` token requests with `status` (fault injection). */
  failNext(status: number, count?: number): void;
  /** Signs a token directly, without HTTP (e.g. to test expiry or foreign scopes). */
  issueToken(subject: string, access: ResourceActions[], opts?: { expiresInSeconds?: number }): string;
  close(): Promise<void>;
}

const DEFAULT_EXPIRES_IN_SECONDS = 300;
/** libtrust key IDs use the first 240 bits of the SHA-256 of the DER public key. */
const LIBTRUST_KEY_ID_BYTES = 30;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const MAX_BODY_BYTES = 64 * 1024;

function base32(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The libtrust key ID of a public key, as docker-registry computes it for `rootcertbundle` entries:
 * base32 of the first 30 bytes of sha256(DER SubjectPublicKeyInfo), in ':'-separated 4-char groups.
 * ref. github.com/docker/libtrust util.go `keyIDFromCryptoKey`, `keyIDEncode`
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest().subarray(0, LIBTRUST_KEY_ID_BYTES);
  return base32(digest)
    .match(/.{1,4}/g)!
    .join(':');
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

interface SigningKey {
  key: KeyObject;
  alg: 'ES256' | 'RS256';
  kid: string;
  x5c: string[];
}

async function loadSigningKey(keyPath: string, certPath: string): Promise<SigningKey> {
  const key = createPrivateKey(await readFile(keyPath));
  const cert = new X509Certificate(await readFile(certPath));
  const type = key.asymmetricKeyType;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`token key ${keyPath}: only EC P-256 (ES256) is supported`);
  }
  if (type !== 'ec' && type !== 'rsa') throw new Error(`token key ${keyPath}: unsupported key type ${type}`);
  if (!cert.checkPrivateKey(key)) throw new Error(`token cert ${certPath} does not match key ${keyPath}`);
  return {
    key,
    alg: type === 'ec' ? 'ES256' : 'RS256',
    kid: libtrustKeyId(cert.publicKey),
    x5c: [cert.raw.toString('base64')],
  };
}

function signJwt(signing: SigningKey, keyHeader: 'kid' | 'x5c', claims: Record<string, unknown>): string {
  const header =
    keyHeader === 'kid'
      ? { typ: 'JWT', alg: signing.alg, kid: signing.kid }
      : { typ: 'JWT', alg: signing.alg, x5c: signing.x5c };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  // JWS ES256 wants the raw r||s signature, not DER.
  const signature = sign('sha256', Buffer.from(input), { key: signing.key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/**
 * Parses `type:name:actions` scopes; several may be space-separated in one parameter. The name may
 * itself contain ':' (e.g. `repository:host:5000/app:pull` from some clients), so split at both ends.
 */
export function parseScopes(raw: readonly string[]): ResourceActions[] {
  const out: ResourceActions[] = [];
  for (const scope of raw.flatMap((s) => s.split(' ')).filter(Boolean)) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || last === first) continue;
    out.push({
      type: scope.slice(0, first),
      name: scope.slice(first + 1, last),
      actions: scope
        .slice(last + 1)
        .split(',')
        .filter(Boolean),
    });
  }
  return out;
}

function basicAuth(req: IncomingMessage): { user: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY_BYTES) throw new Error('token request body too large');
  }
  return new URLSearchParams(body);
}

interface TokenRequest {
  credentials: { user: string; password: string } | { refreshToken: string } | undefined;
  service: string | null;
  scopes: string[];
  offline: boolean;
}

async function parseTokenRequest(req: IncomingMessage, url: URL): Promise<TokenRequest> {
  if (req.method === 'POST') {
    const form = await readForm(req);
    const grant = form.get('grant_type');
    const credentials =
      grant === 'password'
        ? { user: form.get('username') ?? '', password: form.get('password') ?? '' }
        : grant === 'refresh_token'
          ? { refreshToken: form.get('refresh_token') ?? '' }
          : undefined;
    return {
      credentials,
      service: form.get('service'),
      scopes: form.getAll('scope'),
      offline: form.get('access_type') === 'offline',
    };
  }
  return {
    credentials: basicAuth(req),
    service: url.searchParams.get('service'),
    scopes: url.searchParams.getAll('scope'),
    offline: url.searchParams.get('offline_token') === 'true',
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts the token server on 127.0.0.1; see the module comment. */
export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const signing = await loadSigningKey(opts.keyPath, opts.certPath);
  const keyHeader = opts.keyHeader ?? 'kid';
  const anonymous = opts.anonymous ?? 'no-access';
  const authorize: Authorize = opts.authorize ?? ((_user, requested) => requested.actions);
  const lifetime = opts.expiresInSeconds ?? DEFAULT_EXPIRES_IN_SECONDS;
  const requests: TokenRequestRecord[] = [];
  const refreshTokens = new Map<string, string>();
  let failures: { status: number; remaining: number } | undefined;

  const issueToken: TokenServer['issueToken'] = (subject, access, o) => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(signing, keyHeader, {
      iss: opts.issuer,
      sub: subject,
      aud: opts.service,
      exp: now + (o?.expiresInSeconds ?? lifetime),
      nbf: now - 10,
      iat: now,
      jti: randomBytes(16).toString('hex'),
      access,
    });
  };

  /** Returns the user, `null` for anonymous, or `false` for bad credentials. */
  const authenticate = (credentials: TokenRequest['credentials']): string | null | false => {
    if (credentials === undefined) return null;
    if ('refreshToken' in credentials) return refreshTokens.get(credentials.refreshToken) ?? false;
    return opts.users[credentials.user] === credentials.password ? credentials.user : false;
  };

  const grant = (user: string | null, scopes: string[]): ResourceActions[] =>
    parseScopes(scopes)
      .map((r) => {
        if (user !== null) return { ...r, actions: authorize(user, r).filter((a) => r.actions.includes(a)) };
        return { ...r, actions: anonymous === 'pull' ? r.actions.filter((a) => a === 'pull') : [] };
      })
      .filter((r) => r.actions.length > 0);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
    if (url.pathname !== '/token' || (req.method !== 'GET' && req.method !== 'POST')) {
      return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
    }
    const parsed = await parseTokenRequest(req, url);
    const record = (status: number, user: string | undefined): void => {
      requests.push({ method: req.method ?? 'GET', user, scopes: parsed.scopes, status });
    };
    if (failures && failures.remaining > 0) {
      failures.remaining -= 1;
      record(failures.status, undefined);
      return sendJson(res, failures.status, { errors: [{ code: 'INJECTED', message: 'injected failure' }] });
    }
    const user = authenticate(parsed.credentials);
    if (user === false || (user === null && anonymous === 'deny')) {
      record(401, undefined);
      return sendJson(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'www-authenticate': 'Basic realm="corral-test-token"',
        },
      );
    }
    if (parsed.service !== null && parsed.service !== opts.service) {
      record(400, user ?? undefined);
      return sendJson(res, 400, {
        errors: [{ code: 'UNSUPPORTED', message: `unknown service ${parsed.service}` }],
      });
    }
    const token = issueToken(user ?? '', grant(user, parsed.scopes));
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: lifetime,
      issued_at: new Date().toISOString(),
    };
    if (parsed.offline && user !== null) {
      const refresh = randomBytes(24).toString('hex');
      refreshTokens.set(refresh, user);
      body.refresh_token = refresh;
    }
    record(200, user ?? undefined);
    return sendJson(res, 200, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      sendJson(res, 500, { errors: [{ code: 'INTERNAL', message: String(err) }] });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    failNext(status, count = 1) {
      failures = { status, remaining: count };
    },
    issueToken,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
