/**
 * Bench (issue 5): end-to-end `corral scan` of the large Debian image (bench/debian-image.ts) — the CLI's
 * `main` in a child process: open image, catalogue, match, write the JSON report — against a DB of
 * ≥ 200,000 records, versus the floor of reading its layers (`gzip -dc | tar -t`), in the same run.
 * The DB is the generated OSV corpus of bench/vulndb.ts plus Debian-tracker rows for the image's real
 * source packages (fixed above and below the installed version, open, no-dsa), so the dpkg matcher does
 * real work. Also: matching alone (`matchSbom`) for 5,000 packages (the image's plus generated npm/PyPI
 * packages named like the corpus's), on as many threads as `corral scan` would use here, against an open
 * DB (the target); printed too: runs on a fresh DB handle each (a one-shot scan) and the very first run.
 * Targets: scan ≤ 2× the floor, peak RSS ≤ 300 MB; matching 5,000 packages < 200 ms.
 *
 * The DB is cached under `<test-env>/bench/` (first run: about a minute to generate and import).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Package } from '../src/catalog/model.js';
import { catalogImage } from '../src/catalog/run.js';
import { openImage } from '../src/image/index.js';
import { defaultLimits } from '../src/image/limits.js';
import { closeMatchWorkers, lastParallelRun, workersFor } from '../src/match/parallel.js';
import { matchSbom } from '../src/match/run.js';
import type { Sbom } from '../src/sbom/model.js';
import { importPath } from '../src/vulndb/import.js';
import { openVulnStore } from '../src/vulndb/store.js';
import { testEnvDir } from '../test/helpers/debootstrap.js';
import { prepareDebianImage, runBenchChild, timeFloor } from './debian-image.js';
import { generateOsvCorpus } from './vulndb.js';

const RUNS = 3;
/** Matching alone is cheap (≈ 0.2 s a run) and noisy on a shared machine: the best of more runs. */
const MATCH_RUNS = 10;
const OSV_RECORDS = 200_000;
const CVES_PER_SOURCE = 12;
const MATCH_PACKAGES = 5_000;
export const TARGET_RATIO = 2;
export const TARGET_RSS_MB = 300;
export const TARGET_MATCH_MS = 200;

interface ChildResult {
  ms: number;
  exitCode: number;
  findings: number;
  maxRssKb: number;
}

const CHILD = `
import { readFile } from 'node:fs/promises';
import { main } from './src/cli/main.js';
const { ref, db, out } = JSON.parse(process.argv[1]);
const start = performance.now();
const exitCode = await main(['node', 'corral', 'scan', ref, '--db', db, '-o', 'json=' + out]);
const ms = performance.now() - start;
const findings = JSON.parse(await readFile(out, 'utf8')).findings.length;
process.stdout.write(JSON.stringify({ ms, exitCode, findings, maxRssKb: process.resourceUsage().maxRSS }));
`;

/** A Debian security-tracker JSON excerpt for the given source packages (upstream shape, synthetic CVEs). */
function trackerFor(sources: ReadonlyMap<string, string>): Record<string, unknown> {
  const doc: Record<string, Record<string, unknown>> = {};
  let n = 0;
  for (const [src, version] of sources) {
    const cves: Record<string, unknown> = {};
    for (let k = 0; k < CVES_PER_SOURCE; k++) {
      n++;
      const id = `CVE-2024-${String(500_000 + n)}`;
      // fixed above the installed version (affected), fixed below (not), open, no-dsa, not-affected
      const kind = k % 5;
      const bookworm =
        kind === 0
          ? { status: 'resolved', fixed_version: `${version}+deb12u${k + 90}`, urgency: 'medium' }
          : kind === 1
            ? { status: 'resolved', fixed_version: '0.1-1', urgency: 'low' }
            : kind === 2
              ? { status: 'open', urgency: 'unimportant' }
              : kind === 3
                ? { status: 'open', urgency: 'low', nodsa: 'Minor issue', nodsa_reason: '' }
                : { status: 'resolved', fixed_version: '0', urgency: 'not yet assigned' };
      cves[id] = {
        description: `Synthetic issue ${n} in ${src}`,
        scope: 'remote',
        releases: { bookworm: { ...bookworm, repositories: { bookworm: version } } },
      };
    }
    doc[src] = cves;
  }
  return doc;
}

/** The DB: generated OSV corpus + tracker rows for the image's source packages; cached. */
export async function prepareDb(sbom: Sbom): Promise<{ db: string; records: number }> {
  const sources = new Map<string, string>();
  for (const p of sbom.packages)
    if (p.type === 'deb') sources.set(p.source?.name ?? p.name, p.source?.version ?? p.version);
  const records = OSV_RECORDS + sources.size * CVES_PER_SOURCE;
  const cacheDir = join(testEnvDir(), 'bench');
  await mkdir(cacheDir, { recursive: true });
  const db = join(cacheDir, `scan-vuln-${records}.db`);
  if (existsSync(db)) return { db, records };
  const work = await mkdtemp(join(tmpdir(), 'corral-bench-scan-'));
  try {
    await mkdir(join(work, 'osv'));
    await mkdir(join(work, 'debian'));
    generateOsvCorpus(join(work, 'osv'), OSV_RECORDS);
    await writeFile(join(work, 'debian', 'tracker.json'), JSON.stringify(trackerFor(sources)));
    const tmpDb = join(work, 'vuln.db');
    await importPath(tmpDb, join(work, 'osv'), { source: 'osv' });
    await importPath(tmpDb, join(work, 'debian'), { source: 'debian' });
    await rename(tmpDb, db);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { db, records };
}

/** The image's packages plus generated npm/PyPI packages named like the corpus's, up to `count`. */
export function syntheticSbom(sbom: Sbom, count: number): Sbom {
  const packages: Package[] = [...sbom.packages];
  for (let i = 0; packages.length < count; i++) {
    const npm = i % 2 === 0;
    const name = `pkg-${(i * 7919) % 9000}`;
    const version = `${1 + (i % 5)}.0.${i % 7}`;
    packages.push({
      id: `p-bench-${i}`,
      name,
      version,
      type: npm ? 'npm' : 'pypi',
      purl: `pkg:${npm ? 'npm' : 'pypi'}/${name}@${version}`,
      licenses: [],
      locations: [],
      cpes: [],
      foundBy: 'bench',
    });
  }
  return { ...sbom, packages };
}

export interface ScanBenchResult {
  records: number;
  packages: number;
  findings: number;
  floorMs: number;
  scanMs: number;
  ratio: number;
  peakRssMb: number;
  matchPackages: number;
  matchFindings: number;
  matchMs: number;
  /** CPU time of the least costly matching run, every thread of the process. */
  matchCpuMs: number;
  /** The first run: opens the DB, maps its pages, starts the worker threads. */
  firstMatchMs: number;
  /** Best run on a fresh DB handle (what a one-shot `corral scan` pays). */
  freshMatchMs: number;
  /** Threads matching shares its chunks between (this one and its workers). */
  matchThreads: number;
  /** Fraction of the chunks the workers matched in the fastest run. */
  workerShare: number;
}

export async function measureScan(): Promise<ScanBenchResult> {
  const { ref, blobs } = await prepareDebianImage();
  const limits = defaultLimits();
  const img = await openImage(ref, { limits });
  const sbom = await catalogImage(img, { limits });
  await img.close();
  const { db, records } = await prepareDb(sbom);

  const outDir = await mkdtemp(join(tmpdir(), 'corral-bench-scan-out-'));
  const out = join(outDir, 'scan.json');
  let floorMs = Infinity;
  let best: ChildResult | undefined;
  let peakRss = 0;
  for (let i = 0; i < RUNS; i++) {
    floorMs = Math.min(floorMs, await timeFloor(blobs));
    const r = await runBenchChild<ChildResult>(CHILD, JSON.stringify({ ref, db, out }));
    if (r.exitCode !== 0) throw new Error(`corral scan exited ${r.exitCode}`);
    peakRss = Math.max(peakRss, r.maxRssKb);
    if (best === undefined || r.ms < best.ms) best = r;
  }
  await rm(outDir, { recursive: true, force: true });

  const big = syntheticSbom(sbom, MATCH_PACKAGES);
  let firstMs = 0;
  let matchMs = Infinity;
  let matchCpuMs = Infinity;
  let freshMatchMs = Infinity;
  let matchFindings = 0;
  let workerShare = 0;
  // the first run also opens the DB, maps its pages and starts the worker threads
  const firstStart = performance.now();
  const store = openVulnStore(db);
  try {
    await matchSbom(big, store);
    const firstMatchMs = performance.now() - firstStart;
    // steady state: an open DB (a server, `corral scan` of several images, re-matching the inventory)
    for (let i = 0; i < MATCH_RUNS; i++) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const r = await matchSbom(big, store);
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      matchFindings = r.findings.length;
      if (ms < matchMs) {
        const run = lastParallelRun();
        workerShare = run === undefined || run.chunks === 0 ? 0 : run.workerChunks / run.chunks;
      }
      matchMs = Math.min(matchMs, ms);
      matchCpuMs = Math.min(matchCpuMs, (used.user + used.system) / 1000);
    }
    // a one-shot scan: a fresh handle per run (its own SQLite page cache, pages mapped afresh, summary read)
    for (let i = 0; i < MATCH_RUNS; i++) {
      const t = performance.now();
      const fresh = openVulnStore(db);
      try {
        await matchSbom(big, fresh);
      } finally {
        fresh.close();
      }
      freshMatchMs = Math.min(freshMatchMs, performance.now() - t);
    }
    firstMs = firstMatchMs;
  } finally {
    store.close();
    await closeMatchWorkers();
  }
  return {
    records,
    packages: sbom.packages.length,
    findings: best!.findings,
    floorMs,
    scanMs: best!.ms,
    ratio: best!.ms / floorMs,
    peakRssMb: peakRss / 1024,
    matchPackages: big.packages.length,
    matchFindings,
    matchMs,
    matchCpuMs,
    firstMatchMs: firstMs,
    freshMatchMs,
    matchThreads: 1 + workersFor(big.packages.length, undefined),
    workerShare,
  };
}

export function reportScan(r: ScanBenchResult): boolean {
  const timeOk = r.ratio <= TARGET_RATIO;
  const rssOk = r.peakRssMb <= TARGET_RSS_MB;
  const matchOk = r.matchMs < TARGET_MATCH_MS;
  const mark = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  process.stdout.write(
    [
      `scan: DB of ${r.records} records; the image has ${r.packages} packages, ${r.findings} findings`,
      `  floor  (gzip -dc | tar -t)          : ${r.floorMs.toFixed(0)} ms`,
      `  corral scan (catalog+match+json)    : ${r.scanMs.toFixed(0)} ms`,
      `  ratio ${r.ratio.toFixed(2)}x (target ≤ ${TARGET_RATIO}x): ${mark(timeOk)}`,
      `  peak RSS ${r.peakRssMb.toFixed(0)} MB (target ≤ ${TARGET_RSS_MB} MB, ${(r.peakRssMb / TARGET_RSS_MB).toFixed(2)}x): ${mark(rssOk)}`,
      `  matching alone, ${r.matchPackages} packages: ${r.matchMs.toFixed(0)} ms, ${r.matchFindings} findings (target < ${TARGET_MATCH_MS} ms, ${(r.matchMs / TARGET_MATCH_MS).toFixed(2)}x): ${mark(matchOk)}`,
      `    open DB, ${r.matchThreads} thread(s), workers matched ${(r.workerShare * 100).toFixed(0)}% of the chunks`,
      `    fresh DB handle per run (a one-shot scan): ${r.freshMatchMs.toFixed(0)} ms; first run (also starts the threads): ${r.firstMatchMs.toFixed(0)} ms`,
      `    cpu time ${r.matchCpuMs.toFixed(0)} ms, all threads (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}: wall time suffers when other processes hold the cores)`,
      '',
    ].join('\n'),
  );
  return timeOk && rssOk && matchOk;
}

/** Runs the bench and prints it; false when a target is missed. */
export async function runScanBench(): Promise<boolean> {
  return reportScan(await measureScan());
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await runScanBench()) ? 0 : 1;
