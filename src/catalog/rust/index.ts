/**
 * Rust binaries built with cargo-auditable: the `.dep-v0` section's dependency tree → `cargo` packages
 * and their `depends-on` graph. See README.md for the files selected and the known gaps.
 */
import type { FileRef } from '../../image/file-view.js';
import type { Cataloger } from '../cataloger.js';
import { type CatalogResult, emptyResult, type Unknown } from '../model.js';
import { isExecutableCandidate, MAX_EXECUTABLE_BYTES, openExecutable, sectionData } from '../elf/index.js';
import { cargoPackages, RUST_CATALOGER_ID } from './package.js';
import { type AuditIssue, parseAuditData } from './parse-audit-data.js';

/** The section cargo-auditable's linker script names (`auditable-extract`, ELF). */
export const AUDIT_SECTION = '.dep-v0';

export type RustUnknownCode =
  | AuditIssue['code']
  | 'CATALOG_RUST_BINARY_TOO_LARGE'
  | 'CATALOG_RUST_ELF_INVALID'
  | 'CATALOG_RUST_SECTION_INVALID';

const unknown = (file: FileRef, code: RustUnknownCode, message: string): Unknown => ({
  path: file.path,
  code,
  message: `${file.path}: ${message}`,
});

async function catalogRustBinary(file: FileRef): Promise<CatalogResult> {
  const result = emptyResult();
  const exe = await openExecutable(file);
  if (exe.kind === 'not-elf') return result;
  if (exe.kind === 'too-large') {
    const msg = `${exe.size} bytes, above the ${MAX_EXECUTABLE_BYTES}-byte limit for programs; cargo-auditable data not read`;
    result.unknowns.push(unknown(file, 'CATALOG_RUST_BINARY_TOO_LARGE', msg));
    return result;
  }
  if (exe.kind === 'invalid') {
    result.unknowns.push(
      unknown(file, 'CATALOG_RUST_ELF_INVALID', `${exe.reason}; not checked for cargo-auditable data`),
    );
    return result;
  }
  const section = sectionData(exe.buf, exe.elf, AUDIT_SECTION);
  if (section === undefined) return result;
  if (section === 'out-of-range') {
    result.unknowns.push(
      unknown(file, 'CATALOG_RUST_SECTION_INVALID', `section ${AUDIT_SECTION} lies outside the file`),
    );
    return result;
  }
  const data = parseAuditData(section);
  for (const issue of data.issues) result.unknowns.push(unknown(file, issue.code, issue.message));
  const { packages, relationships } = cargoPackages(data.packages, file.path);
  result.packages.push(...packages);
  result.relationships.push(...relationships);
  return result;
}

export const rustCargoAuditable = {
  id: RUST_CATALOGER_ID,
  version: 1,
  tags: ['language', 'binary', 'installed', 'cargo'],
  /** Executable-looking paths only (see elf/executable-paths.ts): contents decide, in `catalog`. */
  wants: isExecutableCandidate,
  catalog: (file) => catalogRustBinary(file),
} satisfies Cataloger;
