/**
 * Prometheus metrics of one server instance (own registry, so several apps in one process — tests —
 * do not collide). Exposed at GET /metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'method' | 'route'>;
  pushes: Counter<'created'>;
  deployments: Gauge<'state'>;
  rematchDuration: Histogram;
  webhookDeliveries: Counter<'kind' | 'status'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics === true) collectDefaultMetrics({ register: registry, prefix: 'corral_' });
  return {
    registry,
    requests: new Counter({
      name: 'corral_http_requests_total',
      help: 'HTTP requests by method, route and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'corral_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    pushes: new Counter({
      name: 'corral_pushes_total',
      help: 'Image pushes, by whether the digest was new',
      labelNames: ['created'] as const,
      registers: [registry],
    }),
    deployments: new Gauge({
      name: 'corral_deployments',
      help: 'Deployments by state (updated on scrape)',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    rematchDuration: new Histogram({
      name: 'corral_rematch_duration_seconds',
      help: 'Duration of re-matching every stored SBOM against the vulnerability DB',
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'corral_webhook_deliveries_total',
      help: 'Webhook delivery attempts by kind and result',
      labelNames: ['kind', 'status'] as const,
      registers: [registry],
    }),
  };
}
