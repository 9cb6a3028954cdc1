/**
 * Distribution artefacts: `corral db export FILE [--since VERSION]` and `corral db pull URL`.
 *
 * An artefact is a gzip-compressed tar with `metadata.json` plus either `vuln.db` (full: a `VACUUM INTO`
 * copy) or `delta.ndjson` (rows whose `gen` is above the base version, and tombstones). Next to it
 * `FILE.json` holds the same metadata plus the artefact's sha256 and size; `db pull` fetches that first
 * and verifies the artefact against it. A delta applies only to a DB of the same lineage at exactly the
 * base version; otherwise `pull` falls back to the full artefact the metadata names (`full`).
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { z } from 'zod';
import { AppError, describeError } from '../errors.js';
import { buildDb } from './build.js';
import { openForRead, type Db } from './db.js';
import { readMetadata, type DbMetadata } from './store.js';
import { applyDelta, writeDeltaRows } from './delta.js';

export const ARTIFACT_FORMAT = 'corral-vulndb';
const FORMAT_VERSION = 1;

export const ArtifactMetadata = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  formatVersion: z.number().int(),
  kind: z.enum(['full', 'delta']),
  schemaVersion: z.string(),
  dbVersion: z.number().int(),
  baseVersion: z.number().int().optional(),
  lineage: z.string(),
  builtAt: z.string().optional(),
  counts: z.record(z.number()),
  sources: z.array(
    z.object({ source: z.string(), records: z.number(), completeUntil: z.string().optional() }),
  ),
  /** sha256 of the payload entry inside the tar. */
  payloadSha256: z.string(),
  /** Only in the sidecar `FILE.json`: the artefact's file name (relative URL), size and sha256. */
  artifact: z.string().optional(),
  size: z.number().optional(),
  sha256: z.string().optional(),
  /** Delta sidecars: relative URL of a full artefact to fall back to. */
  full: z.string().optional(),
});
export type ArtifactMetadata = z.infer<typeof ArtifactMetadata>;

export interface ExportOptions {
  /** Write a delta against this DB version instead of a full artefact. */
  since?: number;
  /** Delta only: relative URL of the full artefact, recorded for `pull` fallback. */
  full?: string;
}

function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  return pipeline(createReadStream(path), async function* (src: AsyncIterable<Buffer>) {
    for await (const chunk of src) hash.update(chunk);
    yield* [];
  }).then(() => hash.digest('hex'));
}

function baseMetadata(
  meta: DbMetadata,
  kind: 'full' | 'delta',
  payloadSha256: string,
  since?: number,
): ArtifactMetadata {
  return {
    format: ARTIFACT_FORMAT,
    formatVersion: FORMAT_VERSION,
    kind,
    schemaVersion: meta.schemaVersion,
    dbVersion: meta.dbVersion,
    ...(since === undefined ? {} : { baseVersion: since }),
    lineage: meta.lineage,
    ...(meta.builtAt === undefined ? {} : { builtAt: meta.builtAt }),
    counts: meta.counts,
    sources: meta.sources.map((s) => ({
      source: s.source,
      records: s.records,
      ...(s.completeUntil ? { completeUntil: s.completeUntil } : {}),
    })),
    payloadSha256,
  };
}

async function writeTarGz(file: string, entries: { name: string; path: string }[]): Promise<void> {
  const pack = tarPack();
  const done = pipeline(pack, createGzip(), createWriteStream(file));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ name: e.name, size: statSync(e.path).size, mode: 0o644 }, (err) =>
        err ? reject(err) : resolve(),
      );
      createReadStream(e.path).on('error', reject).pipe(sink);
    });
  }
  pack.finalize();
  await done;
}

/**
 * Writes the artefact `file` and its sidecar `file.json`; returns the sidecar metadata.
 *
 * @example
 * await exportDb(dbPath, 'out/vuln-7.tar.gz');                 // full
 * await exportDb(dbPath, 'out/vuln-5-7.tar.gz', { since: 5, full: 'vuln-7.tar.gz' }); // delta
 */
export async function exportDb(
  dbPath: string,
  file: string,
  options: ExportOptions = {},
): Promise<ArtifactMetadata> {
  const db = openForRead(dbPath);
  const work = mkdtempSync(join(dirname(file), '.corral-export-'));
  try {
    const meta = readMetadata(db);
    const payload = join(work, options.since === undefined ? 'vuln.db' : 'delta.ndjson');
    if (options.since === undefined) db.prepare('VACUUM INTO ?').run(payload);
    else {
      checkSince(meta, options.since);
      await writeDeltaRows(db, options.since, payload);
    }
    const inner = baseMetadata(
      meta,
      options.since === undefined ? 'full' : 'delta',
      await sha256File(payload),
      options.since,
    );
    writeFileSync(join(work, 'metadata.json'), JSON.stringify(inner, null, 2));
    const tmp = join(work, 'artifact.tar.gz');
    await writeTarGz(tmp, [
      { name: 'metadata.json', path: join(work, 'metadata.json') },
      { name: basename(payload), path: payload },
    ]);
    await rename(tmp, file);
    const sidecar: ArtifactMetadata = {
      ...inner,
      artifact: basename(file),
      size: statSync(file).size,
      sha256: await sha256File(file),
      ...(options.full === undefined ? {} : { full: options.full }),
    };
    writeFileSync(`${file}.json`, `${JSON.stringify(sidecar, null, 2)}\n`);
    return sidecar;
  } finally {
    db.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function checkSince(meta: DbMetadata, since: number): void {
  if (!Number.isInteger(since) || since < 0 || since > meta.dbVersion) {
    throw new AppError(
      'CLI_USAGE',
      `--since ${since} is not a version of this DB (it is at version ${meta.dbVersion})`,
      {
        hint: 'pass the dbVersion of an earlier export (see its .json metadata or "corral db status --json")',
      },
    );
  }
}

/** Reads and validates artefact metadata JSON. */
export function parseArtifactMetadata(text: string, where: string): ArtifactMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppError('VULNDB_ARTIFACT_INVALID', `${where} is not JSON: ${describeError(err)}`, {
      cause: err,
    });
  }
  const parsed = ArtifactMetadata.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('VULNDB_ARTIFACT_INVALID', `${where} is not corral vulndb metadata: ${issues}`, {
      hint: 'point "db pull" at the .json written by "corral db export" or at the artefact next to it',
    });
  }
  return parsed.data;
}

/** Extracts an artefact into `dir`, checks the payload hash; returns the inner metadata. */
export async function unpackArtifact(
  artifact: string,
  dir: string,
): Promise<{ meta: ArtifactMetadata; payload: string }> {
  const extract = tarExtract();
  const feed = pipeline(createReadStream(artifact), createGunzip(), extract).catch((err: unknown) => {
    throw new AppError(
      'VULNDB_ARTIFACT_INVALID',
      `${artifact} is not a corral vulndb artefact: ${describeError(err)}`,
      { cause: err },
    );
  });
  const names: string[] = [];
  for await (const entry of extract) {
    const name = basename(entry.header.name);
    if (!['metadata.json', 'vuln.db', 'delta.ndjson'].includes(name)) {
      entry.resume();
      continue;
    }
    names.push(name);
    await pipeline(entry, createWriteStream(join(dir, name)));
  }
  await feed;
  const meta = parseArtifactMetadata(
    readFileSync(join(dir, 'metadata.json'), 'utf8'),
    `${artifact}:metadata.json`,
  );
  const payload = join(dir, meta.kind === 'full' ? 'vuln.db' : 'delta.ndjson');
  if (!existsSync(payload) || (await sha256File(payload)) !== meta.payloadSha256) {
    throw new AppError(
      'VULNDB_CHECKSUM_MISMATCH',
      `${artifact}: payload does not match its metadata sha256`,
      { hint: 'download it again' },
    );
  }
  return { meta, payload };
}

/** Replaces the DB with a full artefact's database (crash-safe). */
export async function installFull(dbPath: string, payload: string): Promise<void> {
  await buildDb(dbPath, () => Promise.resolve(), {
    seed: async (temp) => {
      await pipeline(createReadStream(payload), createWriteStream(temp));
    },
    commit: false,
  });
}

/** Applies a delta artefact's rows to the DB, which must be at `meta.baseVersion` of the same lineage. */
export async function installDelta(dbPath: string, payload: string, meta: ArtifactMetadata): Promise<void> {
  await buildDb(
    dbPath,
    async ({ db }) => {
      assertDeltaBase(db, meta);
      await applyDelta(db, payload, meta);
    },
    { commit: false },
  );
}

export function assertDeltaBase(db: Db, meta: ArtifactMetadata): void {
  const local = readMetadata(db);
  if (local.lineage !== meta.lineage || local.dbVersion !== meta.baseVersion) {
    throw new AppError(
      'VULNDB_DELTA_BASE_MISMATCH',
      `delta ${meta.baseVersion}→${meta.dbVersion} (lineage ${meta.lineage}) does not apply to the local DB at version ${local.dbVersion} (lineage ${local.lineage})`,
      { hint: 'pull the full artefact instead' },
    );
  }
}
