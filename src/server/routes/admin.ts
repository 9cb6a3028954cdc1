/** Administration: audit log, re-match, webhooks and their delivery log. */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { Webhook } from '../../inventory/types.js';
import { defineRoute, type RouteSpec } from '../route.js';
import { deliveriesQuery, looseObject, pageOf, pageQuery, webhookBody } from '../schemas.js';
import { pageReq } from './images.js';

export function adminRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      summary: 'The audit log (newest first)',
      tag: 'admin',
      access: 'admin',
      query: pageQuery,
      response: pageOf(looseObject),
      handler: async ({ query, deps }) => deps.store.listAudit(pageReq(query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/rematch',
      summary: 'Re-match every stored SBOM against the vulnerability DB now and deliver new alerts',
      tag: 'admin',
      access: 'operator',
      response: looseObject,
      audit: { action: 'rematch' },
      handler: async ({ deps }) => {
        if (deps.rematch === undefined)
          throw new AppError('VULNDB_NOT_FOUND', 'this server has no vulnerability DB to re-match against', {
            hint: 'start "corral server" with --vulndb PATH (or run "corral db update" for the default path)',
          });
        return deps.rematch();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/webhooks',
      summary: 'Add a webhook (generic JSON signed with the secret, or Slack)',
      tag: 'admin',
      access: 'admin',
      body: webhookBody,
      status: 201,
      response: looseObject,
      audit: { action: 'webhook.add', target: (_c, r) => (r as Webhook).url },
      handler: async ({ body, deps, reply }) => {
        const hook = await deps.store.addWebhook({
          url: body.url,
          kind: body.kind,
          ...(body.secret !== undefined && { secret: body.secret }),
          ...(body.minSeverity !== undefined && { minSeverity: body.minSeverity }),
        });
        reply.code(201);
        return hook;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/webhooks',
      summary: 'List webhooks (secrets are never returned)',
      tag: 'admin',
      access: 'admin',
      response: z.object({ items: z.array(looseObject) }),
      handler: async ({ deps }) => ({
        items: (await deps.store.listWebhooks()).map(({ secret, ...w }) => ({
          ...w,
          hasSecret: w.hasSecret || secret !== undefined,
        })),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/webhooks/deliveries',
      summary: 'Webhook delivery attempts, optionally of one alert',
      tag: 'admin',
      access: 'admin',
      query: deliveriesQuery,
      response: z.object({ items: z.array(looseObject) }),
      handler: async ({ query, deps }) => ({ items: await deps.store.listDeliveries(query.alert) }),
    }),
  ];
}
