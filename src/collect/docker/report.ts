/**
 * Pure mapping from Engine API objects to the inventory contract ({@link ContainerReport},
 * {@link DeploymentEvent}). No I/O: tested with plain objects.
 */
import type { ContainerReport, DeploymentEvent } from '../../inventory/types.js';
import type { ContainerInspect, EngineEvent, ImageInspect } from './engine.js';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
/** Docker reports a never-started container's StartedAt as the zero time. */
const ZERO_TIME_PREFIX = '0001-01-01';

export function stripSlash(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

/** Normalises an RFC 3339 time with nanoseconds (`…:05.123456789Z`) to ISO-8601 UTC, or undefined. */
export function isoTime(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value.startsWith(ZERO_TIME_PREFIX)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** One running container as the inventory expects it. */
export function toContainerReport(c: ContainerInspect, image?: ImageInspect): ContainerReport {
  const labels = c.Config?.Labels ?? {};
  const repoDigests = image?.RepoDigests ?? [];
  const startedAt = isoTime(c.State?.StartedAt);
  const project = labels[COMPOSE_PROJECT_LABEL];
  const service = labels[COMPOSE_SERVICE_LABEL];
  return {
    containerId: c.Id,
    name: stripSlash(c.Name ?? c.Id.slice(0, 12)),
    imageDigest: c.Image ?? image?.Id ?? '',
    ...(repoDigests.length > 0 && { repoDigests: [...repoDigests] }),
    ...(c.Config?.Image !== undefined && c.Config.Image !== '' && { imageRef: c.Config.Image }),
    labels: { ...labels },
    ...(project !== undefined && { composeProject: project }),
    ...(service !== undefined && { composeService: service }),
    ...(startedAt !== undefined && { startedAt }),
  };
}

/** The time of an Engine event (nanoseconds preferred), or `fallback`. */
export function eventTime(e: EngineEvent, fallback: Date): string {
  if (typeof e.timeNano === 'number' && e.timeNano > 0) return new Date(e.timeNano / 1e6).toISOString();
  if (typeof e.time === 'number' && e.time > 0) return new Date(e.time * 1000).toISOString();
  return fallback.toISOString();
}

/**
 * A die/destroy/rename event as a {@link DeploymentEvent}; start events need an inspect first (see the
 * agent), so they return undefined here, as do events of other kinds or without an actor ID.
 */
export function toSimpleEvent(e: EngineEvent, now: Date): DeploymentEvent | undefined {
  const id = e.Actor?.ID;
  if (e.Type !== undefined && e.Type !== 'container') return undefined;
  if (id === undefined || id === '') return undefined;
  const at = eventTime(e, now);
  switch (e.Action) {
    case 'die':
    case 'destroy':
      return { type: e.Action, container: { containerId: id }, at };
    case 'rename': {
      const name = e.Actor?.Attributes?.name;
      if (name === undefined || name === '') return undefined;
      return { type: 'rename', container: { containerId: id, name: stripSlash(name) }, at };
    }
    case 'start':
    case undefined:
    default:
      return undefined;
  }
}
