import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../errors.js';
import { assertDbFresh, parseDuration } from './db-age.js';

describe('--max-db-age', () => {
  it('parses durations', () => {
    assert.equal(parseDuration('72h'), 72 * 3_600_000);
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
    for (const bad of ['7', '0d', '1y', '-1h', ''])
      assert.throws(
        () => parseDuration(bad),
        (e) => isAppError(e, 'CLI_USAGE'),
      );
  });

  it('uses the newest of builtAt and the sources; unknown age fails', () => {
    const now = new Date('2025-01-10T00:00:00Z');
    const meta = {
      builtAt: '2025-01-01T00:00:00Z',
      sources: [{ lastFullAt: '2025-01-02T00:00:00Z', lastIncrementalAt: '2025-01-08T00:00:00Z' }],
    } as Parameters<typeof assertDbFresh>[0];
    assertDbFresh(meta, parseDuration('3d'), now);
    assert.throws(
      () => assertDbFresh(meta, parseDuration('1d'), now),
      (e) => isAppError(e, 'SCAN_DB_TOO_OLD'),
    );
    assert.throws(
      () => assertDbFresh({ builtAt: undefined, sources: [] }, parseDuration('1d'), now),
      (e) => isAppError(e, 'SCAN_DB_TOO_OLD') && e.hint!.includes('corral db update'),
    );
  });
});
