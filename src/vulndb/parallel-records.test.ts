import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { osvRecord } from '../../test/support/osv-corpus.js';
import { writeZip } from '../../test/support/zip.js';
import { isAppError } from '../errors.js';
import { openFileSource } from './feeds/read.js';
import { osvFeed } from './feeds/osv/index.js';
import { feedItems, flattenItems, unflattenItems } from './parallel-records.js';
import { prepareItem, type WriterItem } from './writer.js';

const RECORDS = fileURLToPath(new URL('./feeds/osv/testdata/records', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'corral-parallel-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(items: AsyncIterable<WriterItem>): Promise<WriterItem[]> {
  const out: WriterItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function inProcess(path: string): Promise<WriterItem[]> {
  const items = osvFeed.records(await openFileSource(path), new AbortController().signal);
  return (await collect(items)).map((i) => (i.kind === 'advisory' ? prepareItem(i) : i));
}

describe('parse worker', () => {
  it('yields the same items, in the same order, as the importer in-process', async () => {
    const zip = join(tmp, 'npm.zip');
    writeZip(
      zip,
      Array.from({ length: 700 }, (_, i) => ({ name: `${i}.json`, data: JSON.stringify(osvRecord(i)) })),
    );
    for (const path of [RECORDS, zip]) {
      const viaWorker = await collect(
        feedItems(osvFeed, await openFileSource(path), new AbortController().signal, { minBytes: 0 }),
      );
      assert.deepEqual(viaWorker, await inProcess(path), path);
    }
  });

  it('keeps small inputs in-process', async () => {
    const items = await collect(
      feedItems(osvFeed, await openFileSource(RECORDS), new AbortController().signal),
    );
    assert.ok(items.some((i) => i.kind === 'advisory'));
  });

  it('rethrows an importer failure with its error code', async () => {
    const bad = join(tmp, 'bad.zip');
    writeFileSync(bad, '<html>not a zip</html>');
    await assert.rejects(
      collect(feedItems(osvFeed, await openFileSource(bad), new AbortController().signal, { minBytes: 0 })),
      (e) => isAppError(e, 'FEED_FORMAT_INVALID'),
    );
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    const items = feedItems(osvFeed, await openFileSource(RECORDS), ac.signal, { minBytes: 0 });
    ac.abort();
    await assert.rejects(collect(items), { name: 'AbortError' });
  });

  it('flattens and restores prepared items exactly', async () => {
    const items = await inProcess(RECORDS);
    assert.deepEqual(unflattenItems(flattenItems(items)), items);
  });
});
