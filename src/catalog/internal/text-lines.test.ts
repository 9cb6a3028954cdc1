import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBlank, splitLines } from './text-lines.js';

describe('splitLines', () => {
  it('numbers lines, drops \\r before \\n, flags the unterminated last line', () => {
    const lines = [...splitLines('a\r\n\nb\nc', 10)];
    assert.deepEqual(
      lines.map((l) => [l.number, l.text, l.unterminated]),
      [
        [1, 'a', false],
        [2, '', false],
        [3, 'b', false],
        [4, 'c', true],
      ],
    );
  });

  it('cuts over-long lines and says so', () => {
    const [line] = [...splitLines(`${'x'.repeat(20)}\n`, 8)];
    assert.deepEqual([line!.text, line!.tooLong], ['xxxxxxxx', true]);
  });

  it('an empty text has no lines', () => assert.deepEqual([...splitLines('', 8)], []));
  it('blank = spaces and tabs only', () => {
    assert.equal(isBlank(' \t'), true);
    assert.equal(isBlank(' x'), false);
  });
});
