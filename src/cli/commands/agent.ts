/**
 * `corral agent docker --server URL [--token T]`: reports the containers of a Docker Engine to the
 * inventory server and keeps it up to date (see src/collect/README.md). `--once` sends one snapshot,
 * pushes the SBOMs of images the server does not know, and exits.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { DockerAgent, secondsOption } from '../../collect/docker/agent.js';
import { createServerLink } from '../../collect/docker/server-link.js';
import { AppError, describeError } from '../../errors.js';
import { limitsFromFlags, type ImageFlags } from '../image-options.js';
import { createOutput } from '../ui/output.js';

interface AgentDockerFlags extends Pick<
  ImageFlags,
  'maxImageSize' | 'maxLayerSize' | 'maxFileSize' | 'maxEntries'
> {
  server: string;
  token?: string;
  ca?: string;
  dockerHost?: string;
  hostName?: string;
  cluster?: string;
  label?: string[];
  agentId?: string;
  once?: boolean;
  resyncInterval?: string;
  heartbeatInterval?: string;
  bufferSize?: string;
  json?: boolean;
}

const DEFAULT_RESYNC_S = 300;
const DEFAULT_HEARTBEAT_S = 30;

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new AppError('CLI_USAGE', `${flag} must be a positive integer, got "${text}"`);
  return n;
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new AppError('CLI_USAGE', `cannot read --ca ${path}: ${describeError(err)}`, {
      hint: 'give the PEM CA certificate of an https server',
    });
  }
}

async function runDockerAgent(flags: AgentDockerFlags): Promise<void> {
  const out = createOutput();
  if (flags.token === undefined || flags.token === '')
    throw new AppError('CLI_USAGE', 'the agent needs an API token', {
      hint: 'pass --token or set CORRAL_TOKEN (create one with: corral token create NAME --role agent)',
    });
  const resyncIntervalMs = secondsOption('--resync-interval', flags.resyncInterval, DEFAULT_RESYNC_S);
  const heartbeatIntervalMs = secondsOption(
    '--heartbeat-interval',
    flags.heartbeatInterval,
    DEFAULT_HEARTBEAT_S,
  );
  const bufferCapacity = positiveInt('--buffer-size', flags.bufferSize);
  const limits = limitsFromFlags(flags);
  const log = { info: (m: string) => out.info(m), warn: (m: string) => out.warn(m) };
  const host = flags.hostName ?? hostname();
  // the agent id must be stable across restarts: by default one per host name
  const agentId = flags.agentId ?? `docker-${host}`;
  const server = createServerLink({
    url: flags.server,
    token: flags.token,
    agentId,
    ...(flags.ca !== undefined && { ca: readCa(flags.ca) }),
  });
  const agent = new DockerAgent({
    server,
    host,
    ...(flags.dockerHost !== undefined && { dockerHost: flags.dockerHost }),
    ...(flags.cluster !== undefined && { cluster: flags.cluster }),
    ...(flags.label !== undefined && { labels: flags.label }),
    resyncIntervalMs,
    heartbeatIntervalMs,
    ...(bufferCapacity !== undefined && { bufferCapacity }),
    limits,
    log,
  });

  if (flags.once === true) {
    const r = await agent.runOnce();
    if (flags.json === true)
      process.stdout.write(`${JSON.stringify({ agentId, host: agent.host, ...r }, null, 2)}\n`);
    else {
      process.stdout.write(
        `reported ${r.containers} running containers of ${agent.host} as agent ${agentId}; ` +
          `${r.unknownDigests.length} unknown images, ${r.pushed.length} pushed\n`,
      );
    }
    for (const f of r.failed) out.warn(`cannot push ${f.digest}: ${f.error}`);
    if (r.failed.length > 0) process.exitCode = 1;
    return;
  }

  const ac = new AbortController();
  const stop = (): void => {
    log.info('stopping');
    ac.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log.info(`agent ${agentId}: reporting the containers of ${agent.host} to ${server.display}`);
  try {
    await agent.run(ac.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function registerAgentCommand(program: Command): void {
  const agent = program.command('agent').description('report what runs where to the inventory server');
  agent
    .command('docker')
    .description('watch a Docker Engine and report its running containers (and unknown images) to the server')
    .requiredOption('--server <url>', 'inventory server base URL (https://corral.example:8443)')
    .addOption(new Option('--token <token>', 'API token with role "agent"').env('CORRAL_TOKEN'))
    .addOption(new Option('--ca <file>', 'PEM CA to trust for an https server').env('CORRAL_SERVER_CA'))
    .addOption(
      new Option(
        '--docker-host <url>',
        'Docker Engine endpoint (unix:///var/run/docker.sock, tcp://HOST:PORT)',
      ).env('DOCKER_HOST'),
    )
    .option('--host-name <name>', "host name to report (default: this machine's host name)")
    .option('--cluster <name>', 'cluster or fleet name to report with every container')
    .option(
      '--label <key[=value]>',
      'report only containers with this label (repeatable: all must match)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--agent-id <id>', 'stable agent identity (default: docker-<host name>)')
    .option('--once', 'send one snapshot, push the SBOMs of unknown images, and exit')
    .option('--resync-interval <seconds>', `full resynchronisation interval (default ${DEFAULT_RESYNC_S})`)
    .option('--heartbeat-interval <seconds>', `heartbeat interval (default ${DEFAULT_HEARTBEAT_S})`)
    .option('--buffer-size <events>', 'events kept while the server is unreachable (default 10000)')
    .option('--max-image-size <size>', 'cap on decompressed bytes of an image catalogued from the daemon')
    .option('--max-layer-size <size>', 'cap on decompressed bytes of one layer')
    .option('--max-file-size <size>', 'cap on one file read from an image')
    .option('--max-entries <n>', 'cap on tar entries per layer')
    .option('--json', '--once: print the result as JSON')
    .action(runDockerAgent);
}
