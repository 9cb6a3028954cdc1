/**
 * Registry credentials from a Docker CLI `config.json` (what `docker login` writes).
 *
 * ref. https://docs.docker.com/reference/cli/docker/login/#credential-stores
 * ref. https://github.com/docker/cli/blob/master/cli/config/configfile/file.go (GetAuthConfig)
 *
 * Credential helpers (`credsStore`, `credHelpers`) are not run: executing binaries named by a config
 * file is out of scope for a scanner. The lookup reports the helper name so callers can say so.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, describeError } from '../../errors.js';
import type { Credentials } from './auth.js';

/** The key `docker login` uses for Docker Hub, kept for compatibility with old CLIs. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = ['index.docker.io', 'docker.io', 'registry-1.docker.io'];

const AuthEntry = z
  .object({
    auth: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    identitytoken: z.string().optional(),
    registrytoken: z.string().optional(),
  })
  .passthrough();

const DockerConfigFile = z
  .object({
    auths: z.record(AuthEntry).optional(),
    credsStore: z.string().optional(),
    credHelpers: z.record(z.string()).optional(),
  })
  .passthrough();
type DockerConfigFile = z.infer<typeof DockerConfigFile>;

export interface DockerConfigLookup {
  /** Path of the config file that was read. */
  path: string;
  /** Credentials stored inline for the host, if any. */
  credentials?: Credentials;
  /** Name of a credential helper configured for the host; Corral does not run it. */
  helper?: string;
}

export interface DockerConfigOptions {
  /** Explicit config file path (`--docker-config`); wins over the environment. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** `path` or `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
export function dockerConfigPath(opts: DockerConfigOptions = {}): string {
  if (opts.path !== undefined) return opts.path;
  const env = opts.env ?? process.env;
  const dir = env.DOCKER_CONFIG;
  return dir !== undefined && dir !== ''
    ? join(dir, 'config.json')
    : join(opts.home ?? homedir(), '.docker', 'config.json');
}

/**
 * Looks up the credentials of registry `host` (as in the image reference: `docker.io`, `ghcr.io`,
 * `localhost:5000`). Returns undefined when there is no config file.
 * @example lookupDockerCredentials('localhost:5000', { path: '/tmp/cfg.json' })?.credentials
 */
export function lookupDockerCredentials(
  host: string,
  opts: DockerConfigOptions = {},
): DockerConfigLookup | undefined {
  const path = dockerConfigPath(opts);
  const file = readConfigFile(path);
  if (file === undefined) return undefined;
  const hosts = hostSpellings(host);
  const entry = findAuthEntry(file, hosts);
  const helper = hosts.map((h) => file.credHelpers?.[h]).find((h) => h !== undefined) ?? file.credsStore;
  const credentials = entry === undefined ? undefined : toCredentials(entry, path);
  return { path, ...(credentials !== undefined && { credentials }), ...(helper !== undefined && { helper }) };
}

function readConfigFile(path: string): DockerConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw configError(path, describeError(err), err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw configError(path, `not valid JSON: ${describeError(err)}`, err);
  }
  const parsed = DockerConfigFile.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw configError(path, issues, parsed.error);
  }
  return parsed.data;
}

function configError(path: string, why: string, cause: unknown): AppError {
  return new AppError('CONFIG_INVALID', `cannot read Docker config ${path}: ${why}`, {
    hint: 'fix or remove the file, or pass --username/--password',
    cause,
  });
}

function hostSpellings(host: string): string[] {
  const h = host.toLowerCase();
  return DOCKER_HUB_HOSTS.includes(h) ? DOCKER_HUB_HOSTS : [h];
}

/** Exact keys first (as `docker login` writes them), then any key that normalises to the host. */
function findAuthEntry(file: DockerConfigFile, hosts: string[]): z.infer<typeof AuthEntry> | undefined {
  const auths = file.auths ?? {};
  const exact = hosts.flatMap((h) => [h, `https://${h}`, `http://${h}`]);
  if (hosts.includes('docker.io')) exact.unshift(DOCKER_HUB_CONFIG_KEY);
  for (const key of exact) if (auths[key] !== undefined) return auths[key];
  for (const [key, entry] of Object.entries(auths)) if (hosts.includes(normaliseKey(key))) return entry;
  return undefined;
}

/** `https://Host:5000/v1/` → `host:5000`. */
export function normaliseKey(key: string): string {
  return (
    key
      .trim()
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, '')
      .split('/')[0] ?? ''
  ).trim();
}

function toCredentials(entry: z.infer<typeof AuthEntry>, path: string): Credentials | undefined {
  if (entry.registrytoken) return { kind: 'registry-token', token: entry.registrytoken };
  if (entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw configError(path, 'an "auth" value is not base64 of "user:password"', undefined);
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }
  return undefined;
}
