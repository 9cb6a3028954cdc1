/** GET /healthz, /readyz, /metrics, /openapi.json. */
import { z } from 'zod';
import { describeError } from '../../errors.js';
import { defineRoute, type RouteSpec } from '../route.js';
import { looseObject } from '../schemas.js';

export function healthRoutes(openapi: () => unknown): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process is up',
      tag: 'health',
      access: 'public',
      response: z.object({ status: z.literal('ok') }),
      handler: async () => ({ status: 'ok' }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness: the store answers; vulnerability DB status',
      tag: 'health',
      access: 'public',
      response: z.object({ status: z.enum(['ok', 'unavailable']), store: looseObject, vulndb: looseObject }),
      handler: async ({ deps, reply }) => {
        let store: Record<string, unknown>;
        try {
          await deps.store.listImages({ limit: 1 });
          store = { ok: true, dialect: deps.store.dialect };
        } catch (err) {
          store = { ok: false, dialect: deps.store.dialect, error: describeError(err) };
        }
        const ok = store.ok === true;
        if (!ok) reply.code(503);
        return { status: ok ? 'ok' : 'unavailable', store, vulndb: deps.vulndbStatus() };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics (text exposition format)',
      tag: 'health',
      access: 'read',
      produces: 'text/plain',
      handler: async ({ deps, reply }) => {
        const { deployments } = await deps.store.summary();
        for (const state of ['running', 'stopped', 'stale'] as const)
          deps.metrics.deployments.set({ state }, deployments[state]);
        reply.header('content-type', deps.metrics.registry.contentType);
        return deps.metrics.registry.metrics();
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/openapi.json',
      summary: 'This API as an OpenAPI 3 document',
      tag: 'health',
      access: 'read',
      response: looseObject,
      handler: async () => openapi(),
    }),
  ];
}
