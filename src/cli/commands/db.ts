/**
 * `corral db update|import|export|pull|status`: the local vulnerability database (src/vulndb/README.md).
 * Human messages go to stderr; `status` prints to stdout (`--json` for machines).
 */
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { defaultDbPath } from '../../vulndb/db.js';
import { exportDb } from '../../vulndb/export.js';
import { feedIds } from '../../vulndb/feeds/registry.js';
import { importPath } from '../../vulndb/import.js';
import { pullDb } from '../../vulndb/pull.js';
import { openVulnStore, type DbMetadata } from '../../vulndb/store.js';
import { updateDb, type UpdateEvent } from '../../vulndb/update.js';
import { createOutput, paint, type Output } from '../ui/output.js';
import { createProgress, human, type Progress } from '../ui/progress.js';

const HOUR_MS = 3600 * 1000;
const DEFAULT_MAX_AGE = '72h';

interface DbFlags {
  db?: string;
}

function dbPath(flags: DbFlags): string {
  return flags.db ?? defaultDbPath();
}

/** `90m`, `72h`, `3d` → milliseconds. */
export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d)?$/.exec(raw.trim());
  if (!m) throw new AppError('CLI_USAGE', `invalid duration "${raw}"`, { hint: 'use e.g. 90m, 72h or 3d' });
  const unit = { m: HOUR_MS / 60, h: HOUR_MS, d: 24 * HOUR_MS }[(m[2] ?? 'h') as 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

function withDbOption(cmd: Command): Command {
  return cmd.option(
    '--db <path>',
    'database file (default: $CORRAL_HOME/db/vuln.db or ~/.cache/corral/db/vuln.db)',
  );
}

/** Progress on a TTY, one line per step otherwise (CI logs; the crash test reads these lines). */
function updateReporter(out: Output, progress: Progress): (e: UpdateEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'source':
        out.info(`${e.source}: ${e.mode} update, ${e.files} file(s)`);
        break;
      case 'download':
        if (e.total !== undefined && e.bytes === e.total) progress.stop();
        else if (e.total !== undefined) progress.start(`${e.source} ${e.name}`, e.total);
        break;
      case 'downloaded':
        progress.stop();
        out.info(
          `${e.source}: ${e.name} ${e.status === 'ok' ? `downloaded (${human(e.bytes)})` : 'not modified'}`,
        );
        break;
      case 'import':
        break;
      case 'unknown':
        if (process.env.CORRAL_DEBUG)
          out.hint(`${e.source}: [${e.unknown.code}] ${e.unknown.location}: ${e.unknown.message}`);
        break;
      case 'phase':
        out.info(`db: ${e.phase}`);
        break;
    }
  };
}

function registerUpdate(db: Command): void {
  withDbOption(
    db
      .command('update')
      .description('download every enabled feed (incrementally where possible) and update the DB atomically')
      .option('--source <ids...>', `only these sources (${feedIds().join(', ')})`)
      .option('--full', 'ignore incremental state and ETags; download everything'),
  ).action(async (flags: DbFlags & { source?: string[]; full?: boolean }) => {
    const out = createOutput();
    const progress = createProgress();
    const report = await updateDb(dbPath(flags), {
      ...(flags.source ? { sources: flags.source } : {}),
      ...(flags.full ? { full: true } : {}),
      onEvent: updateReporter(out, progress),
    });
    progress.stop();
    for (const s of report.sources) {
      const st = s.stats;
      out.info(
        `${s.source}: ${st.written} written, ${st.unchanged} unchanged, ${st.deleted} deleted, ${st.unknowns} skipped (bad data)`,
      );
    }
    out.info(
      paint(out.color, 'green', `vulnerability DB updated to version ${report.dbVersion}: ${dbPath(flags)}`),
    );
  });
}

function registerImport(db: Command): void {
  withDbOption(
    db
      .command('import')
      .description('import a feed from a local file, directory or zip (offline)')
      .argument('<path>', 'file, directory or zip in the upstream format')
      .requiredOption('--source <id>', `feed format: ${feedIds().join(', ')}`)
      .option('--replace', 'the input is the complete feed: delete rows of this source it does not contain'),
  ).action(async (path: string, flags: DbFlags & { source: string; replace?: boolean }) => {
    const out = createOutput();
    const stats = await importPath(dbPath(flags), path, {
      source: flags.source,
      ...(flags.replace ? { replace: true } : {}),
      onUnknown: (u) => {
        if (process.env.CORRAL_DEBUG) out.hint(`[${u.code}] ${u.location}: ${u.message}`);
      },
    });
    out.info(
      `${flags.source}: ${stats.written} written, ${stats.unchanged} unchanged, ${stats.deleted} deleted`,
    );
    if (stats.unknowns > 0) {
      out.warn(
        `${stats.unknowns} item(s) skipped because of bad data (rerun with CORRAL_DEBUG=1 to list them)`,
      );
      for (const u of stats.unknownSamples.slice(0, 5)) out.hint(`[${u.code}] ${u.location}`);
    }
  });
}

function registerExport(db: Command): void {
  withDbOption(
    db
      .command('export')
      .description('write a compressed artefact (+ FILE.json metadata) for "db pull"; --since writes a delta')
      .argument('<file>', 'artefact to write, e.g. vuln.tar.gz')
      .option('--since <version>', 'write a delta against this DB version')
      .option(
        '--full-artifact <name>',
        'delta only: relative URL of a full artefact for pull to fall back to',
      ),
  ).action(async (file: string, flags: DbFlags & { since?: string; fullArtifact?: string }) => {
    const since = flags.since === undefined ? undefined : Number(flags.since);
    if (since !== undefined && !Number.isInteger(since))
      throw new AppError('CLI_USAGE', `--since ${flags.since} is not a version number`);
    const meta = await exportDb(dbPath(flags), file, {
      ...(since !== undefined ? { since } : {}),
      ...(flags.fullArtifact ? { full: flags.fullArtifact } : {}),
    });
    createOutput().info(
      `${meta.kind} artefact of DB version ${meta.dbVersion} written to ${file} (${human(meta.size ?? 0)}, sha256 ${meta.sha256})`,
    );
  });
}

function registerPull(db: Command): void {
  withDbOption(
    db
      .command('pull')
      .description('download an exported artefact, verify its sha256 and install it (delta when possible)')
      .argument('<url>', 'URL or path of the artefact or of its .json metadata'),
  ).action(async (url: string, flags: DbFlags) => {
    const out = createOutput();
    const r = await pullDb(dbPath(flags), url, {
      onEvent: (e) => (e.type === 'fetch' ? out.info(`fetching ${e.url}`) : undefined),
    });
    if (r.fellBack) out.warn('the delta did not match the local DB; installed the full artefact instead');
    out.info(paint(out.color, 'green', `installed ${r.kind} DB version ${r.dbVersion} at ${dbPath(flags)}`));
  });
}

export interface StatusReport extends DbMetadata {
  path: string;
  ageHours: number | undefined;
  maxAgeHours: number;
  stale: boolean;
}

export function statusReport(
  path: string,
  meta: DbMetadata,
  maxAgeMs: number,
  now = Date.now(),
): StatusReport {
  const age = meta.builtAt === undefined ? undefined : now - Date.parse(meta.builtAt);
  return {
    path,
    ...meta,
    ageHours: age === undefined ? undefined : Math.round((age / HOUR_MS) * 10) / 10,
    maxAgeHours: maxAgeMs / HOUR_MS,
    stale: age === undefined || age > maxAgeMs,
  };
}

function printStatus(r: StatusReport, out: Output): void {
  const lines = [
    `database:  ${r.path}`,
    `schema:    ${r.schemaVersion}   version: ${r.dbVersion}`,
    `built:     ${r.builtAt ?? 'never'}${r.ageHours === undefined ? '' : ` (${r.ageHours} h ago)`}`,
    `contents:  ${r.counts.vulnerabilities} vulnerabilities, ${r.counts.advisories} advisories, ${r.counts.affected} affected packages, ${r.counts.kev} KEV, ${r.counts.epss} EPSS`,
    'sources:',
    ...r.sources.map(
      (s) =>
        `  ${s.source.padEnd(7)} ${String(s.records).padStart(8)} records  updated ${s.lastFullAt ?? s.lastIncrementalAt ?? 'never'}${s.unknowns > 0 ? `  (${s.unknowns} bad items skipped)` : ''}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (r.stale)
    out.warn(`the DB is older than ${r.maxAgeHours} h; run "corral db update" (or "corral db pull URL")`);
}

function registerStatus(db: Command): void {
  withDbOption(
    db
      .command('status')
      .description('show age, per-source counts and freshness of the DB')
      .option('--json', 'print machine-readable JSON')
      .option(
        '--max-age <duration>',
        'warn when the DB is older than this (e.g. 72h, 3d)',
        process.env.CORRAL_DB_MAX_AGE ?? DEFAULT_MAX_AGE,
      ),
  ).action((flags: DbFlags & { json?: boolean; maxAge: string }) => {
    const path = dbPath(flags);
    const store = openVulnStore(path);
    let report: StatusReport;
    try {
      report = statusReport(path, store.metadata(), parseDuration(flags.maxAge));
    } finally {
      store.close();
    }
    if (flags.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printStatus(report, createOutput());
  });
}

export function registerDbCommand(program: Command): void {
  const db = program.command('db').description('manage the local vulnerability database');
  registerUpdate(db);
  registerImport(db);
  registerExport(db);
  registerPull(db);
  registerStatus(db);
}
