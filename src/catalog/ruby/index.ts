/** Installed Ruby gems, from the specifications RubyGems writes on install. See README.md. */
import { MiB } from '../../image/limits.js';
import type { FileRef } from '../../image/file-view.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { catalogCapped } from '../internal/read-capped.js';
import type { CatalogResult } from '../model.js';
import { GEMSPEC_CATALOGER_ID, parseGemspec } from './parse-gemspec.js';

/** Installed specs are stubs of a few KiB; the largest (long `files` lists) stay far below this. */
export const MAX_GEMSPEC_BYTES = 4 * MiB;

const SPECIFICATIONS = '/specifications/';
const DEFAULT_GEMS = '/specifications/default/';

/**
 * `…/specifications/<gem>.gemspec` (installed gems) and `…/specifications/default/<gem>.gemspec` (the
 * default gems bundled with Ruby itself, such as openssl or net-imap).
 */
export function isInstalledGemspec(path: string): boolean {
  if (!path.endsWith('.gemspec')) return false;
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  return dir.endsWith(SPECIFICATIONS) || dir.endsWith(DEFAULT_GEMS);
}

export const rubyGemspec = {
  id: GEMSPEC_CATALOGER_ID,
  version: 1,
  tags: ['language', 'installed', 'gem'],
  wants: isInstalledGemspec,
  async catalog(file: FileRef, _ctx: CatalogContext): Promise<CatalogResult> {
    return catalogCapped(file, MAX_GEMSPEC_BYTES, 'CATALOG_RUBY_GEMSPEC_TOO_LARGE', parseGemspec);
  },
} satisfies Cataloger;
