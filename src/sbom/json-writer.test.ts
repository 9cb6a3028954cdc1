import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from '../../test/support/golden.js';
import { streamed, writeJson } from './json-writer.js';

describe('writeJson', () => {
  it('writes the same bytes as JSON.stringify(doc, null, 2), streaming marked arrays', async () => {
    function* items() {
      for (let i = 0; i < 3000; i++)
        yield { i, name: `n${i}\n"q"`, nested: { a: [1, { b: null }], u: undefined } };
    }
    const doc = {
      a: 1,
      skipped: undefined,
      list: [1, 2],
      big: streamed(items()),
      empty: streamed([]),
      s: 'x',
      o: {},
    };
    const expected = JSON.stringify({ ...doc, big: [...items()], empty: [] }, null, 2) + '\n';
    assert.equal(await render((out) => writeJson(out, doc)), expected);
  });

  it('writes undefined array items as null, like JSON.stringify', async () => {
    const text = await render((out) => writeJson(out, { a: streamed([undefined, 1]) }));
    assert.equal(text, JSON.stringify({ a: [null, 1] }, null, 2) + '\n');
    assert.equal(await render((out) => writeJson(out, {})), '{}\n');
  });
});
