/**
 * The CI examples in examples/ run the real CLI: each file's `npx corral scan …` line is taken from the
 * file as written, `$IMAGE` is replaced by the bundled demo image, report files are redirected into a
 * temporary directory and `--db` points at a DB imported from the bundled demo feeds. The reports the CI
 * system then consumes (the file names the example hands to junit / upload-sarif / GitLab) must exist
 * and parse.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { buildFixtureDb } from '../support/fixture-vulndb.js';
import { readJunit } from '../support/junit-reader.js';
import { validateGitlab } from '../support/report-validate.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');
const DEMO_IMAGE = join(ROOT, 'demo', 'demo-image.tar');

let work: string;
let db: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-ci-examples-'));
  db = await buildFixtureDb(work, [join(ROOT, 'demo', 'feeds')]);
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The `npx corral scan …` command of an example, as argv (double quotes removed, `$IMAGE` kept). */
function scanCommand(text: string): string[] {
  const m = /npx corral (scan [^'\n]+)/.exec(text);
  assert.ok(m, 'no "npx corral scan" line');
  return m[1]!
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/^"(.*)"$/, '$1'));
}

/** argv for the test: demo image, report files under `dir`; returns them with the files by format. */
function localise(argv: readonly string[], dir: string): { args: string[]; files: Map<string, string> } {
  const files = new Map<string, string>();
  const args = argv.map((a, i) => {
    if (a === '$IMAGE' || a === '${IMAGE}') return DEMO_IMAGE;
    const spec = /^([a-z-]+)=(.+)$/.exec(a);
    if (argv[i - 1] === '-o' && spec !== null) {
      files.set(spec[1]!, spec[2]!);
      return `${spec[1]}=${join(dir, spec[2]!)}`;
    }
    return a;
  });
  return { args: [...args, '--db', db], files };
}

async function runExample(name: string): Promise<{ text: string; files: Map<string, string>; dir: string }> {
  const text = await readFile(join(EXAMPLES, name), 'utf8');
  const dir = await mkdtemp(join(work, 'run-'));
  const { args, files } = localise(scanCommand(text), dir);
  const r = await runCli(args);
  // the demo image has high findings: the gate fails (exit 1) and the reports are still written
  assert.equal(r.code, 1, r.stderr);
  for (const f of files.values()) assert.ok(existsSync(join(dir, f)), `${f} not written`);
  return { text, files, dir };
}

describe('examples/ (CI configurations)', () => {
  it('Jenkinsfile: JUnit for the junit step and SARIF to archive', async () => {
    const { text, files, dir } = await runExample('Jenkinsfile');
    const junitFile = files.get('junit')!;
    assert.match(text, new RegExp(`junit '${junitFile}'`));
    assert.match(text, new RegExp(`archiveArtifacts artifacts: '${files.get('sarif')!}'`));
    const report = readJunit(await readFile(join(dir, junitFile), 'utf8'));
    assert.ok(report.suites.length > 0);
    const sarif = JSON.parse(await readFile(join(dir, files.get('sarif')!), 'utf8')) as { version: string };
    assert.equal(sarif.version, '2.1.0');
  });

  it('github-actions.yml: SARIF for upload-sarif', async () => {
    const { text, files, dir } = await runExample('github-actions.yml');
    assert.match(text, /github\/codeql-action\/upload-sarif@/);
    assert.match(text, new RegExp(`sarif_file: ${files.get('sarif')!}`));
    const sarif = JSON.parse(await readFile(join(dir, files.get('sarif')!), 'utf8')) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0]!.results.length > 0);
  });

  it('gitlab-ci.yml: the container-scanning report, valid against GitLab schema', async () => {
    const { text, files, dir } = await runExample('gitlab-ci.yml');
    const report = files.get('gitlab')!;
    assert.equal(report, 'gl-container-scanning-report.json');
    assert.match(text, new RegExp(`container_scanning: ${report}`));
    assert.deepEqual(await validateGitlab(await readFile(join(dir, report), 'utf8')), []);
  });
});
