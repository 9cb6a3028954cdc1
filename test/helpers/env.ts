/**
 * Access to the services started by `scripts/test-env.sh start` (see that script for what each is).
 *
 * A missing variable means the service could not be started. Outside CI the test is skipped with a
 * message naming the variable; with `CI=true` it is a failure (a skip must never hide a broken
 * environment in CI, see CONVENTIONS.md 2.6).
 *
 * @example
 * test('pulls from the authenticated registry', async (t) => {
 *   const reg = registry(t);
 *   if (!reg) return; // skipped
 *   await pushToRegistry(layout, 'v1', `${reg.host}/app:v1`, { creds: reg, caFile: reg.caFile });
 * });
 */

/** Every variable `scripts/test-env.sh start` may export. */
export const TEST_ENV_VARS = [
  'CORRAL_TEST_ENV_DIR',
  'CORRAL_TEST_DOCKER_HOST',
  'CORRAL_TEST_REGISTRY_CA',
  'CORRAL_TEST_REGISTRY',
  'CORRAL_TEST_REGISTRY_USER',
  'CORRAL_TEST_REGISTRY_PASSWORD',
  'CORRAL_TEST_REGISTRY_PLAIN',
  'CORRAL_TEST_REGISTRY_TOKEN',
  'CORRAL_TEST_TOKEN_REALM_PORT',
  'CORRAL_TEST_TOKEN_KEY',
  'CORRAL_TEST_TOKEN_CERT',
  'CORRAL_TEST_TOKEN_ISSUER',
  'CORRAL_TEST_TOKEN_SERVICE',
  'CORRAL_TEST_TOKEN_USER',
  'CORRAL_TEST_TOKEN_PASSWORD',
  'CORRAL_TEST_POSTGRES',
] as const;
export type TestEnvVar = (typeof TEST_ENV_VARS)[number];

/** The part of node:test's `TestContext` needed to skip. */
export interface SkipContext {
  skip(message?: string): void;
}

/** The current values (undefined when unset or empty). */
export function testEnv(): Readonly<Record<TestEnvVar, string | undefined>> {
  const out = {} as Record<TestEnvVar, string | undefined>;
  for (const name of TEST_ENV_VARS) out[name] = process.env[name] || undefined;
  return out;
}

/**
 * Something the test needs is missing (`message` says what and how to get it): skips `t`, or under
 * `CI=true` throws, since a skip must never hide a broken environment in CI (CONVENTIONS.md 2.6).
 */
export function skipOrFailInCi(t: SkipContext | undefined, message: string): void {
  if (process.env.CI === 'true') throw new Error(`test environment incomplete under CI=true: ${message}`);
  t?.skip(message);
}

function missing(t: SkipContext | undefined, names: readonly TestEnvVar[]): undefined {
  skipOrFailInCi(
    t,
    `${names.join(', ')} not set: run the tests through "npm test" or eval "$(scripts/test-env.sh start)"`,
  );
  return undefined;
}

/**
 * Returns the variable, or when it is missing: throws under `CI=true`, else skips `t` and returns
 * undefined (the caller must then `return`).
 */
export function requireEnv(t: SkipContext | undefined, name: TestEnvVar): string | undefined {
  return requireAll(t, [name])?.[name];
}

function requireAll<N extends TestEnvVar>(
  t: SkipContext | undefined,
  names: readonly N[],
): Record<N, string> | undefined {
  const env = testEnv();
  const absent = names.filter((n) => env[n] === undefined);
  if (absent.length > 0) return missing(t, absent);
  return Object.fromEntries(names.map((n) => [n, env[n]])) as Record<N, string>;
}

/** `unix:///…/docker.sock` of the private Docker Engine (containers must use `--network none`). */
export function dockerHost(t?: SkipContext): string | undefined {
  return requireEnv(t, 'CORRAL_TEST_DOCKER_HOST');
}

/** Registry A: TLS (CA in `caFile`) + htpasswd basic auth. */
export interface AuthRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  user: string;
  password: string;
  /** PEM of the CA that signed the registry's certificate. */
  caFile: string;
}

export function registry(t?: SkipContext): AuthRegistry | undefined {
  const env = requireAll(t, [
    'CORRAL_TEST_REGISTRY',
    'CORRAL_TEST_REGISTRY_USER',
    'CORRAL_TEST_REGISTRY_PASSWORD',
    'CORRAL_TEST_REGISTRY_CA',
  ]);
  if (!env) return undefined;
  return {
    host: env.CORRAL_TEST_REGISTRY,
    user: env.CORRAL_TEST_REGISTRY_USER,
    password: env.CORRAL_TEST_REGISTRY_PASSWORD,
    caFile: env.CORRAL_TEST_REGISTRY_CA,
  };
}

/** Registry B: plain HTTP, anonymous push and pull. */
export interface PlainRegistry {
  host: string;
}

export function plainRegistry(t?: SkipContext): PlainRegistry | undefined {
  const host = requireEnv(t, 'CORRAL_TEST_REGISTRY_PLAIN');
  return host === undefined ? undefined : { host };
}

/** Registry C: TLS + Docker token auth; its token server already runs on `realm`. */
export interface TokenRegistry extends AuthRegistry {
  /** `http://127.0.0.1:PORT/token` */
  realm: string;
  realmPort: number;
  /** PEM signing key and certificate trusted by the registry (to mint tokens directly). */
  keyPath: string;
  certPath: string;
  issuer: string;
  service: string;
}

export function tokenRegistry(t?: SkipContext): TokenRegistry | undefined {
  const env = requireAll(t, [
    'CORRAL_TEST_REGISTRY_TOKEN',
    'CORRAL_TEST_REGISTRY_CA',
    'CORRAL_TEST_TOKEN_REALM_PORT',
    'CORRAL_TEST_TOKEN_KEY',
    'CORRAL_TEST_TOKEN_CERT',
    'CORRAL_TEST_TOKEN_ISSUER',
    'CORRAL_TEST_TOKEN_SERVICE',
    'CORRAL_TEST_TOKEN_USER',
    'CORRAL_TEST_TOKEN_PASSWORD',
  ]);
  if (!env) return undefined;
  const realmPort = Number(env.CORRAL_TEST_TOKEN_REALM_PORT);
  return {
    host: env.CORRAL_TEST_REGISTRY_TOKEN,
    user: env.CORRAL_TEST_TOKEN_USER,
    password: env.CORRAL_TEST_TOKEN_PASSWORD,
    caFile: env.CORRAL_TEST_REGISTRY_CA,
    realm: `http://127.0.0.1:${realmPort}/token`,
    realmPort,
    keyPath: env.CORRAL_TEST_TOKEN_KEY,
    certPath: env.CORRAL_TEST_TOKEN_CERT,
    issuer: env.CORRAL_TEST_TOKEN_ISSUER,
    service: env.CORRAL_TEST_TOKEN_SERVICE,
  };
}

/**
 * URL of a PostgreSQL database (`postgres://postgres@127.0.0.1:PORT/corral_test`) whose role may
 * `CREATE DATABASE`: tests that need isolation create their own database from it.
 */
export function postgresUrl(t?: SkipContext): string | undefined {
  return requireEnv(t, 'CORRAL_TEST_POSTGRES');
}
