/**
 * REAL npm output for the npm cataloger tests: the project in src/catalog/npm/testdata/project (a
 * private workspace root with scoped, nested, legacy-licensed and dev dependencies) installed or locked
 * by the `npm` on PATH against the npm registry, plus npm's own view of the result (`npm ls`) as the
 * ground truth to compare with.
 *
 * Registry access is part of the test environment (CONVENTIONS.md 2.6): when it fails, the test is
 * skipped, or fails under `CI=true`.
 *
 * @example
 * const project = npmProject(work, { lockfileVersion: 1 }); // started once, awaited by several tests
 * const dir = await usableProject(t, project);
 * if (!dir) return; // skipped: registry unreachable
 * const expected = await npmLs(dir, { lockOnly: true, omitDev: true });
 */
import { cp, mkdtemp, readdir, readFile, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileSpec } from './build-image.js';
import { run } from './catalog-files.js';
import type { SkipContext } from './env.js';

export const NPM_PROJECT_DIR = resolve(
  fileURLToPath(import.meta.url),
  '../../../src/catalog/npm/testdata/project',
);
/** The workspace package of the fixture project (a symlink in node_modules, never a dependency). */
export const NPM_PROJECT_WORKSPACE = 'ws-a';
const NPM_FLAGS = ['--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--no-update-notifier'];
const NETWORK_ERRORS = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|network|registry/i;

export type NpmProjectMode = { install: true } | { lockfileVersion: 1 | 2 | 3 };

/** npm could not reach the registry (the only failure a test may skip on, and never under `CI=true`). */
export class NpmRegistryUnavailable extends Error {
  override readonly name = 'NpmRegistryUnavailable';
}

/**
 * Copies the fixture project into a new directory under `workDir` and runs npm on it: a full install,
 * or a lock file of the given version only. Throws {@link NpmRegistryUnavailable} on network errors.
 */
export async function npmProject(workDir: string, mode: NpmProjectMode): Promise<string> {
  const dir = await mkdtemp(join(workDir, 'npm-'));
  await cp(NPM_PROJECT_DIR, dir, { recursive: true });
  const args =
    'install' in mode
      ? ['install', ...NPM_FLAGS]
      : ['install', ...NPM_FLAGS, '--package-lock-only', '--lockfile-version', String(mode.lockfileVersion)];
  try {
    await run('npm', args, { cwd: dir });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (NETWORK_ERRORS.test(message))
      throw new NpmRegistryUnavailable(message.split('\n', 1)[0], { cause: err });
    throw err;
  }
  return dir;
}

/**
 * Awaits a project started with {@link npmProject}. On {@link NpmRegistryUnavailable} it skips `t` and
 * returns undefined (the caller must then `return`), except under `CI=true` where it rethrows.
 */
export async function usableProject(t: SkipContext, project: Promise<string>): Promise<string | undefined> {
  try {
    return await project;
  } catch (err) {
    if (!(err instanceof NpmRegistryUnavailable) || process.env.CI === 'true') throw err;
    t.skip(`npm registry unreachable: ${err.message}`);
    return undefined;
  }
}

export interface NpmLsEntry {
  /** Install path relative to the project (`node_modules/a/node_modules/b`). */
  path: string;
  name: string;
  version: string;
}

/**
 * npm's own list of the packages of a project (`npm ls --all --parseable --long`): from node_modules,
 * or from the lock file alone (`lockOnly`). The project root and workspace links are left out
 * (their package.json files are reached through a symlink).
 */
export async function npmLs(
  dir: string,
  opts: { lockOnly?: boolean; omitDev?: boolean } = {},
): Promise<NpmLsEntry[]> {
  const args = ['ls', '--all', '--parseable', '--long', ...(opts.lockOnly ? ['--package-lock-only'] : [])];
  if (opts.omitDev) args.push('--omit=dev');
  const out: NpmLsEntry[] = [];
  for (const line of (await run('npm', args, { cwd: dir })).split('\n')) {
    // `<abs path>:<name>@<version>[:<link target>]` (--long); links are workspaces, not dependencies
    const [abs = '', id = '', linkTarget] = line.split(':');
    if (linkTarget?.startsWith('/')) continue;
    const at = id.lastIndexOf('@');
    const rel = abs.slice(dir.length + 1);
    if (!rel.includes('node_modules/') || at <= 0 || !/^\d/.test(id.slice(at + 1))) continue;
    out.push({ path: rel, name: id.slice(0, at), version: id.slice(at + 1) });
  }
  return out;
}

/**
 * Every directory, file and symlink under `hostDir` (symlinks are not followed) as layer file specs
 * below `imageDir`, parents before children.
 */
export async function filesFromHostDir(hostDir: string, imageDir: string): Promise<FileSpec[]> {
  const specs: FileSpec[] = [{ path: `${imageDir}/`, type: 'dir' }];
  for (const d of (await readdir(hostDir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const host = join(hostDir, d.name);
    const path = `${imageDir}/${d.name}`;
    if (d.isSymbolicLink()) specs.push({ path, type: 'symlink', target: await readlink(host) });
    else if (d.isDirectory()) specs.push(...(await filesFromHostDir(host, path)));
    else if (d.isFile()) specs.push({ path, content: await readFile(host) });
  }
  return specs;
}
