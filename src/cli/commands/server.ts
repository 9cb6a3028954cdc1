/**
 * `corral server [--database PATH|postgres://…] [--listen HOST:PORT] [--vulndb PATH] [--tls-cert F
 * --tls-key F] [--webhook URL]… [--webhook-secret S]`: the inventory HTTP API (src/server/README.md).
 * Logs JSON lines (pino) to stdout; SIGTERM/SIGINT close it gracefully (in-flight requests finish,
 * background jobs stop, the store closes) and exit 0.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { AppError } from '../../errors.js';
import { defaultInventoryPath, isPostgresUrl } from '../../inventory/db.js';
import { DEFAULT_BODY_LIMIT } from '../../server/app.js';
import { startServer } from '../../server/serve.js';
import type { StaticWebhook } from '../../server/webhooks.js';
import { defaultDbPath } from '../../vulndb/db.js';
import { updateDb } from '../../vulndb/update.js';

interface ServerCmdFlags {
  database?: string;
  listen: string;
  vulndb?: string;
  tlsCert?: string;
  tlsKey?: string;
  webhook?: string[];
  webhookSecret?: string;
  slackWebhook?: string[];
  bodyLimit?: string;
  agentStaleAfter: string;
  dbUpdateInterval?: string;
  dbUpdateSource?: string[];
  vulndbPoll: string;
  logLevel: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `500ms`, `90s`, `2m`, `1h`, `1d`; a bare number is seconds. */
export function parseInterval(raw: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!m) throw new AppError('CLI_USAGE', `invalid ${flag} "${raw}"`, { hint: 'use e.g. 90s, 2m, 1h' });
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms'];
  return Number(m[1]) * unit;
}

/** `64MiB`, `10mb`, `1048576`. */
export function parseSize(raw: string, flag: string): number {
  const m = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(raw.trim());
  if (!m)
    throw new AppError('CLI_USAGE', `invalid ${flag} "${raw}"`, { hint: 'use e.g. 64MiB or 104857600' });
  const u = (m[2] ?? 'b').toLowerCase();
  const mult = u.startsWith('k') ? 1024 : u.startsWith('m') ? 1024 ** 2 : u.startsWith('g') ? 1024 ** 3 : 1;
  return Number(m[1]) * mult;
}

async function runServer(flags: ServerCmdFlags): Promise<void> {
  const logger = pino({ level: flags.logLevel, base: { service: 'corral-server' } });
  const webhooks: StaticWebhook[] = [
    ...(flags.webhook ?? []).map((url) => ({
      url,
      ...(flags.webhookSecret !== undefined && { secret: flags.webhookSecret }),
    })),
    ...(flags.slackWebhook ?? []).map((url) => ({ url, kind: 'slack' as const })),
  ];
  const database = flags.database ?? defaultInventoryPath();
  const vulndbPath = flags.vulndb ?? defaultDbPath();
  const server = await startServer({
    database,
    listen: flags.listen,
    vulndbPath,
    ...(flags.tlsCert !== undefined && { tlsCert: flags.tlsCert }),
    ...(flags.tlsKey !== undefined && { tlsKey: flags.tlsKey }),
    webhooks,
    bodyLimit:
      flags.bodyLimit === undefined ? DEFAULT_BODY_LIMIT : parseSize(flags.bodyLimit, '--body-limit'),
    staleAfterMs: parseInterval(flags.agentStaleAfter, '--agent-stale-after'),
    vulndbPollMs: parseInterval(flags.vulndbPoll, '--vulndb-poll'),
    ...(flags.dbUpdateInterval !== undefined && {
      dbUpdateIntervalMs: parseInterval(flags.dbUpdateInterval, '--db-update-interval'),
      updateDb: async (path: string) => {
        const report = await updateDb(path, {
          ...(flags.dbUpdateSource !== undefined && { sources: flags.dbUpdateSource }),
        });
        logger.info({ dbVersion: report.dbVersion }, 'vulnerability DB updated');
      },
    }),
    logger,
  });
  logger.info(
    {
      url: server.url,
      database: isPostgresUrl(database) ? 'postgres' : database,
      vulndb: vulndbPath,
      webhooks: webhooks.length,
    },
    `corral server listening on ${server.url}`,
  );
  await new Promise<void>((resolve) => {
    let closing = false;
    const stop = (signal: string): void => {
      if (closing) return;
      closing = true;
      logger.info({ signal }, 'shutting down');
      server
        .close()
        .catch((err: unknown) => logger.error({ err }, 'error during shutdown'))
        .finally(() => {
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          logger.info('stopped');
          resolve();
        });
    };
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the inventory HTTP API (images, deployments, where, alerts, webhooks)')
    .option(
      '--database <path|url>',
      'SQLite file or postgres://… URL (default: $CORRAL_HOME/inventory.db or ~/.cache/corral/inventory.db)',
    )
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
    .option(
      '--vulndb <path>',
      'vulnerability DB to re-match against; watched for new builds (default: the "corral db" path)',
    )
    .option('--tls-cert <file>', 'PEM certificate (chain) for HTTPS')
    .option('--tls-key <file>', 'PEM private key for HTTPS')
    .option('--webhook <url>', 'deliver alerts to this generic JSON webhook (repeatable)', collect)
    .option('--webhook-secret <secret>', 'HMAC secret signing the --webhook deliveries')
    .option('--slack-webhook <url>', 'deliver alerts to this Slack incoming webhook (repeatable)', collect)
    .option('--body-limit <size>', 'largest request body (SBOM pushes)', '64MiB')
    .option('--agent-stale-after <duration>', 'mark deployments stale after this agent silence', '120s')
    .option('--vulndb-poll <duration>', 'how often to check the vulnerability DB for a new build', '10s')
    .option('--db-update-interval <duration>', 'run "corral db update" in-process this often (e.g. 6h)')
    .option(
      '--db-update-source <id>',
      'with --db-update-interval: update only this feed (repeatable; osv, debian, alpine, nvd, kev, epss)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--log-level <level>', 'pino log level: fatal|error|warn|info|debug|trace', 'info')
    .action(async (flags: ServerCmdFlags) => {
      await runServer(flags);
    });
}
