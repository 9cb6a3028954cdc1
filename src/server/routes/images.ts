/** POST/GET /api/v1/images, GET /api/v1/images/{digest}[/history]. */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { PushInput, PushOutcome } from '../../inventory/types.js';
import { defineRoute, type RouteSpec } from '../route.js';
import {
  digestParams,
  looseObject,
  pageOf,
  pageQuery,
  pushInputSchema,
  pushOutcomeSchema,
} from '../schemas.js';

const pageReq = (q: { limit?: number | undefined; cursor?: string | undefined }) => ({
  ...(q.limit !== undefined && { limit: q.limit }),
  ...(q.cursor !== undefined && { cursor: q.cursor }),
});

export { pageReq };

export function imageRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/images',
      summary: 'Push an SBOM (+ findings, policy verdict, provenance); idempotent by image digest',
      tag: 'images',
      access: 'push',
      body: pushInputSchema,
      status: 201,
      response: pushOutcomeSchema,
      audit: {
        action: 'image.push',
        target: (_ctx, r) => (r as PushOutcome).digest,
      },
      handler: async ({ body, deps, reply, token }) => {
        if (token?.role === 'agent') {
          // agents catalogue what runs; who built it and the CI verdict come from CI tokens only
          if (body.provenance !== undefined || body.policy !== undefined)
            throw new AppError(
              'API_FORBIDDEN',
              `token "${token.name}" has role agent, which may not set provenance or policy`,
              { hint: 'push from CI with a token of role ci' },
            );
          const digest = body.sbom.image.digest;
          if ((await deps.store.hasImages([digest])).has(digest)) {
            reply.code(200);
            return { digest, created: false };
          }
        }
        const outcome = await deps.store.pushImage(body as unknown as PushInput);
        deps.metrics.pushes.inc({ created: String(outcome.created) });
        reply.code(outcome.created ? 201 : 200);
        return outcome;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/images',
      summary: 'List images (newest push first)',
      tag: 'images',
      access: 'read',
      query: pageQuery,
      response: pageOf(looseObject),
      handler: async ({ query, deps }) => deps.store.listImages(pageReq(query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/images/:digest',
      summary: 'One image with its SBOM',
      tag: 'images',
      access: 'read',
      params: digestParams,
      response: looseObject,
      handler: async ({ params, deps }) => {
        const image = await deps.store.getImage(params.digest);
        if (image === undefined)
          throw new AppError('API_NOT_FOUND', `no image ${params.digest} in the inventory`, {
            hint: 'push it with "corral push" or "corral scan REF --push URL"',
          });
        return image;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/images/:digest/history',
      summary: 'Deployments of one image over time (running, stopped, stale)',
      tag: 'images',
      access: 'read',
      params: digestParams,
      response: z.object({ digest: z.string(), deployments: z.array(looseObject) }),
      handler: async ({ params, deps }) => ({
        digest: params.digest,
        deployments: await deps.store.imageHistory(params.digest),
      }),
    }),
  ];
}
