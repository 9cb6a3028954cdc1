/** .NET NuGet packages, from the `*.deps.json` manifests of built or published apps. See README.md. */
import { MiB } from '../../image/limits.js';
import type { FileRef } from '../../image/file-view.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { catalogCapped } from '../internal/read-capped.js';
import type { CatalogResult } from '../model.js';
import { DEPS_CATALOGER_ID, parseDepsJson } from './parse-deps-json.js';

/** ASP.NET apps' deps.json files are hundreds of KiB; far more is not a manifest. */
export const MAX_DEPS_JSON_BYTES = 64 * MiB;
const DEPS_JSON = '.deps.json';

export const dotnetDeps = {
  id: DEPS_CATALOGER_ID,
  version: 1,
  tags: ['language', 'installed', 'nuget'],
  wants: (path: string) => path.endsWith(DEPS_JSON) && path.length > DEPS_JSON.length + 1,
  async catalog(file: FileRef, _ctx: CatalogContext): Promise<CatalogResult> {
    return catalogCapped(file, MAX_DEPS_JSON_BYTES, 'CATALOG_DOTNET_DEPS_JSON_TOO_LARGE', parseDepsJson);
  },
} satisfies Cataloger;
