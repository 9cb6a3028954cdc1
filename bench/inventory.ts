/**
 * Bench (issue 7): the inventory store.
 * - Re-match of 2,000 stored SBOMs (≈ 500 packages each: 300 Debian packages from one of 20 "base
 *   images" + 200 npm/PyPI packages drawn from 2,000 names × 3 versions each) after a vulndb update (a generated OSV corpus of 30,000 records,
 *   then the same corpus plus 600 new records). Target < 60 s. The first full re-match (every finding
 *   new) is printed too.
 * - `where <CVE> --running` latency with 100,000 deployments (500 agents × 200 containers over the
 *   2,000 images), over 300 vulnerabilities found in the fleet. Target p99 < 100 ms.
 *
 * SQLite by default (a temp file); `CORRAL_BENCH_INVENTORY_DB=postgres://…/db` runs it on PostgreSQL
 * (the database must be empty). Vulndbs are cached under `<test-env>/bench/`.
 * Run alone: `node --import tsx bench/inventory.ts` or `npm run bench -- inventory`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Package } from '../src/catalog/model.js';
import { openInventoryDb } from '../src/inventory/db.js';
import { openInventory } from '../src/inventory/store.js';
import type { ContainerReport } from '../src/inventory/types.js';
import { SBOM_MODEL_VERSION, type Sbom } from '../src/sbom/model.js';
import { importPath } from '../src/vulndb/import.js';
import { openVulnStore } from '../src/vulndb/store.js';
import { ecosystemOf, osvRecord, rng } from '../test/support/osv-corpus.js';
import { writeZip } from '../test/support/zip.js';
import { testEnvDir } from '../test/helpers/debootstrap.js';

const IMAGES = Number(process.env.CORRAL_BENCH_INVENTORY_IMAGES ?? 2000);
const BASES = 20;
const OS_PACKAGES = 300;
const APP_PACKAGES = 200;
const RECORDS = 30_000;
const NEW_RECORDS = 600;
const NAMES = 2000;
const AGENTS = 500;
const CONTAINERS_PER_AGENT = 200;
const WHERE_QUERIES = 300;
/** Answers up to this many running deployments are also timed apart (informative, no target). */
const SMALL_ANSWER = 1000;
export const TARGET_REMATCH_S = 60;
export const TARGET_WHERE_P99_MS = 100;

const hex64 = (s: string): string => Buffer.from(s).toString('hex').padEnd(64, '0').slice(0, 64);

/** A vulndb of `records` generated OSV records (same names for every size), cached. */
async function vulnDb(records: number): Promise<string> {
  const cacheDir = join(testEnvDir(), 'bench');
  await mkdir(cacheDir, { recursive: true });
  const db = join(cacheDir, `inventory-vuln-${records}.db`);
  if (existsSync(db)) return db;
  const work = await mkdtemp(join(tmpdir(), 'corral-bench-inv-'));
  try {
    const byEco = new Map<string, number[]>();
    for (let i = 0; i < records; i++) {
      const eco = ecosystemOf(i).split(':')[0]!;
      let list = byEco.get(eco);
      if (list === undefined) byEco.set(eco, (list = []));
      list.push(i);
    }
    for (const [eco, ids] of byEco) {
      writeZip(
        join(work, `${eco.replace(/\W/g, '_')}.zip`),
        (function* () {
          for (const i of ids)
            yield { name: `${i}.json`, data: JSON.stringify(osvRecord(i, { packagesPerEcosystem: NAMES })) };
        })(),
      );
    }
    const tmpDb = join(work, 'vuln.db');
    await importPath(tmpDb, work, { source: 'osv' });
    await rename(tmpDb, db);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return db;
}

function pkg(i: number, name: string, version: string, type: Package['type'], purl: string): Package {
  return {
    id: `p-${i}`,
    name,
    version,
    type,
    purl,
    licenses: ['MIT'],
    cpes: [],
    foundBy: 'bench',
    locations: [
      {
        path: type === 'deb' ? '/var/lib/dpkg/status' : `/app/${name}/package.json`,
        layerIndex: type === 'deb' ? 0 : 1,
      },
    ],
  };
}

export function imageSbom(n: number): Sbom {
  const base = n % BASES;
  const r = rng(1000 + n);
  const packages: Package[] = [];
  for (let j = 0; j < OS_PACKAGES; j++) {
    const name = `pkg-${(base * 97 + j * 13) % NAMES}`;
    const version = `${1 + ((base + j) % 5)}.0.${j % 9}`;
    packages.push(pkg(j, name, version, 'deb', `pkg:deb/debian/${name}@${version}?distro=debian-12`));
  }
  for (let j = 0; j < APP_PACKAGES; j++) {
    // fleets share libraries at a few popular versions: each name exists in 3 versions
    const npm = j % 2 === 0;
    const id = Math.floor(r() * NAMES);
    const variant = Math.floor(r() * 3);
    const name = `pkg-${id}`;
    const version = `${1 + ((id + variant) % 5)}.${variant}.${(id * 7 + variant) % 9}`;
    const type = npm ? 'npm' : 'pypi';
    packages.push(pkg(OS_PACKAGES + j, name, version, type, `pkg:${type}/${name}@${version}`));
  }
  const layer = (k: number): { index: number; digest: string; diffId: string } => ({
    index: k,
    digest: `sha256:${hex64(`layer-${k === 0 ? `base${base}` : `app${n}`}`)}`,
    diffId: `sha256:${hex64(`diff-${k === 0 ? `base${base}` : `app${n}`}`)}`,
  });
  return {
    schemaVersion: SBOM_MODEL_VERSION,
    image: {
      ref: `registry.bench/app-${n}:1`,
      digest: `sha256:${hex64(`image-${n}`)}`,
      configDigest: `sha256:${hex64(`config-${n}`)}`,
      repoTags: [`registry.bench/app-${n}:1`],
      repoDigests: [],
      platform: 'linux/amd64',
      layers: [layer(0), layer(1)],
    },
    distro: { id: 'debian', versionId: '12', codename: 'bookworm' },
    packages,
    relationships: [],
    unknowns: [],
    createdAt: '2026-01-01T00:00:00Z',
    tool: { name: 'corral', version: 'bench' },
  };
}

function line(label: string, value: string, note = ''): void {
  process.stdout.write(`${label.padEnd(40)} ${value.padStart(14)}   ${note}\n`);
}

function ratio(label: string, value: number, unit: string, target: number): boolean {
  const ok = value < target;
  line(
    label,
    `${value.toFixed(unit === 's' ? 1 : 2)} ${unit}`,
    `${(value / target).toFixed(2)}× target ${ok ? 'OK' : 'MISS'}`,
  );
  return ok;
}

export interface InventoryBenchResult {
  images: number;
  packages: number;
  pushSeconds: number;
  fullRematchSeconds: number;
  fullAdded: number;
  updateRematchSeconds: number;
  updateAdded: number;
  updateRemoved: number;
  alerts: number;
  deployments: number;
  whereP50Ms: number;
  whereP99Ms: number;
  whereMaxDeployments: number;
  /** p99 over the answers with ≤ SMALL_ANSWER running deployments (informative). */
  whereSmallP99Ms: number;
  whereSmallCount: number;
  whereCount: number;
}

export async function measureInventory(): Promise<InventoryBenchResult> {
  const target = process.env.CORRAL_BENCH_INVENTORY_DB;
  const work = await mkdtemp(join(tmpdir(), 'corral-bench-inventory-'));
  const v1 = openVulnStore(await vulnDb(RECORDS));
  const v2 = openVulnStore(await vulnDb(RECORDS + NEW_RECORDS));
  const where = target ?? { path: join(work, 'inventory.db') };
  const store = await openInventory(where);
  try {
    let t = performance.now();
    let packages = 0;
    for (let n = 0; n < IMAGES; n++) {
      const sbom = imageSbom(n);
      packages += sbom.packages.length;
      await store.pushImage({ sbom });
    }
    const pushSeconds = (performance.now() - t) / 1000;
    // the first full match establishes the findings before any container runs (so it raises no alerts)
    const full = await store.rematch(v1);
    // deployments: 500 agents × 200 containers, images spread over them, 90 % running
    t = performance.now();
    for (let a = 0; a < AGENTS; a++) {
      const containers: ContainerReport[] = [];
      for (let c = 0; c < CONTAINERS_PER_AGENT; c++) {
        const img = (a * CONTAINERS_PER_AGENT + c) % IMAGES;
        containers.push({
          containerId: `c-${a}-${c}`,
          name: `svc-${c}`,
          imageDigest: `sha256:${hex64(`config-${img}`)}`,
        });
      }
      await store.syncDeployments({
        agentId: `agent-${a}`,
        platform: 'docker',
        host: `host-${a}`,
        at: new Date().toISOString(),
        containers,
      });
      const stop = containers.filter((_, i) => i % 10 === 0);
      await store.applyDeploymentEvents(
        `agent-${a}`,
        `host-${a}`,
        'docker',
        stop.map((c) => ({
          type: 'die',
          container: { containerId: c.containerId },
          at: new Date().toISOString(),
        })),
      );
    }
    const deploySeconds = (performance.now() - t) / 1000;
    line('setup: push', `${pushSeconds.toFixed(1)} s`, `${IMAGES} SBOMs, ${packages} packages`);
    line(
      'setup: deployments',
      `${deploySeconds.toFixed(1)} s`,
      `${AGENTS * CONTAINERS_PER_AGENT} containers`,
    );
    const update = await store.rematch(v2);

    // where: vulnerabilities present in the fleet, spread over the id space
    const { db } = await openInventoryDb(where);
    const ids = (
      await db.selectFrom('findings').select('vuln_id').distinct().orderBy('vuln_id').execute()
    ).map((r) => r.vuln_id);
    await db.destroy();
    const step = Math.max(1, Math.floor(ids.length / WHERE_QUERIES));
    const picked = ids.filter((_, i) => i % step === 0).slice(0, WHERE_QUERIES);
    const times: number[] = [];
    const smallTimes: number[] = [];
    let maxDeps = 0;
    for (const id of picked) {
      const t0 = performance.now();
      const res = await store.where({ vulnerability: id, running: true });
      const ms = performance.now() - t0;
      const deps = res.reduce((sum, i) => sum + i.deployments.length, 0);
      times.push(ms);
      if (deps <= SMALL_ANSWER) smallTimes.push(ms);
      maxDeps = Math.max(maxDeps, deps);
    }
    times.sort((a, b) => a - b);
    smallTimes.sort((a, b) => a - b);
    const pctOf = (list: number[], p: number): number =>
      list[Math.min(list.length - 1, Math.floor(p * list.length))] ?? 0;
    const pct = (p: number): number => pctOf(times, p);
    return {
      images: IMAGES,
      packages,
      pushSeconds,
      fullRematchSeconds: full.durationMs / 1000,
      fullAdded: full.added,
      updateRematchSeconds: update.durationMs / 1000,
      updateAdded: update.added,
      updateRemoved: update.removed,
      alerts: update.alerts.length,
      deployments: AGENTS * CONTAINERS_PER_AGENT,
      whereP50Ms: pct(0.5),
      whereP99Ms: pct(0.99),
      whereMaxDeployments: maxDeps,
      whereSmallP99Ms: pctOf(smallTimes, 0.99),
      whereSmallCount: smallTimes.length,
      whereCount: times.length,
    };
  } finally {
    await store.close();
    v1.close();
    v2.close();
    await rm(work, { recursive: true, force: true });
  }
}

export async function runInventoryBench(): Promise<boolean> {
  const load = loadavg().map((l) => l.toFixed(2));
  const dialect = process.env.CORRAL_BENCH_INVENTORY_DB === undefined ? 'sqlite' : 'postgres';
  process.stdout.write(`inventory (${dialect}; load average before: ${load.join(' ')})\n`);
  const r = await measureInventory();
  line(
    'first full match (no deployments yet)',
    `${r.fullRematchSeconds.toFixed(1)} s`,
    `${r.fullAdded} findings added`,
  );
  const rematchOk = ratio(
    `re-match after DB update (${r.images} SBOMs)`,
    r.updateRematchSeconds,
    's',
    TARGET_REMATCH_S,
  );
  line('  delta', `+${r.updateAdded} −${r.updateRemoved}`, `${r.alerts} alerts`);
  const whereOk = ratio(
    `where CVE --running p99 (${r.deployments} dep.)`,
    r.whereP99Ms,
    'ms',
    TARGET_WHERE_P99_MS,
  );
  line(
    '  p50 / largest answer',
    `${r.whereP50Ms.toFixed(2)} ms`,
    `${r.whereMaxDeployments} running deployments`,
  );
  line(
    `  p99 of answers ≤ ${SMALL_ANSWER} deployments`,
    `${r.whereSmallP99Ms.toFixed(2)} ms`,
    `${r.whereSmallCount} of ${r.whereCount} queries (informative)`,
  );
  return rematchOk && whereOk;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = (await runInventoryBench()) ? 0 : 1;
}
