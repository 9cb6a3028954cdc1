/** Read-side queries over the fleet: deployments, where, summary, alerts. */
import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../route.js';
import { deploymentsQuery, looseObject, pageOf, pageQuery, whereQuery } from '../schemas.js';
import { pageReq } from './images.js';

export function fleetRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/deployments',
      summary: 'List deployments, optionally by host, state or image digest',
      tag: 'fleet',
      access: 'read',
      query: deploymentsQuery,
      response: pageOf(looseObject),
      handler: async ({ query, deps }) =>
        deps.store.listDeployments(
          {
            ...(query.host !== undefined && { host: query.host }),
            ...(query.state !== undefined && { state: query.state }),
            ...(query.image !== undefined && { imageDigest: query.image }),
          },
          pageReq(query),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/where',
      summary: 'Which images contain a vulnerability or package, and where they run',
      tag: 'fleet',
      access: 'read',
      query: whereQuery,
      response: z.object({ images: z.array(looseObject) }),
      handler: async ({ query, deps }) => ({
        images: await deps.store.where({
          ...(query.vulnerability !== undefined && { vulnerability: query.vulnerability }),
          ...(query.purl !== undefined && { purl: query.purl }),
          ...(query.range !== undefined && { versionRange: query.range }),
          ...(query.running !== undefined && { running: query.running }),
        }),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/summary',
      summary: 'Fleet summary: images, deployments by state, findings by severity, KEV exposure',
      tag: 'fleet',
      access: 'read',
      response: looseObject,
      handler: async ({ deps }) => deps.store.summary(),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/alerts',
      summary: 'Alerts raised by re-matching (newest first)',
      tag: 'fleet',
      access: 'read',
      query: pageQuery,
      response: pageOf(looseObject),
      handler: async ({ query, deps }) => deps.store.listAlerts(pageReq(query)),
    }),
  ];
}
