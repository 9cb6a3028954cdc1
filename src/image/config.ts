/**
 * Parsing of image configs (OCI image-spec config.md; Docker's v1 image JSON is the same shape).
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { ImageConfig } from './types.js';

const StrMap = z.record(z.string(), z.string()).nullish();
const ObjMap = z.record(z.string(), z.object({}).passthrough()).nullish();
const StrList = z.array(z.string()).nullish();

export const ImageConfigSchema = z
  .object({
    architecture: z.string().default(''),
    os: z.string().default(''),
    variant: z.string().optional(),
    created: z.string().optional(),
    author: z.string().optional(),
    config: z
      .object({
        User: z.string().optional(),
        Env: StrList,
        Entrypoint: StrList,
        Cmd: StrList,
        WorkingDir: z.string().optional(),
        Labels: StrMap,
        ExposedPorts: ObjMap,
        Volumes: ObjMap,
        StopSignal: z.string().optional(),
      })
      .passthrough()
      .nullish(),
    rootfs: z.object({ type: z.string(), diff_ids: z.array(z.string()) }),
    history: z
      .array(
        z
          .object({
            created: z.string().optional(),
            created_by: z.string().optional(),
            author: z.string().optional(),
            comment: z.string().optional(),
            empty_layer: z.boolean().optional(),
          })
          .passthrough(),
      )
      .nullish(),
  })
  .passthrough();

/** Parses config bytes; `where` names the image and blob in error messages. */
export function parseImageConfig(bytes: Buffer | string, where: string): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString());
  } catch (err) {
    throw new AppError('IMAGE_CONFIG_INVALID', `${where}: config is not valid JSON`, { cause: err });
  }
  const r = ImageConfigSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('IMAGE_CONFIG_INVALID', `${where}: invalid image config: ${issues}`);
  }
  const c = r.data;
  const cfg = c.config ?? {};
  return {
    architecture: c.architecture,
    os: c.os,
    ...(c.variant !== undefined && { variant: c.variant }),
    ...(c.created !== undefined && { created: c.created }),
    ...(c.author !== undefined && { author: c.author }),
    config: {
      ...(cfg.User !== undefined && { User: cfg.User }),
      Env: cfg.Env ?? [],
      Entrypoint: cfg.Entrypoint ?? null,
      Cmd: cfg.Cmd ?? null,
      ...(cfg.WorkingDir !== undefined && { WorkingDir: cfg.WorkingDir }),
      Labels: cfg.Labels ?? {},
      ExposedPorts: cfg.ExposedPorts ?? {},
      Volumes: cfg.Volumes ?? {},
      ...(cfg.StopSignal !== undefined && { StopSignal: cfg.StopSignal }),
    },
    rootfs: c.rootfs,
    history: c.history ?? [],
  };
}
