import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../errors.js';
import { planOutputs } from './sbom.js';

const plan = (specs: string[], file?: string) =>
  planOutputs(specs, file).map((p) => `${p.format.id}>${p.file ?? '-'}`);

describe('planOutputs', () => {
  it('defaults to a table on stdout', () => assert.deepEqual(plan([]), ['table>-']));
  it('sends FORMAT=FILE to files and --file to the one without', () => {
    assert.deepEqual(plan(['cyclonedx-json=a.json', 'spdx-json=b.json', 'table']), [
      'cyclonedx-json>a.json',
      'spdx-json>b.json',
      'table>-',
    ]);
    assert.deepEqual(plan(['json', 'spdx-json=b.json'], 'a.json'), ['json>a.json', 'spdx-json>b.json']);
    assert.deepEqual(plan([], 'out.txt'), ['table>out.txt']);
  });
  const bad: Array<[string[], string | undefined, string]> = [
    [['xml'], undefined, 'SBOM_FORMAT_UNKNOWN'],
    [['json', 'table'], undefined, 'CLI_USAGE'],
    [['json', 'table'], 'x.json', 'CLI_USAGE'],
    [['json=a.json'], 'b.json', 'CLI_USAGE'],
    [['json='], undefined, 'CLI_USAGE'],
    [['json=a.json', 'spdx-json=./a.json'], undefined, 'CLI_USAGE'],
  ];
  for (const [specs, file, code] of bad) {
    it(`rejects ${specs.join(' ')}${file ? ` --file ${file}` : ''} with ${code}`, () =>
      assert.throws(
        () => planOutputs(specs, file),
        (e) => isAppError(e, code as 'CLI_USAGE'),
      ));
  }
});
