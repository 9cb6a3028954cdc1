/**
 * The OpenAPI 3.0 document, generated from the route specs' zod schemas (zod-to-json-schema with the
 * `openApi3` target), so every registered route is documented and the two cannot drift.
 */
import type { ZodType, ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { ACCESS_ROLES } from './auth.js';
import type { RouteSpec } from './route.js';
import { errorSchema } from './schemas.js';

/** Version of the API contract (not of the Corral build). */
export const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

function toSchema(schema: ZodTypeAny): JsonSchema {
  const out = zodToJsonSchema(schema as ZodType<unknown>, {
    target: 'openApi3',
    $refStrategy: 'none',
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** `/api/v1/images/:digest` → `/api/v1/images/{digest}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(spec: RouteSpec): unknown[] {
  const params: unknown[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (schema === undefined) continue;
    const json = toSchema(schema as ZodTypeAny);
    const required = new Set(json.required ?? []);
    for (const [name, prop] of Object.entries(json.properties ?? {}))
      params.push({ name, in: where, required: where === 'path' || required.has(name), schema: prop });
  }
  return params;
}

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid input; the message names the field',
  '401': 'Missing, unknown or revoked token',
  '403': 'The token role may not call this endpoint',
};

export function buildOpenApi(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  for (const spec of routes) {
    const path = openApiPath(spec.url);
    const responses: Record<string, unknown> = {
      [String(spec.status ?? 200)]: {
        description: 'Success',
        content:
          spec.produces !== undefined
            ? { [spec.produces]: { schema: { type: 'string' } } }
            : { 'application/json': { schema: spec.response ? toSchema(spec.response) : {} } },
      },
    };
    if (spec.method === 'POST' && spec.status === 201 && spec.url === '/api/v1/images')
      responses['200'] = {
        description: 'Already stored (tags and provenance merged)',
        content: { 'application/json': { schema: toSchema(spec.response as ZodTypeAny) } },
      };
    for (const [code, description] of Object.entries(ERROR_RESPONSES)) {
      if (code === '400' && !spec.body && !spec.query && !spec.params) continue;
      if (code !== '400' && spec.access === 'public') continue;
      responses[code] = { description, content: { 'application/json': { schema: errorRef } } };
    }
    const op: Record<string, unknown> = {
      operationId: `${spec.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      responses,
    };
    if (spec.access === 'public') op.security = [];
    else op.description = `Roles: ${ACCESS_ROLES[spec.access].join(', ')}.`;
    if (spec.body !== undefined)
      op.requestBody = {
        required: !spec.body.isOptional(),
        content: { 'application/json': { schema: toSchema(spec.body as ZodTypeAny) } },
      };
    (paths[path] ??= {})[spec.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Corral inventory API',
      version: API_VERSION,
      description:
        'Images (SBOMs), deployments reported by agents, "where does X run" queries, alerts and webhooks. Authenticate with "Authorization: Bearer corral_…".',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: toSchema(errorSchema) },
    },
    paths,
  };
}
