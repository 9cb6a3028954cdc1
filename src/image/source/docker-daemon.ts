/**
 * `docker:NAME`: an image in a Docker Engine, read through the Engine API (`DOCKER_HOST`, default
 * `unix:///var/run/docker.sock`). `GET /images/{name}/get` streams a `docker save` tarball; it is written
 * to a private temp file as it arrives (never held in memory) and then read like a docker-archive.
 * ref. https://docs.docker.com/reference/api/engine/version/v1.45/#tag/Image/operation/ImageGet
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type IncomingMessage, type RequestOptions } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, describeError } from '../../errors.js';
import { TarBlobStore } from '../archive/blob-store.js';
import { LimitStream } from '../layer/limit-stream.js';
import type { Image, ImageSource, ResolveOptions } from '../types.js';
import { resolveFromArchive } from './docker-archive.js';

const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
const MAX_JSON_BYTES = 8 * 1024 * 1024;

export interface DockerEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  /** For messages. */
  display: string;
}

export function parseDockerHost(value: string | undefined): DockerEndpoint {
  const text = value && value !== '' ? value : DEFAULT_DOCKER_HOST;
  if (text.startsWith('unix://')) return { socketPath: text.slice('unix://'.length), display: text };
  const m = /^(?:tcp|http):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(text);
  if (m) return { host: m[1]!, port: Number(m[2] ?? 2375), display: text };
  throw new AppError('DOCKER_UNAVAILABLE', `unsupported DOCKER_HOST "${text}"`, {
    hint: 'use unix:///PATH/docker.sock or tcp://HOST:PORT',
  });
}

/** One Engine API call; resolves with the response (status not checked). */
export function dockerRequest(
  ep: DockerEndpoint,
  method: string,
  path: string,
  signal?: AbortSignal,
): Promise<IncomingMessage> {
  const opts: RequestOptions = {
    method,
    path,
    headers: { Host: 'docker' },
    ...(ep.socketPath !== undefined ? { socketPath: ep.socketPath } : { host: ep.host, port: ep.port }),
    ...(signal && { signal }),
  };
  return new Promise((resolve, reject) => {
    const req = request(opts, resolve);
    req.on('error', (err) =>
      reject(
        new AppError(
          'DOCKER_UNAVAILABLE',
          `cannot reach the Docker Engine at ${ep.display}: ${describeError(err)}`,
          {
            cause: err,
            hint: 'is dockerd running? set DOCKER_HOST to its socket (e.g. unix:///var/run/docker.sock)',
          },
        ),
      ),
    );
    req.end();
  });
}

async function readJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > MAX_JSON_BYTES) throw new AppError('DOCKER_API', 'Engine API response too large');
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('DOCKER_API', `Engine API returned invalid JSON: ${text.slice(0, 200)}`, {
      cause: err,
    });
  }
}

async function apiError(res: IncomingMessage, what: string, name: string): Promise<AppError> {
  const body = (await readJson(res).catch(() => ({}))) as { message?: string };
  const msg = `${what} ${name}: ${body.message ?? `HTTP ${res.statusCode}`}`;
  return res.statusCode === 404
    ? new AppError('IMAGE_NOT_FOUND', `Docker Engine has no image ${name}`, {
        hint: 'list images with "docker images"',
      })
    : new AppError('DOCKER_API', msg);
}

interface InspectResult {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Size?: number;
}

export async function inspectDaemonImage(
  ep: DockerEndpoint,
  name: string,
  signal?: AbortSignal,
): Promise<InspectResult> {
  const res = await dockerRequest(ep, 'GET', `/images/${encodeURIComponent(name)}/json`, signal);
  if (res.statusCode !== 200) throw await apiError(res, 'inspect', name);
  return (await readJson(res)) as InspectResult;
}

/** Streams `docker save` of `name` into `file`, enforcing the image size limit. */
async function saveToFile(
  ep: DockerEndpoint,
  name: string,
  file: string,
  opts: ResolveOptions,
  total?: number,
): Promise<void> {
  const res = await dockerRequest(ep, 'GET', `/images/${encodeURIComponent(name)}/get`, opts.signal);
  if (res.statusCode !== 200) throw await apiError(res, 'export', name);
  const limiter = new LimitStream(`docker save of ${name}`, (n) =>
    n > opts.limits.maxTotalBytes ? `export larger than ${opts.limits.maxTotalBytes} bytes` : undefined,
  );
  let done = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      done += chunk.length;
      opts.onProgress?.({ phase: 'export', id: name, done, ...(total !== undefined && { total }) });
      cb(null, chunk);
    },
  });
  await pipeline(
    res,
    limiter,
    meter,
    createWriteStream(file, { mode: 0o600 }),
    ...(opts.signal ? [{ signal: opts.signal }] : []),
  );
}

export const dockerDaemonSource = {
  kind: 'docker',
  async resolve(location: string, opts: ResolveOptions): Promise<Image> {
    const ep = parseDockerHost(opts.dockerHost ?? process.env.DOCKER_HOST);
    const info = await inspectDaemonImage(ep, location, opts.signal);
    const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'corral-daemon-'));
    const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
    try {
      const file = join(dir, 'image.tar');
      // save by ID: a name may be re-tagged between the two calls, the ID cannot change
      await saveToFile(ep, info.Id, file, opts, info.Size);
      const store = await TarBlobStore.open(file, opts.limits, dir);
      const image = await resolveFromArchive(store, undefined, opts, `docker:${location}`);
      const repoDigests = info.RepoDigests ?? [];
      const registryDigest = repoDigests[0]?.split('@')[1];
      return {
        ...image,
        source: 'docker',
        ...(registryDigest !== undefined && { digest: registryDigest }),
        repoTags: info.RepoTags ?? image.repoTags,
        repoDigests,
        close: async () => {
          await image.close();
          await cleanup();
        },
      };
    } catch (err) {
      await cleanup();
      throw err;
    }
  },
} satisfies ImageSource;
