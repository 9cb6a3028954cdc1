/** The agent API: deployments snapshot, events and heartbeat (src/collect/docker calls these). */
import { z } from 'zod';
import type { DeploymentEvent, SyncOutcome } from '../../inventory/types.js';
import { defineRoute, type RouteSpec } from '../route.js';
import {
  agentParams,
  deploymentEventsBody,
  deploymentSnapshotBody,
  heartbeatBody,
  syncOutcomeSchema,
} from '../schemas.js';

export function agentRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'PUT',
      url: '/api/v1/agents/:agentId/deployments',
      summary:
        'Replace what one agent sees running; containers missing from the list are marked stopped. Returns image digests to catalogue and push.',
      tag: 'agents',
      access: 'agent',
      params: agentParams,
      body: deploymentSnapshotBody,
      response: syncOutcomeSchema,
      audit: {
        action: 'deployments.sync',
        target: (ctx) => `agent:${ctx.params.agentId}`,
      },
      handler: async ({ params, body, deps }): Promise<SyncOutcome> =>
        deps.store.syncDeployments({
          agentId: params.agentId,
          platform: body.platform,
          host: body.host,
          containers: body.containers,
          at: body.at,
          ...(body.cluster !== undefined && { cluster: body.cluster }),
          ...(body.namespace !== undefined && { namespace: body.namespace }),
        }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents/:agentId/events',
      summary: 'Apply container events (start, die, destroy, rename) seen by one agent',
      tag: 'agents',
      access: 'agent',
      params: agentParams,
      body: deploymentEventsBody,
      response: syncOutcomeSchema,
      audit: { action: 'deployments.events', target: (ctx) => `agent:${ctx.params.agentId}` },
      handler: async ({ params, body, deps }) =>
        deps.store.applyDeploymentEvents(
          params.agentId,
          body.host,
          body.platform,
          body.events as DeploymentEvent[],
        ),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents/:agentId/heartbeat',
      summary: 'The agent is alive (deployments of silent agents become stale)',
      tag: 'agents',
      access: 'agent',
      params: agentParams,
      body: heartbeatBody,
      response: z.object({ ok: z.literal(true) }),
      audit: { action: 'agent.heartbeat', target: (ctx) => `agent:${ctx.params.agentId}` },
      handler: async ({ params, body, deps }) => {
        await deps.store.heartbeat(params.agentId, body?.at ?? new Date().toISOString());
        return { ok: true };
      },
    }),
  ];
}
