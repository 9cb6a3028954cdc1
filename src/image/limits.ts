/**
 * Safety limits for reading hostile images. Defaults stop decompression bombs and absurd archives
 * while leaving room for real-world images (multi-GB CUDA / JDK images).
 */
import { z } from 'zod';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

export const Limits = z
  .object({
    /** Total decompressed bytes read across all layers of one image. */
    maxTotalBytes: z
      .number()
      .int()
      .positive()
      .default(32 * GiB),
    /** Decompressed bytes of a single layer. */
    maxLayerBytes: z
      .number()
      .int()
      .positive()
      .default(16 * GiB),
    /** Ratio decompressed / stored above which a layer is treated as a bomb (only once past 64 MiB). */
    maxCompressionRatio: z.number().positive().default(200),
    /** Tar entries in one layer. */
    maxEntriesPerLayer: z.number().int().positive().default(2_000_000),
    /** Largest file kept in memory when a cataloger asks for it; larger files spill to disk. */
    maxBufferedFileBytes: z
      .number()
      .int()
      .positive()
      .default(8 * MiB),
    /** Largest single file a cataloger may read at all (spilled files included). */
    maxFileBytes: z
      .number()
      .int()
      .positive()
      .default(2 * GiB),
    /** Largest manifest / index / config / manifest.json accepted. */
    maxManifestBytes: z
      .number()
      .int()
      .positive()
      .default(4 * MiB),
    /** Largest path length of a tar entry. */
    maxPathLength: z.number().int().positive().default(4096),
    /** Symlink hops before a path resolution is declared a loop (Linux uses 40). */
    maxSymlinkHops: z.number().int().positive().default(40),
  })
  .strict();
export type Limits = z.infer<typeof Limits>;

/** Bytes below which the compression-ratio check does not apply (small layers compress very well). */
export const RATIO_CHECK_FLOOR_BYTES = 64 * MiB;

export function defaultLimits(overrides: Partial<Limits> = {}): Limits {
  return Limits.parse(overrides);
}

/** Parses a human size such as `512MiB`, `2G`, `100k` or a plain byte count. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const mult = unit === 'k' ? KiB : unit === 'm' ? MiB : unit === 'g' ? GiB : unit === 't' ? 1024 * GiB : 1;
  return Math.round(Number(m[1]) * mult);
}
