/**
 * Go binaries: the build info the Go linker embeds (Go ≥ 1.13; module info with Go ≥ 1.12 in module
 * mode) → main module, dependency modules and `stdlib` at the toolchain version. See README.md for the
 * files selected and the known gaps.
 */
import type { FileRef } from '../../image/file-view.js';
import type { Cataloger } from '../cataloger.js';
import { type CatalogResult, emptyResult, type Unknown } from '../model.js';
import { isExecutableCandidate, MAX_EXECUTABLE_BYTES, openExecutable } from '../elf/index.js';
import { GO_CATALOGER_ID, goPackages, parseGoVersion } from './package.js';
import { readBuildInfo } from './parse-buildinfo.js';
import { parseModInfo } from './parse-modinfo.js';

export type GoUnknownCode =
  | 'CATALOG_GO_BINARY_TOO_LARGE'
  | 'CATALOG_GO_ELF_INVALID'
  | 'CATALOG_GO_BUILDINFO_INVALID'
  | 'CATALOG_GO_MODINFO_INVALID'
  | 'CATALOG_GO_VERSION_UNRECOGNISED';

const unknown = (file: FileRef, code: GoUnknownCode, message: string): Unknown => ({
  path: file.path,
  code,
  message,
});

async function catalogGoBinary(file: FileRef): Promise<CatalogResult> {
  const result = emptyResult();
  const exe = await openExecutable(file);
  if (exe.kind === 'not-elf') return result;
  if (exe.kind === 'too-large') {
    const msg = `${file.path} is ${exe.size} bytes, above the ${MAX_EXECUTABLE_BYTES}-byte limit for programs; its Go build info was not read`;
    result.unknowns.push(unknown(file, 'CATALOG_GO_BINARY_TOO_LARGE', msg));
    return result;
  }
  if (exe.kind === 'invalid') {
    result.unknowns.push(
      unknown(file, 'CATALOG_GO_ELF_INVALID', `${file.path}: ${exe.reason}; not checked for Go build info`),
    );
    return result;
  }
  const bi = readBuildInfo(exe.buf, exe.elf);
  if (bi.kind === 'none') return result;
  if (bi.kind === 'invalid') {
    result.unknowns.push(
      unknown(
        file,
        'CATALOG_GO_BUILDINFO_INVALID',
        `${file.path}: Go build info is unreadable: ${bi.reason}`,
      ),
    );
    return result;
  }
  const { info, issues } = parseModInfo(bi.info.modinfo);
  for (const i of issues) {
    result.unknowns.push(
      unknown(file, 'CATALOG_GO_MODINFO_INVALID', `${file.path}: module info line ${i.line}: ${i.message}`),
    );
  }
  if (!parseGoVersion(bi.info.goVersion)) {
    const msg = `${file.path}: Go toolchain version ${JSON.stringify(bi.info.goVersion)} is not a release; no stdlib package reported`;
    result.unknowns.push(unknown(file, 'CATALOG_GO_VERSION_UNRECOGNISED', msg));
  }
  result.packages.push(...goPackages(bi.info.goVersion, info, file.path));
  return result;
}

export const goModuleBinary = {
  id: GO_CATALOGER_ID,
  version: 1,
  tags: ['language', 'binary', 'installed', 'golang'],
  /** Executable-looking paths only (see elf/executable-paths.ts): contents decide, in `catalog`. */
  wants: isExecutableCandidate,
  catalog: (file) => catalogGoBinary(file),
} satisfies Cataloger;
