import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLicense, conjunction, splitConjunction } from './license.js';

// Expression syntax: https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/ (ids are case-sensitive
// in spdx-expression-parse; operators are accepted in lower case and written in upper case).
describe('license helpers', () => {
  const classify: Array<[string, ReturnType<typeof classifyLicense>]> = [
    ['MIT', { kind: 'id', id: 'MIT' }],
    ['GPL-2.0', { kind: 'id', id: 'GPL-2.0' }],
    ['GPL-2.0+', { kind: 'expression', expression: 'GPL-2.0+' }],
    ['LicenseRef-acme', { kind: 'expression', expression: 'LicenseRef-acme' }],
    ['DocumentRef-x:LicenseRef-y', { kind: 'expression', expression: 'DocumentRef-x:LicenseRef-y' }],
    ['Apache-2.0 WITH LLVM-exception', { kind: 'expression', expression: 'Apache-2.0 WITH LLVM-exception' }],
    ['(MIT OR Apache-2.0)', { kind: 'expression', expression: 'MIT OR Apache-2.0' }],
    ['mit or apache-2.0', { kind: 'text', text: 'mit or apache-2.0' }],
    ['GPLv2+', { kind: 'text', text: 'GPLv2+' }],
    ['', { kind: 'text', text: '' }],
  ];
  for (const [input, want] of classify)
    it(`classifies ${JSON.stringify(input)}`, () => assert.deepEqual(classifyLicense(input), want));

  it('joins and splits conjunctions so that lists survive a round trip', () => {
    const lists = [
      ['MIT'],
      ['MIT', 'BSD-3-Clause'],
      ['MIT OR Apache-2.0', 'BSD-3-Clause'],
      ['(MIT AND BSD-2-Clause) OR ISC', 'LicenseRef-x'],
    ];
    for (const list of lists) assert.deepEqual(splitConjunction(conjunction(list)!), list, list.join(' | '));
    assert.equal(conjunction(['MIT OR Apache-2.0', 'BSD-3-Clause']), '(MIT OR Apache-2.0) AND BSD-3-Clause');
    assert.equal(conjunction(['MIT', 'some text']), undefined);
    assert.equal(conjunction([]), undefined);
    assert.deepEqual(splitConjunction('not an expression'), ['not an expression']);
  });
});
