/**
 * Acceptance (issue 3): the dpkg catalog of a REAL three-layer Debian bookworm image built in the test run.
 *   layer 0: debootstrap --variant=minbase bookworm
 *   layer 1: apt-get install of a few packages (chroot), as the diff of the rootfs
 *   layer 2: dpkg --purge of a base package, as the diff again (whiteouts)
 * Ground truth is dpkg itself: `dpkg-query -W` over the rootfs umoci unpacks from the image (the final
 * state) and over the status file each layer wrote (which layer introduced a package).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOciLayout, runTool } from '../helpers/build-image.js';
import { requireTools } from '../helpers/catalog-files.js';
import { debianLayers, type LayerStep } from '../helpers/debian-layers.js';
import type { SkipContext } from '../helpers/env.js';
import { dpkgDb } from '../../src/catalog/dpkg/index.js';
import { catalogImage } from '../../src/catalog/run.js';
import { openImage } from '../../src/image/index.js';
import { defaultLimits } from '../../src/image/limits.js';

const INSTALLED = ['openssl', 'ca-certificates', 'python3-minimal'];
/** A base package nothing in minbase depends on. */
const PURGED = 'tzdata';
const STEPS: LayerStep[] = [
  {
    createdBy: `RUN apt-get update && apt-get install -y --no-install-recommends ${INSTALLED.join(' ')} && apt-get clean && rm -rf /var/lib/apt/lists/*`,
    commands: [
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...INSTALLED],
      ['apt-get', 'clean'],
      ['sh', '-c', 'rm -rf /var/lib/apt/lists/*'],
    ],
  },
  { createdBy: `RUN dpkg --purge ${PURGED}`, commands: [['dpkg', '--purge', PURGED]] },
];
/** dpkg-query lists `config-files` packages too (removed, not purged): nothing of them is on disk. */
const FORMAT =
  '${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${db:Status-Status}\n';
const ABSENT_STATES = new Set(['not-installed', 'config-files']);

const limits = defaultLimits();
let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-e2e-dpkg-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Building the layers needs chroot and mknod: root. Under CI=true a missing capability is a failure. */
function requireRoot(t: SkipContext): boolean {
  if (process.getuid?.() === 0) return true;
  const message = 'building Debian layers needs root (chroot, mknod)';
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true makes this a failure`);
  t.skip(message);
  return false;
}

/** `name version arch source sourceVersion` rows of the installed packages of a dpkg admin dir. */
async function dpkgQuery(adminDir: string): Promise<string[]> {
  await mkdir(join(adminDir, 'updates'), { recursive: true });
  await mkdir(join(adminDir, 'info'), { recursive: true });
  const { stdout } = await runTool('dpkg-query', [`--admindir=${adminDir}`, '-W', `-f=${FORMAT}`]);
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'))
    .filter((cols) => !ABSENT_STATES.has(cols[5]!))
    .map((cols) => cols.slice(0, 5).join(' '))
    .sort();
}

/** dpkg-query over the status file a layer tar carries. */
async function layerRows(tarFile: string, name: string): Promise<string[]> {
  const dir = join(work, `status-${name}`);
  await mkdir(dir, { recursive: true });
  await runTool('tar', ['-xf', tarFile, '-C', dir, '--wildcards', '*var/lib/dpkg/status']);
  return dpkgQuery(join(dir, 'var/lib/dpkg'));
}

const nameVersionArch = (row: string) => row.split(' ').slice(0, 3).join(' ');

describe('dpkg catalog of a real Debian bookworm image (debootstrap + apt-get install + dpkg --purge)', () => {
  it('equals dpkg-query on the final rootfs, with the layer that introduced each package', async (t) => {
    if (!requireRoot(t)) return;
    if (!(await requireTools(t, ['debootstrap', 'chroot', 'mknod', 'dpkg-query', 'umoci', 'tar']))) return;
    let started = performance.now();
    const { baseTar, layerTars } = await debianLayers(STEPS);
    t.diagnostic(`layers ready in ${Math.round(performance.now() - started)} ms`);
    const layout = join(work, 'layout');
    await buildOciLayout(layout, {
      tag: 'v1',
      layers: [
        { tarFile: baseTar, compression: 'none', createdBy: 'debootstrap --variant=minbase bookworm' },
        ...layerTars.map((tarFile, i) => ({
          tarFile,
          compression: 'gzip' as const,
          createdBy: STEPS[i]!.createdBy,
        })),
      ],
    });

    // ground truth: the final rootfs as umoci unpacks it, and the status file of each layer
    const bundle = join(work, 'bundle');
    await runTool('umoci', ['unpack', '--image', `${layout}:v1`, bundle]);
    const finalRows = await dpkgQuery(join(bundle, 'rootfs/var/lib/dpkg'));
    const baseSet = new Set((await layerRows(baseTar, 'base')).map(nameVersionArch));
    const layer1Set = new Set((await layerRows(layerTars[0]!, 'layer1')).map(nameVersionArch));
    const expectedLayer = (row: string) =>
      baseSet.has(nameVersionArch(row)) ? 0 : layer1Set.has(nameVersionArch(row)) ? 1 : 2;

    started = performance.now();
    const image = await openImage(`oci-layout:${layout}:v1`, { limits });
    const sbom = await catalogImage(image, { limits, catalogers: [dpkgDb], tmpDir: work, now: new Date(0) });
    await image.close();
    t.diagnostic(
      `catalogImage: ${Math.round(performance.now() - started)} ms, ${sbom.packages.length} packages`,
    );

    assert.deepEqual(sbom.unknowns, []);
    const rows = sbom.packages
      .map((p) => `${p.name} ${p.version} ${p.arch} ${p.source?.name} ${p.source?.version}`)
      .sort();
    assert.deepEqual(rows, finalRows);

    const layerOf = new Map(
      sbom.packages.map((p) => [`${p.name} ${p.version} ${p.arch}`, p.locations[0]!.layerIndex]),
    );
    for (const row of finalRows) assert.equal(layerOf.get(nameVersionArch(row)), expectedLayer(row), row);
    const counts = [0, 1, 2].map((l) => [...layerOf.values()].filter((x) => x === l).length);
    t.diagnostic(`packages per layer: ${counts.join(', ')}`);
    assert.ok(
      counts[0]! > 50 && counts[1]! >= INSTALLED.length && counts[2] === 0,
      `per layer: ${counts.join(', ')}`,
    );
    for (const name of INSTALLED)
      assert.equal(sbom.packages.find((p) => p.name === name)?.locations[0]?.layerIndex, 1, name);

    assert.ok(
      [...baseSet].some((r) => r.startsWith(`${PURGED} `)),
      `${PURGED} is in the base layer`,
    );
    assert.equal(
      sbom.packages.find((p) => p.name === PURGED),
      undefined,
    );

    assert.deepEqual(sbom.distro && [sbom.distro.id, sbom.distro.versionId], ['debian', '12']);
    const ssl = sbom.packages.find((p) => p.name === 'libssl3')!;
    assert.equal(
      ssl.purl,
      `pkg:deb/debian/libssl3@${ssl.version}?arch=amd64&distro=debian-12&upstream=openssl`,
    );
    assert.ok(ssl.licenses.includes('Apache-2.0'));
    assert.deepEqual(
      sbom.image.layers.map((l) => l.createdBy),
      ['debootstrap --variant=minbase bookworm', ...STEPS.map((s) => s.createdBy)],
    );
  });
});
