import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../errors.js';
import { jsonArrayItems, jsonChildren, jsonObjectEntries } from './json-stream.js';

const DOC = JSON.stringify({
  resultsPerPage: 2,
  format: 'NVD_CVE',
  nested: { vulnerabilities: ['decoy'] },
  vulnerabilities: [
    { cve: { id: 'CVE-1', d: 'quote " brace } bracket ] comma , üñï' } },
    42,
    'str',
    null,
    [1, [2]],
  ],
  tail: true,
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Every split of the input into two chunks must give the same result (chunk-boundary bugs). */
function splits(text: string): Buffer[][] {
  const buf = Buffer.from(text);
  return Array.from({ length: buf.length + 1 }, (_, i) => [buf.subarray(0, i), buf.subarray(i)]);
}

describe('json-stream', () => {
  it('yields array elements under a top-level key, whatever the chunking', async () => {
    const want = (JSON.parse(DOC) as { vulnerabilities: unknown[] }).vulnerabilities;
    for (const chunks of splits(DOC))
      assert.deepEqual(await collect(jsonArrayItems(chunks, 'vulnerabilities')), want);
  });

  it('yields top-level object entries', async () => {
    const doc = '{"openssl": {"CVE-1": {"releases": {}}}, "a\\"b": [1], "z": 0}';
    for (const chunks of splits(doc)) {
      assert.deepEqual(await collect(jsonObjectEntries(chunks)), [
        ['openssl', { 'CVE-1': { releases: {} } }],
        ['a"b', [1]],
        ['z', 0],
      ]);
    }
  });

  it('follows nested paths and top-level arrays', async () => {
    assert.deepEqual(await collect(jsonArrayItems([DOC], 'nested')), [['decoy']]); // an object's values
    const nested = await collect(jsonChildren([DOC], ['nested', 'vulnerabilities']));
    assert.deepEqual(nested, [{ key: undefined, value: 'decoy' }]);
    assert.deepEqual(
      (await collect(jsonChildren(['[1, {"a": 2}]'], []))).map((c) => c.value),
      [1, { a: 2 }],
    );
  });

  it('rejects non-JSON, truncated input, missing paths and oversized items with FEED_FORMAT_INVALID', async () => {
    const bad = ['<html>', '', '{"vulnerabilities": [1, 2', '{"other": []}', '{"vulnerabilities": [tru]}'];
    for (const text of bad) {
      await assert.rejects(
        collect(jsonArrayItems([text], 'vulnerabilities')),
        (e) => isAppError(e, 'FEED_FORMAT_INVALID'),
        text,
      );
    }
    await assert.rejects(
      collect(
        jsonArrayItems(['{"vulnerabilities": ["0123456789"]}'], 'vulnerabilities', { maxItemBytes: 5 }),
      ),
      (e) => isAppError(e, 'FEED_FORMAT_INVALID'),
    );
  });
});
