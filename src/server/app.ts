/**
 * Builds the fastify instance of the inventory server from a store and options, without listening,
 * so tests can `listen({ port: 0 })` or `inject()`. All routes come from `routes/*.ts` as
 * {@link RouteSpec}s: their zod schemas validate input (400 naming the field), `access` is checked by
 * auth.ts (401/403), writes are appended to the audit log, and the same list generates /openapi.json.
 */
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ZodError, ZodType, ZodTypeDef } from 'zod';
import { AppError, describeError, isAppError } from '../errors.js';
import type { ApiToken, InventoryStore } from '../inventory/types.js';
import { authorize } from './auth.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import type { RouteDeps, RouteSpec, VulndbStatus } from './route.js';
import { adminRoutes } from './routes/admin.js';
import { agentRoutes } from './routes/agents.js';
import { fleetRoutes } from './routes/fleet.js';
import { healthRoutes } from './routes/health.js';
import { imageRoutes } from './routes/images.js';
import { WebhookDispatcher } from './webhooks.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

export interface AppOptions {
  store: InventoryStore;
  /** pino logger (the CLI passes one); default: no logging. */
  logger?: Logger;
  /** Largest accepted request body in bytes (default 64 MiB: SBOMs of big images are tens of MB). */
  bodyLimit?: number;
  metrics?: ServerMetrics;
  webhooks?: WebhookDispatcher;
  rematch?: () => Promise<unknown>;
  vulndbStatus?: () => VulndbStatus;
  /** `{ key, cert }` PEM for HTTPS. */
  https?: { key: string | Buffer; cert: string | Buffer };
}

export interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

export function errorBody(code: string, message: string, hint?: string): ErrorBody {
  return { error: { code, message, ...(hint !== undefined && { hint }) } };
}

function zodMessage(where: string, err: ZodError): string {
  return err.issues
    .map((i) => {
      const field = [where, ...i.path].join('.');
      return `${field}: ${i.message}`;
    })
    .join('; ');
}

function parse<T>(schema: ZodType<T, ZodTypeDef, unknown> | undefined, value: unknown, where: string): T {
  if (schema === undefined) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success)
    throw new AppError('API_BAD_REQUEST', `invalid request: ${zodMessage(where, r.error)}`, {
      hint: 'see GET /openapi.json for the request schema',
    });
  return r.data;
}

/** The full route list (the OpenAPI document covers exactly these). */
export function allRoutes(openapi: () => unknown): RouteSpec[] {
  return [...healthRoutes(openapi), ...imageRoutes(), ...agentRoutes(), ...fleetRoutes(), ...adminRoutes()];
}

declare module 'fastify' {
  interface FastifyRequest {
    corralStart?: bigint;
  }
}

export async function createApp(opts: AppOptions): Promise<FastifyInstance> {
  const metrics = opts.metrics ?? createMetrics();
  const webhooks = opts.webhooks ?? new WebhookDispatcher({ store: opts.store, metrics });
  const deps: RouteDeps = {
    store: opts.store,
    metrics,
    webhooks,
    ...(opts.rematch !== undefined && { rematch: opts.rematch }),
    vulndbStatus: opts.vulndbStatus ?? (() => ({ configured: false, available: false })),
  };
  const app = fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(opts.https !== undefined && { https: opts.https }),
  } as Parameters<typeof fastify>[0]) as unknown as FastifyInstance;

  const holder: { document?: Record<string, unknown> } = {};
  const routes = allRoutes(() => holder.document);
  holder.document = buildOpenApi(routes);

  app.addHook('onRequest', async (req) => {
    req.corralStart = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    if (req.corralStart !== undefined)
      metrics.latency.observe(
        { method: req.method, route },
        Number(process.hrtime.bigint() - req.corralStart) / 1e9,
      );
  });

  installErrorHandlers(app);
  registerRoutes(app, routes, deps);
  return app;
}

function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(async (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(err)) return reply.code(err.httpStatus).send(errorBody(err.code, err.message, err.hint));
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply
        .code(413)
        .send(
          errorBody(
            'API_PAYLOAD_TOO_LARGE',
            `request body is larger than the server limit of ${app.initialConfig.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes`,
            'start the server with a larger --body-limit',
          ),
        );
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
      return reply
        .code(e.statusCode)
        .send(errorBody('API_BAD_REQUEST', `invalid request: ${e.message ?? 'bad request'}`));
    req.log.error({ err }, 'request failed');
    return reply
      .code(500)
      .send(errorBody('INTERNAL', `internal error: ${describeError(err)}`, 'see the server log'));
  });

  app.setNotFoundHandler(async (req, reply) =>
    reply
      .code(404)
      .send(
        errorBody(
          'API_NOT_FOUND',
          `no route ${req.method} ${req.url.split('?')[0]}`,
          'GET /openapi.json lists the routes',
        ),
      ),
  );
}

function registerRoutes(app: FastifyInstance, routes: readonly RouteSpec[], deps: RouteDeps): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      handler: async (req, reply) => {
        let token: ApiToken | undefined;
        if (spec.access !== 'public') token = await authorize(deps.store, req, spec.access);
        const ctx = {
          params: parse(spec.params, req.params, 'params'),
          query: parse(spec.query, req.query, 'query'),
          body: parse(spec.body, req.body, 'body'),
          req,
          reply,
          token,
          deps,
        };
        const result = await spec.handler(ctx);
        if (spec.audit !== undefined) {
          const target = spec.audit.target?.(ctx, result);
          await deps.store.appendAudit({
            actor: token?.name ?? 'anonymous',
            action: spec.audit.action,
            ...(target !== undefined && { target }),
            remote: req.ip,
          });
        }
        return result;
      },
    });
  }
}
