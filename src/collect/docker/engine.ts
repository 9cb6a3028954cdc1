/**
 * The few Docker Engine API calls the agent needs: list running containers, inspect a container and an
 * image, and follow the container events stream. Transport is `image/source/docker-daemon.ts`
 * (`dockerRequest`), so `DOCKER_HOST` handling is the same as for `docker:` image references.
 * ref. https://docs.docker.com/reference/api/engine/version/v1.45/#tag/Container
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../errors.js';
import { dockerRequest, type DockerEndpoint } from '../../image/source/docker-daemon.js';

const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** One event is a few hundred bytes; a longer line is not the Engine API. */
const MAX_EVENT_LINE_BYTES = 1024 * 1024;

/** `GET /containers/json` item (only the fields we read). */
export interface ContainerSummary {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Labels?: Record<string, string> | null;
  State?: string;
}

/** `GET /containers/{id}/json` (only the fields we read). */
export interface ContainerInspect {
  Id: string;
  Name?: string;
  /** The image ID (`sha256:` config digest). */
  Image?: string;
  State?: { Running?: boolean; StartedAt?: string };
  Config?: { Image?: string; Labels?: Record<string, string> | null };
}

/** `GET /images/{id}/json` (only the fields we read). */
export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
}

/** One line of `GET /events` for `Type: container`. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

async function readJson(res: IncomingMessage, what: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > MAX_JSON_BYTES) throw new AppError('DOCKER_API', `${what}: Engine API response too large`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('DOCKER_API', `${what}: Engine API returned invalid JSON: ${text.slice(0, 200)}`, {
      cause: err,
    });
  }
}

async function getJson(
  ep: DockerEndpoint,
  path: string,
  what: string,
  signal?: AbortSignal,
): Promise<unknown> {
  const res = await dockerRequest(ep, 'GET', path, signal);
  if (res.statusCode === 404) {
    res.resume();
    return undefined;
  }
  if (res.statusCode !== 200) {
    const body = (await readJson(res, what).catch(() => ({}))) as { message?: string };
    throw new AppError('DOCKER_API', `${what}: ${body.message ?? `HTTP ${res.statusCode}`}`);
  }
  return readJson(res, what);
}

/**
 * Running containers (`GET /containers/json`, which lists only running ones by default); with `labels`
 * (`key` or `key=value`, all required) only the containers carrying them.
 */
export async function listRunningContainers(
  ep: DockerEndpoint,
  signal?: AbortSignal,
  labels: readonly string[] = [],
): Promise<ContainerSummary[]> {
  const query =
    labels.length === 0 ? '' : `?filters=${encodeURIComponent(JSON.stringify({ label: labels }))}`;
  const body = await getJson(ep, `/containers/json${query}`, 'list containers', signal);
  if (!Array.isArray(body)) throw new AppError('DOCKER_API', 'list containers: expected a JSON array');
  return body as ContainerSummary[];
}

/** The container, or undefined when it no longer exists. */
export async function inspectContainer(
  ep: DockerEndpoint,
  id: string,
  signal?: AbortSignal,
): Promise<ContainerInspect | undefined> {
  return (await getJson(
    ep,
    `/containers/${encodeURIComponent(id)}/json`,
    `inspect container ${id}`,
    signal,
  )) as ContainerInspect | undefined;
}

/** The image, or undefined when it no longer exists. */
export async function inspectImage(
  ep: DockerEndpoint,
  id: string,
  signal?: AbortSignal,
): Promise<ImageInspect | undefined> {
  return (await getJson(ep, `/images/${encodeURIComponent(id)}/json`, `inspect image ${id}`, signal)) as
    ImageInspect | undefined;
}

export const FOLLOWED_ACTIONS = ['start', 'die', 'destroy', 'rename'] as const;

/**
 * Follows container events (`onOpen` is called once the daemon accepted the request, so a snapshot
 * taken after it misses nothing) until `signal` aborts or the daemon closes the stream (the iterator then
 * ends; a transport failure throws `DOCKER_UNAVAILABLE`). Lines that are not JSON objects are skipped.
 */
export async function* containerEvents(
  ep: DockerEndpoint,
  signal: AbortSignal,
  onOpen?: () => void,
  labels: readonly string[] = [],
): AsyncGenerator<EngineEvent> {
  const filters = encodeURIComponent(
    JSON.stringify({
      type: ['container'],
      event: FOLLOWED_ACTIONS,
      ...(labels.length > 0 && { label: labels }),
    }),
  );
  const res = await dockerRequest(ep, 'GET', `/events?filters=${filters}`, signal);
  if (res.statusCode !== 200) {
    const body = (await readJson(res, 'events').catch(() => ({}))) as { message?: string };
    throw new AppError('DOCKER_API', `events: ${body.message ?? `HTTP ${res.statusCode}`}`);
  }
  onOpen?.();
  let pending = '';
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        const ev = parseEventLine(line);
        if (ev) yield ev;
      }
      if (pending.length > MAX_EVENT_LINE_BYTES) {
        throw new AppError('DOCKER_API', `events: a line longer than ${MAX_EVENT_LINE_BYTES} bytes`);
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    if (err instanceof AppError) throw err;
    throw new AppError('DOCKER_UNAVAILABLE', `events stream from ${ep.display} failed`, { cause: err });
  }
  const last = parseEventLine(pending.trim());
  if (last) yield last;
}

export function parseEventLine(line: string): EngineEvent | undefined {
  if (line === '') return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
