import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { render } from '../../test/support/golden.js';
import { scanResultFixture } from '../../test/support/scan-result-fixture.js';
import { isAppError } from '../errors.js';
import { isReportId, REPORT_WRITERS, reportFor } from './registry.js';
import { CORRAL_TOOL } from './tool.js';

const HERE = import.meta.dirname;
const NOT_WRITERS = new Set(['testdata']);

describe('report registry', () => {
  it('lists exactly one writer per folder, ids unique, each folder with index.ts, a test and README.md', async () => {
    const folders: string[] = [];
    for (const e of await readdir(HERE, { withFileTypes: true })) {
      if (e.isDirectory() && !NOT_WRITERS.has(e.name)) folders.push(e.name);
    }
    const ids = REPORT_WRITERS.map((w) => w.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    assert.deepEqual([...ids].sort(), folders.sort());
    for (const f of folders) {
      const files = await readdir(join(HERE, f));
      assert.ok(files.includes('index.ts'), `${f}/index.ts`);
      assert.ok(files.includes('README.md'), `${f}/README.md`);
      assert.ok(
        files.some((x) => x.endsWith('.test.ts')),
        `${f} has a test`,
      );
    }
  });

  it('has the format names the issue and `corral sbom` use', () => {
    assert.deepEqual(
      REPORT_WRITERS.map((w) => w.id),
      ['table', 'json', 'sarif', 'junit', 'cyclonedx-json', 'gitlab', 'markdown'],
    );
  });

  it('finds writers by id and rejects unknown ids with CLI_USAGE naming the valid ones', () => {
    assert.equal(reportFor('sarif').id, 'sarif');
    assert.ok(isReportId('junit'));
    assert.ok(!isReportId('xml'));
    assert.throws(
      () => reportFor('xml'),
      (err: unknown) =>
        isAppError(err, 'CLI_USAGE') &&
        err.hint === `use one of: ${REPORT_WRITERS.map((w) => w.id).join(', ')}`,
    );
  });

  it('every writer is deterministic and does not end the stream', async () => {
    for (const w of REPORT_WRITERS) {
      const a = await render((out) => w.write(scanResultFixture(), out, { color: false, failOn: 'high' }));
      const b = await render((out) => w.write(scanResultFixture(), out, { color: false, failOn: 'high' }));
      const strip = (s: string): string => s.replace(/urn:uuid:[0-9a-f-]+/g, '');
      assert.equal(strip(a), strip(b), w.id);
      assert.ok(a.endsWith('\n'), `${w.id} ends with a newline`);
    }
  });

  it('names the tool with the version of package.json', async () => {
    const pkg = JSON.parse(await readFile(join(HERE, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(CORRAL_TOOL.version, pkg.version);
    assert.ok((await stat(join(HERE, 'json', 'scan-result.schema.json'))).isFile());
  });
});
