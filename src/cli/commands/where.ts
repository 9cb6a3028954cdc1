/**
 * `corral where CVE-…|GHSA-…|pkg:… [--range R] [--running] [--json]`: which images contain a
 * vulnerability or package, who built them, and where they run (asks the inventory server).
 */
import type { Command } from 'commander';
import type { WhereImage } from '../../inventory/types.js';
import {
  addServerOptions,
  renderTable,
  serverClient,
  shortDigest,
  type ServerFlags,
} from '../server-options.js';
import { createOutput } from '../ui/output.js';

interface WhereFlags extends ServerFlags {
  range?: string;
  running?: boolean;
  json?: boolean;
}

export function renderWhere(images: readonly WhereImage[]): string {
  const rows: string[][] = [];
  for (const img of images) {
    const builtBy = img.provenance?.repository ?? img.provenance?.builder ?? '-';
    img.matches.forEach((m, i) => {
      rows.push([
        i === 0 ? shortDigest(img.digest) : '',
        i === 0 ? img.repoTags.join(',') || '-' : '',
        i === 0 ? builtBy : '',
        m.package.name,
        m.package.version,
        m.fixedIn ?? (m.fixState === 'not-fixed' || m.fixState === 'wont-fix' ? `(${m.fixState})` : '-'),
        m.vulnerability ?? '',
      ]);
    });
    if (img.matches.length === 0)
      rows.push([shortDigest(img.digest), img.repoTags.join(',') || '-', builtBy, '-', '-', '-', '']);
    for (const d of img.deployments)
      rows.push([
        `  └ ${d.host}${d.cluster !== undefined ? `/${d.cluster}` : ''}`,
        `${d.namespace !== undefined ? `${d.namespace}/` : ''}${d.name} (${d.containerId.slice(0, 12)})`,
        `${d.state} since ${d.startedAt ?? d.firstSeen}`,
        '',
        '',
        '',
        '',
      ]);
  }
  return renderTable(['IMAGE', 'TAGS', 'BUILT BY', 'PACKAGE', 'INSTALLED', 'FIXED', 'VULNERABILITY'], rows);
}

export function registerWhereCommand(program: Command): void {
  addServerOptions(
    program
      .command('where')
      .description('which images contain a vulnerability or package, and where they run')
      .argument('<what>', 'a vulnerability id (CVE-…, GHSA-…) or a package URL (pkg:deb/debian/openssl)')
      .option('--range <range>', 'version range for a package URL, e.g. "<3.0.12"')
      .option('--running', 'only images running now, and only their running deployments')
      .option('--json', 'JSON output'),
  ).action(async (what: string, flags: WhereFlags) => {
    const client = serverClient(flags);
    try {
      const images = await client.where({
        ...(what.startsWith('pkg:') ? { purl: what } : { vulnerability: what }),
        ...(flags.range !== undefined && { versionRange: flags.range }),
        ...(flags.running === true && { running: true }),
      });
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
        return;
      }
      if (images.length === 0) {
        createOutput().info(`no image in the inventory contains ${what}`);
        return;
      }
      process.stdout.write(renderWhere(images));
    } finally {
      await client.close();
    }
  });
}
