/**
 * Bench: read every layer of a real Debian image through Corral (stream → gunzip → tar → squashed view)
 * versus the floor `gzip -dc LAYER | tar -t` of the same layers, in the same run.
 * Targets (issue "Foundation and image reading"): time ≤ 1.3× the floor, peak RSS ≤ 200 MB.
 *
 * The Corral side runs in a child process so that its peak RSS is its own (getrusage maxrss).
 */
import { prepareDebianImage, runBenchChild, timeFloor } from './debian-image.js';

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

export async function runImageReadBench(): Promise<ImageReadBenchResult> {
  const { ref, blobs, storedBytes } = await prepareDebianImage();
  let floorMs = Infinity;
  let best = { ms: Infinity, files: 0, maxRssKb: 0 };
  let peakRss = 0;
  for (let i = 0; i < RUNS; i++) {
    floorMs = Math.min(floorMs, await timeFloor(blobs));
    const r = await runBenchChild<{ ms: number; files: number; maxRssKb: number }>(CHILD, ref);
    peakRss = Math.max(peakRss, r.maxRssKb);
    if (r.ms < best.ms) best = r;
  }
  return {
    layers: blobs.length,
    storedMiB: storedBytes / 2 ** 20,
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
