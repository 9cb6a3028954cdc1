/**
 * Alert delivery to webhooks. Generic webhooks get `{type: 'corral.alert', alert}` signed with
 * `X-Corral-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` and an `X-Corral-Delivery` id that
 * stays the same across retries (receivers deduplicate on it); Slack webhooks get `{text, blocks}`.
 * Each attempt (3 by default, exponential backoff) is recorded with `store.recordDelivery`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { request, type Dispatcher } from 'undici';
import { describeError } from '../errors.js';
import { severityRank } from '../match/model.js';
import type { Alert, Delivery, InventoryStore, Webhook } from '../inventory/types.js';
import type { ServerMetrics } from './metrics.js';

/** A webhook given on the command line (`--webhook URL [--webhook-secret S]`). */
export interface StaticWebhook {
  url: string;
  kind?: Webhook['kind'];
  secret?: string;
}

export interface WebhookOptions {
  store: InventoryStore;
  metrics?: ServerMetrics;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** Attempts per alert and webhook (default 3). */
  attempts?: number;
  /** First retry delay; doubles each time (default 1000 ms; tests use a few ms). */
  baseDelayMs?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  /** Secrets of command-line webhooks by URL (they are not necessarily stored). */
  secrets?: ReadonlyMap<string, string>;
  /** TLS/connection options of the HTTP client (e.g. a private CA). */
  dispatcher?: Dispatcher;
}

type Target = Webhook & { secret?: string };

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function slackPayload(alert: Alert): { text: string; blocks: unknown[] } {
  const image = alert.repoTags[0] ?? alert.imageDigest;
  const pkgs = alert.packages.map((p) => `${p.name}@${p.version}`).join(', ');
  const hosts = [...new Set(alert.deployments.map((d) => d.host))];
  const text = `[${alert.severity.toUpperCase()}] ${alert.vulnerability} affects ${image} (${alert.deployments.length} running container(s) on ${hosts.join(', ') || 'no host'})`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${alert.vulnerability}* (${alert.severity})` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Image*\n${image}` },
          { type: 'mrkdwn', text: `*Packages*\n${pkgs || '-'}` },
          { type: 'mrkdwn', text: `*Running on*\n${hosts.join(', ') || '-'}` },
          { type: 'mrkdwn', text: `*Digest*\n\`${alert.imageDigest}\`` },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `corral alert ${alert.id}` }] },
    ],
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class WebhookDispatcher {
  readonly #opts: WebhookOptions;
  readonly #static: StaticWebhook[] = [];

  constructor(opts: WebhookOptions) {
    this.#opts = opts;
  }

  /**
   * Makes sure each command-line webhook exists in the store (once per URL and kind, so replicas
   * started with the same flags do not duplicate it); keeps their secrets in memory.
   */
  async registerStatic(hooks: readonly StaticWebhook[]): Promise<void> {
    const existing = await this.#opts.store.listWebhooks();
    for (const h of hooks) {
      const kind = h.kind ?? (/hooks\.slack\.com\//.test(h.url) ? 'slack' : 'generic');
      this.#static.push({ ...h, kind });
      if (!existing.some((w) => w.url === h.url && w.kind === kind))
        existing.push(
          await this.#opts.store.addWebhook({
            url: h.url,
            kind,
            ...(h.secret !== undefined && { secret: h.secret }),
          }),
        );
    }
  }

  async #targets(): Promise<Target[]> {
    const stored = await this.#opts.store.listWebhooks();
    return stored.map((w) => {
      const flag = this.#static.find((s) => s.url === w.url && s.kind === w.kind);
      const secret = flag?.secret ?? this.#opts.secrets?.get(w.url) ?? w.secret;
      return { ...w, ...(secret !== undefined && { secret }) };
    });
  }

  /** Delivers every alert to every webhook whose `minSeverity` it reaches; returns the attempts. */
  async deliverAll(alerts: readonly Alert[]): Promise<Delivery[]> {
    if (alerts.length === 0) return [];
    const targets = await this.#targets();
    const jobs: Promise<Delivery[]>[] = [];
    for (const alert of alerts)
      for (const t of targets)
        if (t.minSeverity === undefined || severityRank(alert.severity) >= severityRank(t.minSeverity))
          jobs.push(this.deliver(alert, t));
    return (await Promise.all(jobs)).flat();
  }

  /** One alert to one webhook, with retries; every attempt is recorded. */
  async deliver(alert: Alert, target: Target): Promise<Delivery[]> {
    const attempts = this.#opts.attempts ?? 3;
    const base = this.#opts.baseDelayMs ?? 1000;
    const deliveryId = randomUUID();
    const body = JSON.stringify(
      target.kind === 'slack' ? slackPayload(alert) : { type: 'corral.alert', alert },
    );
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'corral-webhook/1',
      'x-corral-delivery': deliveryId,
      'x-corral-event': 'alert',
    };
    if (target.secret !== undefined) headers['x-corral-signature'] = signBody(target.secret, body);
    const out: Delivery[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let httpStatus: number | undefined;
      let error: string | undefined;
      try {
        const res = await request(target.url, {
          method: 'POST',
          headers,
          body,
          headersTimeout: this.#opts.timeoutMs ?? 10_000,
          bodyTimeout: this.#opts.timeoutMs ?? 10_000,
          ...(this.#opts.dispatcher !== undefined && { dispatcher: this.#opts.dispatcher }),
        });
        httpStatus = res.statusCode;
        await res.body.dump();
        if (httpStatus < 200 || httpStatus >= 300) error = `HTTP ${httpStatus}`;
      } catch (err) {
        error = describeError(err);
      }
      const ok = error === undefined;
      const last = attempt === attempts;
      out.push(
        await this.#opts.store.recordDelivery({
          alertId: alert.id,
          webhookId: target.id,
          attempt,
          status: ok ? 'delivered' : last ? 'failed' : 'pending',
          ...(httpStatus !== undefined && { httpStatus }),
          ...(error !== undefined && { error }),
          at: new Date().toISOString(),
        }),
      );
      this.#opts.metrics?.webhookDeliveries.inc({ kind: target.kind, status: ok ? 'delivered' : 'failed' });
      if (ok) return out;
      this.#opts.logger?.warn(
        { webhook: target.url, alert: alert.id, attempt, error },
        'webhook delivery failed',
      );
      if (!last) await sleep(base * 2 ** (attempt - 1));
    }
    return out;
  }
}
