/** PHP packages installed by Composer, from `vendor/composer/installed.json`. See README.md. */
import { MiB } from '../../image/limits.js';
import type { FileRef } from '../../image/file-view.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { catalogCapped } from '../internal/read-capped.js';
import type { CatalogResult } from '../model.js';
import { COMPOSER_CATALOGER_ID, parseComposerInstalled } from './parse-installed-json.js';

/** Large applications' installed.json files are a few MiB. */
export const MAX_INSTALLED_JSON_BYTES = 64 * MiB;
const INSTALLED_JSON = '/vendor/composer/installed.json';

export const phpComposerInstalled = {
  id: COMPOSER_CATALOGER_ID,
  version: 1,
  tags: ['language', 'installed', 'composer'],
  wants: (path: string) => path.endsWith(INSTALLED_JSON),
  async catalog(file: FileRef, _ctx: CatalogContext): Promise<CatalogResult> {
    return catalogCapped(
      file,
      MAX_INSTALLED_JSON_BYTES,
      'CATALOG_PHP_COMPOSER_INSTALLED_TOO_LARGE',
      parseComposerInstalled,
    );
  },
} satisfies Cataloger;
