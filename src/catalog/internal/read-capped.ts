/**
 * Reads a wanted file as UTF-8 text under a per-format size cap (CONVENTIONS.md §2.5: check the size
 * before reading). Oversized or unreadable files become Unknowns, never exceptions.
 */
import { describeError, isAppError } from '../../errors.js';
import type { FileRef } from '../../image/file-view.js';
import { emptyResult, type CatalogResult, type Unknown } from '../model.js';

export type ReadResult = { ok: true; text: string } | { ok: false; unknown: Unknown };

const BOM = '\uFEFF';

/**
 * @param tooLargeCode the Unknown code for a file above `maxBytes`, e.g. `CATALOG_NPM_LOCK_TOO_LARGE`
 * @example const r = await readCapped(file, 64 * MiB, 'CATALOG_NPM_LOCK_TOO_LARGE');
 * if (!r.ok) return { packages: [], relationships: [], unknowns: [r.unknown] };
 */
export async function readCapped(file: FileRef, maxBytes: number, tooLargeCode: string): Promise<ReadResult> {
  if (file.size > maxBytes) {
    return {
      ok: false,
      unknown: {
        path: file.path,
        code: tooLargeCode,
        message: `${file.path} is ${file.size} bytes, above the ${maxBytes}-byte limit for this format; not read`,
      },
    };
  }
  try {
    const text = (await file.read()).toString('utf8');
    return { ok: true, text: text.startsWith(BOM) ? text.slice(BOM.length) : text };
  } catch (err) {
    return {
      ok: false,
      unknown: {
        path: file.path,
        code: isAppError(err) ? err.code : 'CATALOG_FILE_UNREADABLE',
        message: `cannot read ${file.path}: ${describeError(err)}`,
      },
    };
  }
}

/**
 * The whole `catalog` of a one-file format: {@link readCapped}, then `parse` over the text. A file that
 * cannot be read yields a result whose only content is that Unknown.
 * @example
 * catalog: (file) => catalogCapped(file, 16 * MiB, 'CATALOG_PYTHON_METADATA_TOO_LARGE', parseCoreMetadata)
 */
export async function catalogCapped(
  file: FileRef,
  maxBytes: number,
  tooLargeCode: string,
  parse: (text: string, path: string) => CatalogResult,
): Promise<CatalogResult> {
  const r = await readCapped(file, maxBytes, tooLargeCode);
  return r.ok ? parse(r.text, file.path) : { ...emptyResult(), unknowns: [r.unknown] };
}
