/**
 * The large Debian image shared by the benches (image-read, sbom): a real debootstrap bookworm minbase
 * rootfs as two big gzip layers (the tree, then the same tree again as an "upgrade") and a small one, as an
 * OCI layout cached under `<test-env>/bench/layout`; plus the floor every bench compares with
 * (`gzip -dc LAYER | tar -t` of the same blobs) and a child-process runner for peak-RSS measurements.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOciLayout } from '../test/helpers/build-image.js';
import { debootstrapRootfs, testEnvDir } from '../test/helpers/debootstrap.js';

const execFileAsync = promisify(execFile);
export const BENCH_TAG = 'bench';

export interface DebianImage {
  layout: string;
  /** `oci-layout:…:bench` */
  ref: string;
  /** Host paths of the layer blobs, in layer order. */
  blobs: string[];
  storedBytes: number;
}

async function buildLayout(layout: string, work: string): Promise<void> {
  const { tarFile } = await debootstrapRootfs(join(work, 'rootfs'));
  await rm(join(work, 'rootfs'), { recursive: true, force: true });
  await buildOciLayout(layout, {
    tag: BENCH_TAG,
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
}

async function layerBlobs(layout: string): Promise<string[]> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const manifest = JSON.parse(
    await readFile(join(layout, 'blobs', ...index.manifests[0]!.digest.split(':')), 'utf8'),
  ) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => join(layout, 'blobs', ...l.digest.split(':')));
}

/** The bench image, built on first use (debootstrap: about 80 s) and reused afterwards. */
export async function prepareDebianImage(): Promise<DebianImage> {
  const work = join(testEnvDir(), 'bench');
  await mkdir(work, { recursive: true });
  const layout = join(work, 'layout');
  if (!existsSync(join(layout, 'index.json'))) await buildLayout(layout, work);
  const blobs = await layerBlobs(layout);
  let storedBytes = 0;
  for (const b of blobs) storedBytes += (await stat(b)).size;
  return { layout, ref: `oci-layout:${layout}:${BENCH_TAG}`, blobs, storedBytes };
}

/** The floor: decompress and list every layer with the system tools, in ms. */
export async function timeFloor(blobs: readonly string[]): Promise<number> {
  const start = process.hrtime.bigint();
  for (const blob of blobs) {
    await execFileAsync('bash', ['-c', 'gzip -dc "$1" | tar -t > /dev/null', 'bash', blob], {
      maxBuffer: 1024,
    });
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs `code` (an ES module run from the repository root, `process.argv[1]` = `arg`) in a fresh Node
 * process, so that its peak RSS is its own, and returns the JSON it prints.
 */
export function runBenchChild<T>(code: string, arg: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, arg], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`bench child exited ${status}`)),
    );
  });
}
