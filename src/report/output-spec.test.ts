import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collector } from '../../test/support/golden.js';
import { scanResultFixture } from '../../test/support/scan-result-fixture.js';
import { isAppError, type ErrorCode } from '../errors.js';
import { checkOutputsWritable, parseOutputSpecs, writeFileAtomically, writeReports } from './output-spec.js';

const ESC = '\u001b';
const withCode = (code: ErrorCode) => (err: unknown) => isAppError(err, code);

describe('output specs (-o FORMAT[=FILE])', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'corral-report-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parses formats and files; no -o means the table on stdout', () => {
    assert.deepEqual(
      parseOutputSpecs([]).map((s) => [s.writer.id, s.file]),
      [['table', undefined]],
    );
    assert.deepEqual(
      parseOutputSpecs(['json', 'sarif=out/scan.sarif', 'junit=a=b.xml']).map((s) => [s.writer.id, s.file]),
      [
        ['json', undefined],
        ['sarif', 'out/scan.sarif'],
        ['junit', 'a=b.xml'],
      ],
    );
  });

  it('rejects unknown formats, empty file names, two stdout reports and one file twice', () => {
    assert.throws(() => parseOutputSpecs(['xml']), withCode('CLI_USAGE'));
    assert.throws(() => parseOutputSpecs(['sarif=']), withCode('CLI_USAGE'));
    assert.throws(() => parseOutputSpecs(['table', 'json']), withCode('CLI_USAGE'));
    assert.throws(() => parseOutputSpecs(['json=r.json', 'sarif=./r.json']), withCode('CLI_USAGE'));
  });

  it('writes every report, files atomically and without colour, the stdout one with the colour asked', async () => {
    const specs = parseOutputSpecs([
      'table',
      `json=${join(dir, 'scan.json')}`,
      `table=${join(dir, 'scan.txt')}`,
    ]);
    const stdout = collector();
    const written: string[] = [];
    await writeReports(scanResultFixture(), specs, {
      stdout: stdout.out,
      color: true,
      failOn: 'high',
      onFileWritten: (s) => written.push(s.writer.id),
    });
    assert.deepEqual(written, ['json', 'table']);
    assert.ok(stdout.text().includes(ESC));
    assert.ok(!(await readFile(join(dir, 'scan.txt'), 'utf8')).includes(ESC));
    assert.equal(
      (JSON.parse(await readFile(join(dir, 'scan.json'), 'utf8')) as { schemaVersion: number }).schemaVersion,
      1,
    );
    assert.deepEqual((await readdir(dir)).sort(), ['scan.json', 'scan.txt'], 'no temporary files left');
  });

  it('leaves the old file and no temporary one when writing fails', async () => {
    const file = join(dir, 'keep.json');
    await writeFile(file, 'old');
    await assert.rejects(
      writeFileAtomically(file, async (out) => {
        out.write('half');
        throw new Error('boom');
      }),
      withCode('REPORT_WRITE_FAILED'),
    );
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.startsWith('keep.json')),
      ['keep.json'],
    );
  });

  it('fails fast on a directory that does not exist', async () => {
    await assert.rejects(
      checkOutputsWritable(parseOutputSpecs([`sarif=${join(dir, 'missing', 'x.sarif')}`])),
      withCode('REPORT_WRITE_FAILED'),
    );
    await checkOutputsWritable(parseOutputSpecs(['table', `json=${join(dir, 'ok.json')}`]));
  });
});
