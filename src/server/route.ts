/**
 * One route = one {@link RouteSpec}: method, URL, who may call it, zod schemas for its inputs and a
 * handler. `app.ts` registers the specs with fastify (validation, auth, audit); `openapi.ts` turns the
 * same list into the OpenAPI document, so the document cannot drift from the routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType, ZodTypeDef } from 'zod';
import type { ApiToken, InventoryStore } from '../inventory/types.js';
import type { ServerMetrics } from './metrics.js';
import type { WebhookDispatcher } from './webhooks.js';

/**
 * Who may call a route. `read`: viewer, operator, admin. `operator`: operator, admin. `admin`: admin.
 * `push`: ci, agent, admin. `agent`: agent, admin. `public`: no token.
 */
export type Access = 'public' | 'read' | 'operator' | 'admin' | 'push' | 'agent';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What the handlers may use: the store and the server's services. */
export interface RouteDeps {
  store: InventoryStore;
  metrics: ServerMetrics;
  webhooks: WebhookDispatcher;
  /** Re-matches every stored SBOM now (POST /rematch); undefined when no vulndb is configured. */
  rematch?: () => Promise<unknown>;
  /** State of the vulnerability DB for /readyz. */
  vulndbStatus: () => VulndbStatus;
}

export interface VulndbStatus {
  configured: boolean;
  path?: string;
  available: boolean;
  builtAt?: string;
  dbVersion?: number;
  error?: string;
  lastRematch?: { at: string; ok: boolean; error?: string };
}

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: FastifyRequest;
  reply: FastifyReply;
  /** The verified token; undefined on public routes. */
  token: ApiToken | undefined;
  deps: RouteDeps;
}

type AnyZod = ZodType<unknown, ZodTypeDef, unknown>;

export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
  method: HttpMethod;
  /** fastify syntax: `/api/v1/images/:digest`. */
  url: string;
  summary: string;
  tag: string;
  access: Access;
  body?: ZodType<B, ZodTypeDef, unknown>;
  query?: ZodType<Q, ZodTypeDef, unknown>;
  params?: ZodType<P, ZodTypeDef, unknown>;
  /** Documented success status (default 200). */
  status?: number;
  /** Documented success body. */
  response?: AnyZod;
  /** Response content type when not JSON (e.g. the Prometheus text format). */
  produces?: string;
  /** Audit action for writes; the target is computed from the input and the result. */
  audit?: { action: string; target?: (ctx: RouteContext<B, Q, P>, result: unknown) => string | undefined };
  handler(ctx: RouteContext<B, Q, P>): Promise<unknown>;
}

/** Keeps the generic types of one route while the list holds many. */
export function defineRoute<B = undefined, Q = undefined, P = undefined>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}
