/**
 * Differential test against the real dpkg: `dpkg --compare-versions` is the ground truth.
 *
 * Inputs: every version in the Debian bookworm minbase status file (package versions and the versions
 * in relation fields), when the test environment has built `cache/bookworm-minbase.tar`, plus versions
 * generated from a grammar of Debian version syntax with a fixed seed.
 *
 * Method: the versions are sorted with our `compare`, and dpkg checks every adjacent pair (`lt` or
 * `eq`, as we claim; every other pair is asked in reverse, `gt`). Both orders are total preorders, so
 * agreement on the N-1 adjacent pairs implies agreement on all N(N-1)/2 pairs, at the cost of N-1
 * process starts. Pass `DPKG_DIFF_VERSIONS=n` for a larger generated set.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireCommand, runCommand } from '../../../test/helpers/commands.js';
import { testEnvDir } from '../../../test/helpers/debootstrap.js';
import { seededRandom, type SeededRandom } from '../../../test/helpers/seeded-random.js';
import type { Version } from '../scheme.js';
import { dpkg } from './index.js';

const SEED = 0x0d9c6;
const GENERATED = Number(process.env.DPKG_DIFF_VERSIONS ?? 300);
/** Concurrent shells running dpkg; process start-up, not CPU, is the cost. */
const WORKERS = 4;

const NUMBERS = [
  '0',
  '1',
  '2',
  '9',
  '10',
  '00',
  '01',
  '007',
  '99',
  '123',
  '20240131',
  '123456789012345678901234',
];
const WORDS = [
  'a',
  'b',
  'z',
  'A',
  'Z',
  'rc',
  'dfsg',
  'git',
  'svn',
  'beta',
  'really',
  'ubuntu',
  'deb',
  'bpo',
  'build',
];
const REVISIONS = [
  '1',
  '0',
  '2',
  '1.1',
  '0ubuntu1',
  '1+deb12u1',
  '2~bpo11+1',
  '0+b1',
  '1build1',
  '3.1~rc1',
  '10',
  '0.0',
];

/** One piece of an upstream version after the leading number (Debian Policy §5.6.12 characters). */
function upstreamPiece(r: SeededRandom, hasEpoch: boolean): string {
  const token = (): string => (r.chance(0.5) ? r.pick(NUMBERS) : r.pick(WORDS));
  switch (r.int(0, 6)) {
    case 0:
      return `.${r.pick(NUMBERS)}`;
    case 1:
      return `~${token()}`;
    case 2:
      return `+${token()}`;
    case 3:
      return r.pick(WORDS);
    case 4:
      return `.${token()}`;
    case 5:
      return `-${token()}`;
    default:
      return hasEpoch && r.chance(0.3) ? `:${token()}` : `~`;
  }
}

function generateVersion(r: SeededRandom): string {
  const epoch = r.chance(0.15) ? `${r.pick(['0', '1', '2', '10', '00'])}:` : '';
  let upstream = r.pick(NUMBERS);
  for (let i = r.int(0, 6); i > 0; i--) upstream += upstreamPiece(r, epoch !== '');
  const revision = r.chance(0.65)
    ? `-${r.chance(0.7) ? r.pick(REVISIONS) : r.pick(NUMBERS) + r.pick(['', '~', '+', '.']) + r.pick(WORDS)}`
    : '';
  return epoch + upstream + revision;
}

/** Versions from `Version:` and from `(op version)` in relation fields of a dpkg status file. */
function statusVersions(status: string): string[] {
  const out: string[] = [];
  for (const line of status.split('\n')) {
    const field =
      /^(Version|Source|Depends|Pre-Depends|Recommends|Suggests|Breaks|Conflicts|Replaces|Provides|Enhances):(.*)$/.exec(
        line,
      );
    if (field === null) continue;
    if (field[1] === 'Version') out.push((field[2] ?? '').trim());
    for (const m of (field[2] ?? '').matchAll(/\(\s*(?:<<|<=|=|>=|>>)?\s*([^)\s]+)\s*\)/g))
      out.push(m[1] ?? '');
  }
  return out;
}

async function realVersions(): Promise<string[]> {
  const tar = join(testEnvDir(), 'cache', 'bookworm-minbase.tar');
  if (!existsSync(tar)) return [];
  return statusVersions(await runCommand('tar', ['-xOf', tar, './var/lib/dpkg/status']));
}

/** A shell line asking dpkg whether the claim holds; prints the pair's index when it does not. */
function checkLine(index: number, a: Version, b: Version): string {
  const op = dpkg.compare(a, b) === 0 ? 'eq' : 'lt';
  const [x, y, relation] = index % 2 === 0 ? [a, b, op] : [b, a, op === 'lt' ? 'gt' : 'eq'];
  return `dpkg --compare-versions '${x.raw}' ${relation} '${y.raw}' || echo ${index}`;
}

async function dpkgDisagreements(sorted: readonly Version[]): Promise<number[]> {
  const lines = sorted.slice(1).map((b, i) => checkLine(i, sorted[i] as Version, b));
  const dir = await mkdtemp(join(tmpdir(), 'corral-dpkg-diff-'));
  try {
    const chunks = Array.from({ length: WORKERS }, (_, w) => lines.filter((_, i) => i % WORKERS === w));
    const outputs = await Promise.all(
      chunks.map(async (chunk, w) => {
        const script = join(dir, `check-${w}.sh`);
        await writeFile(script, `${chunk.join('\n')}\n`);
        return runCommand('sh', [script]);
      }),
    );
    return outputs.flatMap((o) =>
      o
        .split('\n')
        .filter((l) => l !== '')
        .map(Number),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Syntax cases from dpkg `lib/dpkg/t/t-version.c` (test_version_parse), valid and invalid. The empty
 * string is left out: the dpkg CLI reads it as "no version", while for us it is never a version.
 */
const SYNTAX_CASES = [
  '0',
  '0:0',
  '0:0-',
  '0:0-0',
  '0:0.0-0.0',
  '1:0',
  '5:1',
  '0:0-0-0',
  '0:0-0-0-0',
  '0:0:0-0',
  '0:0:0:0-0',
  '0:0:0-0-0',
  '0:0-0:0-0',
  '0:09azAZ.-+~:-0',
  '0:0-azAZ09.+~',
  '  \t0:0-1',
  '0:0-1\t  ',
  '\t  0:0-1  \t',
  '  ',
  '0:',
  '0:0 0-1',
  '-1:0-1',
  '999999999999999999999999:0-1',
  'a:0-0',
  'A:0-0',
  '-0',
  '0:-0',
  '0:abc3-0',
  '0:0-0:0',
  ...[..."!#@$%&/|\\<>()[]{};,_=*^'"].map((c) => `0:0${c}-0`),
  ...[..."!#@$%&/|\\<>()[]{}:;,_=*^'"].map((c) => `0:0-0${c}`),
];

/** Whether dpkg takes the text as a version without complaint (no error, no "bad syntax" warning). */
async function dpkgAccepts(text: string): Promise<boolean> {
  try {
    const { stderr } = await promisify(execFile)('dpkg', ['--compare-versions', text, 'eq', text]);
    return stderr.trim() === '';
  } catch {
    return false; // dpkg exits 2 on a syntax error: that is the answer, not a failure of the test
  }
}

describe('dpkg scheme vs dpkg --compare-versions', () => {
  it('accepts exactly the versions dpkg accepts without a syntax warning', { timeout: 60_000 }, async (t) => {
    if (!(await requireCommand(t, 'dpkg', 'dpkg'))) return;
    const verdicts: string[] = [];
    for (let i = 0; i < SYNTAX_CASES.length; i += WORKERS) {
      const batch = SYNTAX_CASES.slice(i, i + WORKERS);
      const accepted = await Promise.all(batch.map(dpkgAccepts));
      batch.forEach((text, j) => {
        if (accepted[j] !== (dpkg.parse(text) !== undefined))
          verdicts.push(`${JSON.stringify(text)}: dpkg ${accepted[j]}`);
      });
    }
    t.diagnostic(`${SYNTAX_CASES.length} syntax cases checked against dpkg`);
    assert.deepEqual(verdicts, []);
  });

  it('orders real and generated versions exactly as dpkg does', { timeout: 120_000 }, async (t) => {
    if (!(await requireCommand(t, 'dpkg', 'dpkg'))) return;
    const r = seededRandom(SEED);
    const real = await realVersions();
    const texts = [...new Set([...real, ...Array.from({ length: GENERATED }, () => generateVersion(r))])];
    const parsed = texts.map((text) => ({ text, v: dpkg.parse(text) }));
    const rejected = parsed.filter((p) => p.v === undefined).map((p) => p.text);
    const rejectedReal = rejected.filter((text) => real.includes(text));
    assert.deepEqual(rejectedReal, [], 'every version in a real status file must parse');
    const versions = parsed.flatMap((p) => (p.v === undefined ? [] : [p.v]));
    const sorted = [...versions].sort((a, b) => dpkg.compare(a, b) || (a.raw < b.raw ? -1 : 1));

    const bad = await dpkgDisagreements(sorted);

    const n = sorted.length;
    t.diagnostic(
      `seed ${SEED}: ${new Set(real).size} real + ${n - new Set(real).size} generated versions, ` +
        `${n - 1} adjacent pairs checked by dpkg, ${(n * (n - 1)) / 2} pairs implied; ` +
        `${rejected.length} generated strings rejected by parse (not compared)`,
    );
    const described = bad.map(
      (i) =>
        `${sorted[i]?.raw} vs ${sorted[i + 1]?.raw} (we say ${dpkg.compare(sorted[i]!, sorted[i + 1]!)})`,
    );
    assert.deepEqual(described, []);
  });
});
