/**
 * `corral db import PATH --source ID`: the offline path. Same crash-safe build as `db update`
 * ({@link buildDb}); records are upserted, and with `replace` every row of the source that the input
 * did not contain is deleted (the input is then the complete feed).
 */
import { basename, resolve } from 'node:path';
import { buildDb } from './build.js';
import { getFeed } from './feeds/registry.js';
import { openFileSource } from './feeds/read.js';
import { feedItems } from './parallel-records.js';
import type { ImportStats, UnknownItem } from './writer.js';

export interface ImportPathOptions {
  source: string;
  replace?: boolean;
  signal?: AbortSignal;
  onProgress?: (items: number) => void;
  onUnknown?: (u: UnknownItem) => void;
}

/**
 * @example
 * const stats = await importPath('/root/.cache/corral/db/vuln.db', 'npm-all.zip', { source: 'osv' });
 */
export async function importPath(
  dbPath: string,
  path: string,
  options: ImportPathOptions,
): Promise<ImportStats> {
  const feed = getFeed(options.source);
  const src = await openFileSource(path);
  const signal = options.signal ?? new AbortController().signal;
  const origin = `import:${basename(resolve(path))}`;
  return buildDb(dbPath, async ({ writer }) => {
    const stats = await writer.importItems(
      { source: feed.id, origin, mode: options.replace === true ? 'full' : 'upsert', sweep: 'source' },
      feedItems(feed, src, signal),
      {
        signal,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.onUnknown ? { onUnknown: options.onUnknown } : {}),
      },
    );
    const now = new Date().toISOString();
    writer.recordFile(feed.id, {
      name: origin,
      url: `file://${resolve(path)}`,
      fetchedAt: now,
      checkedAt: now,
      records: stats.items - stats.unknowns,
    });
    writer.recordSource(feed.id, {
      importerVersion: feed.version,
      full: options.replace === true,
      unknowns: stats.unknowns,
    });
    return stats;
  });
}
