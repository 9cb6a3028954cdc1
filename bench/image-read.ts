/**
 * Bench: read every layer of a real Debian image through Corral (stream → gunzip → tar → squashed view)
 * versus the floor `gzip -dc LAYER | tar -t` of the same layers, in the same run.
 * Targets (issue "Foundation and image reading"): time ≤ 1.3× the floor, peak RSS ≤ 200 MB.
 *
 * The Corral side runs in a child process so that its peak RSS is its own (getrusage maxrss).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOciLayout } from '../test/helpers/build-image.js';
import { debootstrapRootfs, testEnvDir } from '../test/helpers/debootstrap.js';

const execFileAsync = promisify(execFile);
const RUNS = 3;
export const TARGET_RATIO = 1.3;
export const TARGET_RSS_MB = 200;

export interface ImageReadBenchResult {
  layers: number;
  storedMiB: number;
  floorMs: number;
  corralMs: number;
  ratio: number;
  peakRssMb: number;
  files: number;
}

async function prepareLayout(work: string): Promise<string> {
  const layout = join(work, 'layout');
  if (existsSync(join(layout, 'index.json'))) return layout;
  const { tarFile } = await debootstrapRootfs(join(work, 'rootfs'));
  await rm(join(work, 'rootfs'), { recursive: true, force: true });
  // Two big layers (the rootfs, then the same tree again as an "upgrade" layer) and a small one.
  await buildOciLayout(layout, {
    tag: 'bench',
    layers: [
      { tarFile, compression: 'gzip', createdBy: 'ADD debian bookworm minbase' },
      { tarFile, compression: 'gzip', createdBy: 'RUN apt-get upgrade (same tree again)' },
      {
        files: [
          { path: '/app', type: 'dir' },
          { path: '/app/main', content: 'x'.repeat(1000) },
        ],
        createdBy: 'COPY app',
      },
    ],
  });
  return layout;
}

async function layerBlobs(layout: string): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const manifest = JSON.parse(
    await readFile(join(layout, 'blobs', ...index.manifests[0]!.digest.split(':')), 'utf8'),
  ) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => join(layout, 'blobs', ...l.digest.split(':')));
}

async function timeFloor(blobs: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  for (const blob of blobs) {
    await execFileAsync('bash', ['-c', 'gzip -dc "$1" | tar -t > /dev/null', 'bash', blob], {
      maxBuffer: 1024,
    });
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const CHILD = `
import { openImage, squashImage } from './src/image/index.js';
import { defaultLimits } from './src/image/limits.js';
const limits = defaultLimits();
const start = process.hrtime.bigint();
const img = await openImage(process.argv[1], { limits });
const wants = (p) => p === '/var/lib/dpkg/status' || p === '/etc/os-release' || p.endsWith('.list');
const { view } = await squashImage(img, { limits, wants });
let files = 0; for (const _ of view.entries()) files++;
const ms = Number(process.hrtime.bigint() - start) / 1e6;
await view.close(); await img.close();
process.stdout.write(JSON.stringify({ ms, files, maxRssKb: process.resourceUsage().maxRSS }));
`;

async function timeCorral(layout: string): Promise<{ ms: number; files: number; maxRssKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CHILD, `oci-layout:${layout}:bench`],
      { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { ms: number; files: number; maxRssKb: number })
        : reject(new Error(`bench child exited ${code}`)),
    );
  });
}

export async function runImageReadBench(): Promise<ImageReadBenchResult> {
  const work = join(testEnvDir(), 'bench');
  await mkdir(work, { recursive: true });
  const layout = await prepareLayout(work);
  const blobs = await layerBlobs(layout);
  let stored = 0;
  for (const b of blobs) stored += (await stat(b)).size;
  let floorMs = Infinity;
  let best = { ms: Infinity, files: 0, maxRssKb: 0 };
  let peakRss = 0;
  for (let i = 0; i < RUNS; i++) {
    floorMs = Math.min(floorMs, await timeFloor(blobs));
    const r = await timeCorral(layout);
    peakRss = Math.max(peakRss, r.maxRssKb);
    if (r.ms < best.ms) best = r;
  }
  void readdir;
  return {
    layers: blobs.length,
    storedMiB: stored / 2 ** 20,
    floorMs,
    corralMs: best.ms,
    ratio: best.ms / floorMs,
    peakRssMb: peakRss / 1024,
    files: best.files,
  };
}

export function reportImageRead(r: ImageReadBenchResult): boolean {
  const ok = r.ratio <= TARGET_RATIO && r.peakRssMb <= TARGET_RSS_MB;
  process.stdout.write(
    [
      `image-read: ${r.layers} layers, ${r.storedMiB.toFixed(1)} MiB stored, ${r.files} files in the squashed view`,
      `  floor  (gzip -dc | tar -t): ${r.floorMs.toFixed(0)} ms`,
      `  corral (stream+squash)   : ${r.corralMs.toFixed(0)} ms`,
      `  ratio ${r.ratio.toFixed(2)}x (target ≤ ${TARGET_RATIO}x), peak RSS ${r.peakRssMb.toFixed(0)} MB (target ≤ ${TARGET_RSS_MB} MB): ${ok ? 'PASS' : 'FAIL'}`,
      '',
    ].join('\n'),
  );
  return ok;
}
