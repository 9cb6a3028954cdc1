/**
 * Differential test against the real rpm (4.18 on Debian): the ground truth is rpm's own comparison,
 * reached through its embedded Lua with one `rpm --eval` process for the whole batch:
 * - `rpm.vercmp(a, b)` (rpmio `rpmvercmp`) for version strings without epoch or release;
 * - `rpm.ver(a)` compared with `==` / `<` (lib `rpmverCmp`) for full `[epoch:]version[-release]` EVRs.
 *
 * Inputs come from a grammar of RPM version syntax (alphanumeric segments, leading zeros, long numbers,
 * `.`, `_`, `+` separators, `~` and `^`), with a fixed seed, plus real EVRs from RHEL/Fedora advisories.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requireCommand, runCommand } from '../../../test/helpers/commands.js';
import { seededRandom, type SeededRandom } from '../../../test/helpers/seeded-random.js';
import type { Comparison } from '../scheme.js';
import { rpm } from './index.js';

const SEED = 0x4e9c3;
const STRINGS = 3000;
const RANDOM_PAIRS = 30_000;

const NUMBERS = [
  '0',
  '1',
  '2',
  '5',
  '9',
  '10',
  '00',
  '01',
  '0001',
  '0039',
  '999',
  '20101121',
  '123456789012345678901234',
];
const WORDS = ['a', 'b', 'p', 'z', 'A', 'Z', 'aa', 'rc', 'RC', 'el', 'fc', 'git', 'xyz', 'beta', 'snap'];
const SEPARATORS = ['.', '.', '.', '_', '+', '~', '^', ''];

/** A version (or release) string: segments joined by separators, no `-` or `:`. */
function generateSegments(r: SeededRandom): string {
  let s = r.chance(0.9) ? r.pick(NUMBERS) : r.pick(WORDS);
  for (let i = r.int(0, 5); i > 0; i--)
    s += r.pick(SEPARATORS) + (r.chance(0.6) ? r.pick(NUMBERS) : r.pick(WORDS));
  if (r.chance(0.05)) s += r.pick(['~', '^', '.', '+']);
  return s;
}

function generateEvr(r: SeededRandom): string {
  const epoch = r.chance(0.3) ? `${r.pick(['0', '1', '2', '10', '00'])}:` : '';
  const release = r.chance(0.7) ? `-${generateSegments(r)}` : '';
  return epoch + generateSegments(r) + release;
}

/** Real EVRs (RHEL/Fedora/SUSE package versions, grype `rpm_version_test.go`, rpm `tests/rpmvercmp.at`). */
const REAL_EVRS = [
  '1.5.4-2.el7_9',
  '0:1.5.4-2.el7_9',
  '4.19.0-1.el7_5',
  '4.19.01-1.el7_5',
  '2:4.19.1-1.el7_5',
  '8.3.1-5.el8.4',
  '8.3.1-5.el8.40',
  '0:8.3.1-5.el8.5',
  '1:1.1.1k-7.el8_6',
  '1:1.1.1k-12.el8_9',
  '2.28-225.el8_8.6',
  '3.0.7-25.el9_3',
  '1:3.0.7-27.el9',
  '7.76.1-26.el9_3.3',
  '5.1.8-6.el9',
  '2.12.0-1.fc38',
  '6.5.0-0.rc1.20230703git.1.fc39',
  '1.0~rc1-1.fc40',
  '1.0^20230101git1234567-1.fc40',
  '0.9.8e-fips-rhel5',
  '1.2.3-el7_5~snapshot1',
  '1.2.3-3-el7_5',
  '4:1.2.3-3-el7_5',
  '15.2-150000.3.22.1',
  '2.31-150300.46.1',
];

function luaScript(dataFile: string): string {
  return `local out = {}
for line in io.lines(${JSON.stringify(dataFile)}) do
  local kind, a, b = line:match("^(%a)\\t([^\\t]*)\\t([^\\t]*)$")
  if kind == "v" then
    out[#out + 1] = tostring(rpm.vercmp(a, b))
  else
    local x, y = rpm.ver(a), rpm.ver(b)
    out[#out + 1] = (x == y) and "0" or ((x < y) and "-1" or "1")
  end
end
print(table.concat(out, "\\n"))
`;
}

/** Runs every `[kind, a, b]` through rpm in one process; `v` = rpm.vercmp, `e` = rpm.ver comparison. */
async function rpmCompare(pairs: readonly (readonly ['v' | 'e', string, string])[]): Promise<Comparison[]> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-rpm-diff-'));
  try {
    const data = join(dir, 'pairs.tsv');
    const script = join(dir, 'compare.lua');
    await writeFile(data, pairs.map((p) => p.join('\t')).join('\n') + '\n');
    await writeFile(script, luaScript(data));
    const out = await runCommand('rpm', ['--eval', `%{lua: dofile(${JSON.stringify(script)})}`]);
    return out
      .trim()
      .split('\n')
      .map((s) => Math.sign(Number(s)) as Comparison);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pairs to check: random ones, and every adjacent pair in our sorted order (which implies all pairs). */
function pairsOf(texts: readonly string[], r: SeededRandom): [string, string][] {
  const sorted = [...texts].sort((a, b) => rpm.compare(rpm.parse(a)!, rpm.parse(b)!) || (a < b ? -1 : 1));
  const adjacent = sorted.slice(1).map((b, i): [string, string] => [sorted[i]!, b]);
  const random = Array.from({ length: RANDOM_PAIRS }, (): [string, string] => [r.pick(texts), r.pick(texts)]);
  return [...adjacent, ...random];
}

function mismatches(
  kind: 'v' | 'e',
  pairs: readonly [string, string][],
  truth: readonly Comparison[],
): string[] {
  return pairs.flatMap(([a, b], i) => {
    const ours = rpm.compare(rpm.parse(a)!, rpm.parse(b)!);
    return ours === truth[i] ? [] : [`${kind} ${a} vs ${b}: rpm ${truth[i]}, ours ${ours}`];
  });
}

describe('rpm scheme vs rpm (rpm.vercmp, rpm.ver)', () => {
  it('compares generated and real versions exactly as rpm does', { timeout: 60_000 }, async (t) => {
    if (!(await requireCommand(t, 'rpm', 'rpm'))) return;
    const r = seededRandom(SEED);
    const plain = [...new Set(Array.from({ length: STRINGS }, () => generateSegments(r)))];
    const evrs = [...new Set([...REAL_EVRS, ...Array.from({ length: STRINGS }, () => generateEvr(r))])];
    const unparsed = [...plain, ...evrs].filter((s) => rpm.parse(s) === undefined);
    assert.deepEqual(unparsed, [], 'the grammar only produces valid versions');

    const plainPairs = pairsOf(plain, r);
    const evrPairs = pairsOf(evrs, r);
    const truth = await rpmCompare([
      ...plainPairs.map(([a, b]) => ['v', a, b] as const),
      ...evrPairs.map(([a, b]) => ['e', a, b] as const),
    ]);
    assert.equal(truth.length, plainPairs.length + evrPairs.length, 'one answer per pair from rpm');

    const bad = [
      ...mismatches('v', plainPairs, truth.slice(0, plainPairs.length)),
      ...mismatches('e', evrPairs, truth.slice(plainPairs.length)),
    ];
    t.diagnostic(
      `seed ${SEED}: ${plain.length} version strings and ${evrs.length} EVRs; ` +
        `${plainPairs.length + evrPairs.length} pairs compared by rpm (incl. ${plain.length + evrs.length - 2} ` +
        `adjacent pairs of the sorted lists, which imply all pairs); ${bad.length} mismatches`,
    );
    assert.deepEqual(bad.slice(0, 50), []);
  });
});
