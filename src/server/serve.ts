/**
 * Wires a whole server: store (SQLite or PostgreSQL), background jobs, webhooks, the fastify app, and
 * listens. `corral server` calls this; e2e tests call it too (port 0).
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppError, describeError } from '../errors.js';
import { openInventory } from '../inventory/store.js';
import type { InventoryStore } from '../inventory/types.js';
import { createApp } from './app.js';
import { ServerJobs } from './jobs.js';
import { createMetrics } from './metrics.js';
import { WebhookDispatcher, type StaticWebhook } from './webhooks.js';

export interface ServeOptions {
  /** `postgres://…` URL or SQLite path; default `$CORRAL_HOME/inventory.db`. */
  database?: string;
  /** `host:port` (default `127.0.0.1:8080`; port 0 picks a free one). */
  listen?: string;
  vulndbPath?: string;
  tlsCert?: string;
  tlsKey?: string;
  webhooks?: StaticWebhook[];
  bodyLimit?: number;
  staleAfterMs?: number;
  staleCheckMs?: number;
  vulndbPollMs?: number;
  dbUpdateIntervalMs?: number;
  updateDb?: (path: string) => Promise<void>;
  webhookAttempts?: number;
  webhookBaseDelayMs?: number;
  logger?: Logger;
}

export interface RunningServer {
  app: FastifyInstance;
  store: InventoryStore;
  jobs: ServerJobs;
  /** `http(s)://host:port` actually bound. */
  url: string;
  close(): Promise<void>;
}

export function parseListen(raw: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535)
    throw new AppError('CLI_USAGE', `invalid --listen "${raw}"`, {
      hint: 'use HOST:PORT, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080',
    });
  return { host: m[1] ?? (m[2] === '' ? '0.0.0.0' : (m[2] ?? '127.0.0.1')), port };
}

async function readPem(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `cannot read ${what} ${path}: ${describeError(err)}`, {
      hint: 'give PEM files with --tls-cert and --tls-key',
      cause: err,
    });
  }
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
    throw new AppError('CLI_USAGE', '--tls-cert and --tls-key go together', {
      hint: 'give both PEM files, or neither for plain HTTP',
    });
  const https =
    opts.tlsCert !== undefined && opts.tlsKey !== undefined
      ? { cert: await readPem(opts.tlsCert, 'TLS certificate'), key: await readPem(opts.tlsKey, 'TLS key') }
      : undefined;
  const { host, port } = parseListen(opts.listen ?? '127.0.0.1:8080');
  const metrics = createMetrics({ defaultMetrics: true });
  let jobs: ServerJobs | undefined;
  const store = await openInventory(opts.database, { vulndb: () => jobs?.vulnStore() });
  try {
    const webhooks = new WebhookDispatcher({
      store,
      metrics,
      ...(opts.logger !== undefined && { logger: opts.logger }),
      ...(opts.webhookAttempts !== undefined && { attempts: opts.webhookAttempts }),
      ...(opts.webhookBaseDelayMs !== undefined && { baseDelayMs: opts.webhookBaseDelayMs }),
    });
    await webhooks.registerStatic(opts.webhooks ?? []);
    const j = new ServerJobs({
      store,
      metrics,
      webhooks,
      ...(opts.logger !== undefined && { logger: opts.logger }),
      ...(opts.vulndbPath !== undefined && { vulndbPath: opts.vulndbPath }),
      ...(opts.staleAfterMs !== undefined && { staleAfterMs: opts.staleAfterMs }),
      ...(opts.staleCheckMs !== undefined && { staleCheckMs: opts.staleCheckMs }),
      ...(opts.vulndbPollMs !== undefined && { vulndbPollMs: opts.vulndbPollMs }),
      ...(opts.dbUpdateIntervalMs !== undefined && { dbUpdateIntervalMs: opts.dbUpdateIntervalMs }),
      ...(opts.updateDb !== undefined && { updateDb: opts.updateDb }),
    });
    jobs = j;
    await j.start();
    const app = await createApp({
      store,
      metrics,
      webhooks,
      ...(opts.logger !== undefined && { logger: opts.logger }),
      ...(opts.bodyLimit !== undefined && { bodyLimit: opts.bodyLimit }),
      ...(https !== undefined && { https }),
      ...(opts.vulndbPath !== undefined && { rematch: () => j.rematch() }),
      vulndbStatus: () => j.status(),
    });
    const address = await app.listen({ host, port });
    const bound = app.server.address();
    const url =
      bound !== null && typeof bound === 'object'
        ? `${https ? 'https' : 'http'}://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`
        : address;
    return {
      app,
      store,
      jobs: j,
      url,
      close: async () => {
        await app.close();
        await j.stop();
        await store.close();
      },
    };
  } catch (err) {
    await jobs?.stop();
    await store.close();
    throw err;
  }
}
