import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAppError } from '../../errors.js';
import { FEEDS, getFeed } from './registry.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

describe('feed registry', () => {
  it('lists exactly the importer folders on disk, once each (renovate versioning/index.spec.ts)', () => {
    const folders = readdirSync(HERE, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const ids = FEEDS.map((f) => f.id);
    assert.deepEqual([...ids].sort(), folders);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('every importer has default upstream URLs with stable unique names', () => {
    for (const feed of FEEDS) {
      const urls = feed.defaultUrls();
      assert.ok(urls.length > 0, feed.id);
      assert.equal(new Set(urls.map((u) => u.name)).size, urls.length, feed.id);
      for (const u of urls) assert.match(u.url, /^https:\/\//, `${feed.id} ${u.name}`);
    }
  });

  it('rejects unknown ids with FEED_SOURCE_UNKNOWN', () => {
    assert.throws(
      () => getFeed('grype'),
      (e) => isAppError(e, 'FEED_SOURCE_UNKNOWN'),
    );
  });
});
