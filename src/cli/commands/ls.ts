/**
 * `corral ls images|deployments [--host H] [--state S] | history DIGEST [--json]` and `corral summary
 * [--json]`: read the inventory server.
 */
import type { Command } from 'commander';
import type { Deployment, FleetSummary } from '../../inventory/types.js';
import type { CorralClient } from '../../server/client.js';
import {
  addServerOptions,
  renderTable,
  serverClient,
  shortDigest,
  type ServerFlags,
} from '../server-options.js';

interface LsFlags extends ServerFlags {
  json?: boolean;
  host?: string;
  state?: string;
  limit?: string;
}

async function withClient(flags: ServerFlags, fn: (c: CorralClient) => Promise<void>): Promise<void> {
  const client = serverClient(flags);
  try {
    await fn(client);
  } finally {
    await client.close();
  }
}

function print(json: boolean | undefined, value: unknown, table: () => string): void {
  process.stdout.write(json === true ? `${JSON.stringify(value, null, 2)}\n` : table());
}

const SEVERITY_SHORT = [
  ['critical', 'C'],
  ['high', 'H'],
  ['medium', 'M'],
  ['low', 'L'],
] as const;

function deploymentRows(items: readonly Deployment[]): string[][] {
  return items.map((d) => [
    d.host,
    d.name,
    d.containerId.slice(0, 12),
    shortDigest(d.imageDigest),
    d.imageRef ?? '-',
    d.state,
    d.lastSeen,
  ]);
}

const DEPLOYMENT_HEADER = ['HOST', 'CONTAINER', 'ID', 'IMAGE', 'REF', 'STATE', 'LAST SEEN'];

function limitOf(flags: LsFlags): number {
  return flags.limit === undefined ? 100 : Math.max(1, Math.min(1000, Number(flags.limit) || 100));
}

export function registerLsCommand(program: Command): void {
  const ls = program.command('ls').description('list what the inventory server knows');
  addServerOptions(
    ls
      .command('images')
      .description('images pushed to the inventory (newest first)')
      .option('--limit <n>', 'at most this many (1-1000)', '100')
      .option('--json', 'JSON output'),
  ).action(async (flags: LsFlags) => {
    await withClient(flags, async (c) => {
      const page = await c.listImages({ limit: limitOf(flags) });
      print(flags.json, page.items, () =>
        renderTable(
          ['IMAGE', 'TAGS', 'PACKAGES', 'FINDINGS (C/H/M/L)', 'RUNNING', 'LAST PUSHED'],
          page.items.map((i) => [
            shortDigest(i.digest),
            i.repoTags.join(',') || '-',
            String(i.packages),
            SEVERITY_SHORT.map(([s]) => i.findingsBySeverity[s] ?? 0).join('/'),
            String(i.runningDeployments),
            i.lastPushed,
          ]),
        ),
      );
    });
  });
  addServerOptions(
    ls
      .command('deployments')
      .description('containers reported by agents')
      .option('--host <host>', 'only this host')
      .option('--state <state>', 'running, stopped or stale')
      .option('--limit <n>', 'at most this many (1-1000)', '100')
      .option('--json', 'JSON output'),
  ).action(async (flags: LsFlags) => {
    await withClient(flags, async (c) => {
      const page = await c.listDeployments(
        {
          ...(flags.host !== undefined && { host: flags.host }),
          ...(flags.state !== undefined && { state: flags.state }),
        },
        { limit: limitOf(flags) },
      );
      print(flags.json, page.items, () => renderTable(DEPLOYMENT_HEADER, deploymentRows(page.items)));
    });
  });
  addServerOptions(
    ls
      .command('history')
      .description('deployments of one image over time')
      .argument('<digest>', 'image digest (sha256:…)')
      .option('--json', 'JSON output'),
  ).action(async (digest: string, flags: LsFlags) => {
    await withClient(flags, async (c) => {
      const items = await c.imageHistory(digest);
      print(flags.json, items, () => renderTable(DEPLOYMENT_HEADER, deploymentRows(items)));
    });
  });
}

export function renderSummary(s: FleetSummary): string {
  const sev = SEVERITY_SHORT.map(([k]) => `${k} ${s.findingsBySeverity[k] ?? 0}`).join(', ');
  const lines = [
    `images:       ${s.images}`,
    `deployments:  ${s.deployments.running} running, ${s.deployments.stopped} stopped, ${s.deployments.stale} stale`,
    `findings:     ${sev}`,
    `KEV exposure: ${s.kevExposure.vulnerabilities} vulnerabilities in ${s.kevExposure.runningDeployments} running deployments`,
  ];
  if (s.oldestUnpatchedCritical !== undefined)
    lines.push(
      `oldest unpatched critical: ${s.oldestUnpatchedCritical.vulnerability} in ${shortDigest(s.oldestUnpatchedCritical.imageDigest)} since ${s.oldestUnpatchedCritical.since}`,
    );
  return `${lines.join('\n')}\n`;
}

export function registerSummaryCommand(program: Command): void {
  addServerOptions(
    program
      .command('summary')
      .description('fleet summary from the inventory server')
      .option('--json', 'JSON output'),
  ).action(async (flags: LsFlags) => {
    await withClient(flags, async (c) => {
      const s = await c.summary();
      print(flags.json, s, () => renderSummary(s));
    });
  });
}
