import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRetryableStatus, MAX_RETRY_DELAY_MS, parseRetryAfter, retryDelayMs } from './retry.js';

void describe('retry policy', () => {
  void test('retries 429 and 5xx except 501; never 4xx answers', () => {
    assert.deepEqual([429, 500, 502, 503, 504, 501, 400, 401, 403, 404].map(isRetryableStatus), [
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  void test('Retry-After: delta seconds and HTTP dates', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  void test('backoff doubles with half jitter, honours a longer Retry-After, and is capped', () => {
    const policy = { retries: 4, baseMs: 100 };
    for (let attempt = 0; attempt < 4; attempt++) {
      const d = retryDelayMs(policy, attempt);
      const exp = 100 * 2 ** attempt;
      assert.ok(d >= exp / 2 && d <= exp, `attempt ${attempt}: ${d}`);
    }
    assert.equal(retryDelayMs(policy, 0, 5000), 5000);
    assert.equal(retryDelayMs(policy, 0, 10 * MAX_RETRY_DELAY_MS), MAX_RETRY_DELAY_MS);
  });
});
