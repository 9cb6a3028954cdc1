/**
 * Catalogue a REAL image built from file specs (buildOciLayout → openImage → catalogImage) with chosen
 * catalogers, and find the build tools (go, gcc, jar, cargo…) that fixture builders need.
 *
 * @example
 * const sbom = await catalogLayers(work, [{ files: [{ path: '/app/x.jar', content: jarBytes }] }], [javaArchive]);
 * assert.deepEqual(sbom.packages.map((p) => p.purl), ['pkg:maven/org.example/x@1.0']);
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Cataloger } from '../../src/catalog/cataloger.js';
import { catalogImage } from '../../src/catalog/run.js';
import { openImage } from '../../src/image/index.js';
import { defaultLimits, type Limits } from '../../src/image/limits.js';
import type { Sbom } from '../../src/sbom/model.js';
import { buildOciLayout, type LayerSpec } from './build-image.js';
import type { SkipContext } from './env.js';

const execFileAsync = promisify(execFile);
const MAX_TOOL_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Builds an OCI layout under `workDir` from `layers`, catalogues it with `catalogers`, returns the SBOM. */
export async function catalogLayers(
  workDir: string,
  layers: LayerSpec[],
  catalogers: readonly Cataloger[],
  limits: Partial<Limits> = {},
): Promise<Sbom> {
  const dir = await mkdtemp(join(workDir, 'img-'));
  await buildOciLayout(dir, { layers });
  const lim = defaultLimits(limits);
  const image = await openImage(`oci-layout:${dir}`, { limits: lim, tmpDir: workDir });
  try {
    return await catalogImage(image, { limits: lim, catalogers, tmpDir: workDir, now: new Date(0) });
  } finally {
    await image.close();
  }
}

const probed = new Map<string, Promise<boolean>>();

/** Whether `tool` runs (`tool --version`, or the given probe arguments); probed once per process. */
export function hasTool(tool: string, probe: readonly string[] = ['--version']): Promise<boolean> {
  const key = [tool, ...probe].join(' ');
  let result = probed.get(key);
  if (!result) {
    result = execFileAsync(tool, [...probe], { encoding: 'utf8' }).then(
      () => true,
      // ENOENT (not installed) or a failing probe: either way the tool is not usable here.
      () => false,
    );
    probed.set(key, result);
  }
  return result;
}

/**
 * Checks that build tools exist. When one is missing: under `CI=true` throws (scripts/test-env.sh
 * installs them), otherwise skips `t` and returns false (the caller must then `return`).
 */
export async function requireTools(
  t: SkipContext,
  tools: ReadonlyArray<string | [string, string[]]>,
): Promise<boolean> {
  const missing: string[] = [];
  for (const tool of tools) {
    const [name, probe] = typeof tool === 'string' ? [tool, undefined] : tool;
    if (!(await hasTool(name, probe))) missing.push(name);
  }
  if (missing.length === 0) return true;
  const message = `build tools missing: ${missing.join(', ')} (scripts/test-env.sh installs them)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true makes this a failure`);
  t.skip(message);
  return false;
}

/** Runs a build tool; the error names the command and carries its stderr. */
export async function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  try {
    const r = await execFileAsync(cmd, [...args], {
      encoding: 'utf8',
      maxBuffer: MAX_TOOL_OUTPUT_BYTES,
      ...(opts.cwd !== undefined && { cwd: opts.cwd }),
      env: { ...process.env, ...opts.env },
    });
    return r.stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: number | string };
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.code}): ${e.stderr?.trim() || e.message}`, {
      cause: err,
    });
  }
}
