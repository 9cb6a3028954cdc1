/**
 * A real Debian root filesystem for the bench and e2e tests: `debootstrap --variant=minbase bookworm`,
 * built once and cached as a tar under `<test-env dir>/cache/bookworm-minbase.tar`, so reruns only
 * extract it. Needs root and the Debian mirror (the only network besides npm).
 */
import { execFile } from 'node:child_process';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const SUITE = 'bookworm';
/** debootstrap downloads and unpacks ~80 packages; a slow mirror can take minutes. */
const DEBOOTSTRAP_TIMEOUT_MS = 15 * 60 * 1000;
const LOCK_POLL_MS = 1000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** The state dir of `scripts/test-env.sh` (`$CORRAL_TEST_ENV_DIR`, else `<repo>/.test-env`). */
export function testEnvDir(): string {
  return (
    process.env.CORRAL_TEST_ENV_DIR ||
    resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.test-env')
  );
}

export interface DebootstrapResult {
  /** The extracted root filesystem (the `dir` argument). */
  rootfs: string;
  /** The cached tar (names `./bin`, …; numeric owners; no /dev, /proc, /sys contents): usable as a layer. */
  tarFile: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function run(cmd: string, args: string[], timeout = DEBOOTSTRAP_TIMEOUT_MS): Promise<void> {
  try {
    await execFileAsync(cmd, args, { timeout, maxBuffer: MAX_OUTPUT_BYTES });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    const detail = (e.stderr || e.stdout || e.message).trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${detail}`, { cause: err });
  }
}

/** A directory lock (mkdir is atomic) so that concurrent test files build a cache once. */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + DEBOOTSTRAP_TIMEOUT_MS;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir} (remove it if stale)`);
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function buildCache(tarFile: string, mirror: string): Promise<void> {
  const build = `${tarFile}.build`;
  const tmpTar = `${tarFile}.tmp`;
  await rm(build, { recursive: true, force: true });
  try {
    await run('debootstrap', ['--variant=minbase', SUITE, build, mirror]);
    await run('tar', [
      '-C',
      build,
      '--numeric-owner',
      '--exclude=./dev/*',
      '--exclude=./proc/*',
      '--exclude=./sys/*',
      '-cf',
      tmpTar,
      '.',
    ]);
    await rename(tmpTar, tarFile);
  } finally {
    await rm(build, { recursive: true, force: true });
    await rm(tmpTar, { force: true });
  }
}

/**
 * The cached minbase tar (names `./bin`, …; numeric owners), built first when absent. `CORRAL_DEBIAN_MIRROR`
 * overrides the mirror.
 */
export async function debootstrapTar(): Promise<string> {
  const cacheDir = join(testEnvDir(), 'cache');
  const tarFile = join(cacheDir, `${SUITE}-minbase.tar`);
  await mkdir(cacheDir, { recursive: true });
  if (!(await exists(tarFile))) {
    await withLock(`${tarFile}.lock`, async () => {
      if (!(await exists(tarFile)))
        await buildCache(tarFile, process.env.CORRAL_DEBIAN_MIRROR || DEFAULT_MIRROR);
    });
  }
  return tarFile;
}

/**
 * Extracts a minbase Debian bookworm root filesystem into `dir` (created if needed), building the
 * cache first when absent. `CORRAL_DEBIAN_MIRROR` overrides the mirror.
 *
 * @example
 * const { rootfs, tarFile } = await debootstrapRootfs(join(tmp, 'rootfs'));
 * await buildOciLayout(layout, { layers: [{ tarFile }] });
 */
export async function debootstrapRootfs(dir: string): Promise<DebootstrapResult> {
  const tarFile = await debootstrapTar();
  await mkdir(dir, { recursive: true });
  await run('tar', ['-C', dir, '--numeric-owner', '-xpf', tarFile]);
  return { rootfs: dir, tarFile };
}
