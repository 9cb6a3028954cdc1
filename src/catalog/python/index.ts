/**
 * Installed Python distributions in `site-packages`/`dist-packages` (pip, wheels, setuptools, distro
 * packages). See README.md.
 */
import { MiB } from '../../image/limits.js';
import type { FileRef } from '../../image/file-view.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { catalogCapped } from '../internal/read-capped.js';
import type { CatalogResult } from '../model.js';
import { parseCoreMetadata, PYTHON_CATALOGER_ID } from './parse-metadata.js';

/** METADATA carries the long description (a README); a few MiB is already unusual. */
export const MAX_METADATA_BYTES = 16 * MiB;

const SITE_DIRS = ['/site-packages/', '/dist-packages/'];

/**
 * `…/X.dist-info/METADATA`, `…/X.egg-info/PKG-INFO`, or a single-file `…/X.egg-info`, below a
 * site-packages or dist-packages directory. RECORD, WHEEL and the rest are never read.
 */
export function isPythonMetadataPath(path: string): boolean {
  const isMetadata =
    path.endsWith('.dist-info/METADATA') || path.endsWith('.egg-info/PKG-INFO') || path.endsWith('.egg-info');
  return isMetadata && SITE_DIRS.some((d) => path.includes(d));
}

export const pythonInstalled = {
  id: PYTHON_CATALOGER_ID,
  version: 1,
  tags: ['language', 'installed', 'pypi'],
  wants: isPythonMetadataPath,
  async catalog(file: FileRef, _ctx: CatalogContext): Promise<CatalogResult> {
    return catalogCapped(file, MAX_METADATA_BYTES, 'CATALOG_PYTHON_METADATA_TOO_LARGE', parseCoreMetadata);
  },
} satisfies Cataloger;
