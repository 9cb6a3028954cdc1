/**
 * Builds the Go cataloger's binary fixtures during the test run, with real toolchains:
 *
 * - {@link buildGoModuleBinary}: `go build` of `gomod/app` (see gomod/README.md), offline.
 * - {@link buildLegacyGoBinary}: a C program compiled by gcc whose `.go.buildinfo` section holds the
 *   pre-Go-1.18 *pointer* layout (two pointers to Go string headers, resolved by the real linker), for
 *   the format no toolchain installable here still writes.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../../test/helpers/catalog-files.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** `cmd/go/internal/modload` infoStart / infoEnd: the sentinels around the modinfo string. */
export const MODINFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
export const MODINFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

/** Builds gomod/app into `<workDir>/…/app` and returns the binary's path. */
export async function buildGoModuleBinary(workDir: string): Promise<string> {
  const out = join(await mkdtemp(join(workDir, 'go-')), 'app');
  await run('go', ['build', '-trimpath', '-buildvcs=false', '-o', out, '.'], {
    cwd: join(HERE, 'gomod', 'app'),
    env: {
      GOPATH: join(workDir, 'gopath'),
      // Shared across runs and test files (Go's build cache is safe for concurrent use): the first build
      // compiles the standard library, later ones take a second.
      GOCACHE: join(tmpdir(), 'corral-test-gocache'),
      GOPROXY: 'off',
      GOFLAGS: '-mod=vendor',
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
    },
  });
  return out;
}

const cBytes = (b: Buffer): string => [...b].map((x) => `0x${x.toString(16)}`).join(',');

/**
 * A gcc-built ELF (non-PIE, so the linker writes absolute addresses into the file, as Go's linker did)
 * carrying a pointer-format build-info header. `modinfo` is framed with the real sentinels.
 */
export async function buildLegacyGoBinary(workDir: string, goVersion: string, modinfo: string): Promise<string> {
  const dir = await mkdtemp(join(workDir, 'legacy-go-'));
  const mod = Buffer.concat([MODINFO_START, Buffer.from(modinfo), MODINFO_END]);
  const version = Buffer.from(goVersion);
  const source = `
struct gostring { const unsigned char *ptr; unsigned long len; };
static const unsigned char version_text[] = {${cBytes(version)}};
static const unsigned char modinfo_text[] = {${cBytes(mod)}};
struct gostring runtime_buildVersion = { version_text, ${version.length} };
struct gostring runtime_modinfo = { modinfo_text, ${mod.length} };
struct buildinfo { unsigned char magic[14]; unsigned char ptr_size; unsigned char flags; void *version; void *modinfo; };
__attribute__((section(".go.buildinfo"), aligned(16), used))
struct buildinfo go_buildinfo = { "\\xff Go buildinf:", sizeof(void *), 0, &runtime_buildVersion, &runtime_modinfo };
int main(void) { return go_buildinfo.ptr_size == 0; }
`;
  await writeFile(join(dir, 'legacy.c'), source);
  await run('gcc', ['-O0', '-no-pie', '-o', join(dir, 'legacy'), join(dir, 'legacy.c')]);
  return join(dir, 'legacy');
}
