/**
 * npm catalogers: installed packages (`node_modules/**\/package.json`) and, for projects without an
 * installed `node_modules`, the packages their lock files declare. See README.md.
 */
import { isAppError } from '../../errors.js';
import { MiB } from '../../image/limits.js';
import type { FileRef, FileView } from '../../image/file-view.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { catalogCapped } from '../internal/read-capped.js';
import { emptyResult, type CatalogResult } from '../model.js';
import { LOCK_CATALOGER_ID, PACKAGE_JSON_CATALOGER_ID } from './package.js';
import { parsePackageJson } from './parse-package-json.js';
import { parsePackageLock } from './parse-package-lock.js';
import { parsePnpmLock } from './parse-pnpm-lock.js';
import { parseYarnLock } from './parse-yarn-lock.js';
import {
  dirnameOf,
  isInstalledPackageJson,
  lockFileName,
  nodeModulesNesting,
  type LockFileName,
} from './paths.js';

/** Installed package.json files are small; larger ones are not package manifests. */
export const MAX_PACKAGE_JSON_BYTES = 4 * MiB;
/** Lock files of large monorepos reach tens of MiB. */
export const MAX_LOCK_BYTES = 64 * MiB;
/**
 * `node_modules` nesting beyond which a package.json is reported, not parsed. npm 2's fully nested
 * trees rarely pass 30 levels; deeper chains are hostile or broken images.
 */
export const MAX_NODE_MODULES_NESTING = 128;

export const npmPackageJson = {
  id: PACKAGE_JSON_CATALOGER_ID,
  version: 1,
  tags: ['language', 'installed', 'npm'],
  wants: isInstalledPackageJson,
  async catalog(file: FileRef, _ctx: CatalogContext): Promise<CatalogResult> {
    const nesting = nodeModulesNesting(file.path);
    if (nesting > MAX_NODE_MODULES_NESTING) {
      return tooDeep(file.path, nesting);
    }
    return catalogCapped(
      file,
      MAX_PACKAGE_JSON_BYTES,
      'CATALOG_NPM_PACKAGE_JSON_TOO_LARGE',
      parsePackageJson,
    );
  },
} satisfies Cataloger;

const LOCK_PARSERS: Record<LockFileName, (text: string, path: string) => CatalogResult> = {
  'package-lock.json': parsePackageLock,
  'npm-shrinkwrap.json': parsePackageLock,
  'yarn.lock': parseYarnLock,
  'pnpm-lock.yaml': parsePnpmLock,
};

export const npmLock = {
  id: LOCK_CATALOGER_ID,
  version: 1,
  tags: ['language', 'declared', 'npm'],
  wants: (path: string) => lockFileName(path) !== undefined,
  async catalog(file: FileRef, ctx: CatalogContext): Promise<CatalogResult> {
    const format = lockFileName(file.path);
    if (format === undefined || hasInstalledModules(ctx.view, dirnameOf(file.path))) return emptyResult();
    return catalogCapped(file, MAX_LOCK_BYTES, 'CATALOG_NPM_LOCK_TOO_LARGE', LOCK_PARSERS[format]);
  },
} satisfies Cataloger;

function tooDeep(path: string, nesting: number): CatalogResult {
  return {
    ...emptyResult(),
    unknowns: [
      {
        path: path.length > 512 ? `${path.slice(0, 256)}…${path.slice(-128)}` : path,
        code: 'CATALOG_NPM_NESTING_TOO_DEEP',
        message: `package.json nested in ${nesting} node_modules directories (limit ${MAX_NODE_MODULES_NESTING}); not read`,
      },
    ],
  };
}

/**
 * Whether `dir/node_modules` is a non-empty directory in the image: then the installed package.json
 * files are the truth and the lock file beside them would only duplicate (or contradict) them.
 */
function hasInstalledModules(view: FileView, dir: string): boolean {
  try {
    const r = view.resolve(`${dir === '/' ? '' : dir}/node_modules`, true);
    return r !== undefined && r.node.type === 'dir' && (r.node.children?.size ?? 0) > 0;
  } catch (err) {
    // a symlink loop at node_modules: nothing is installed there that could be read
    if (isAppError(err, 'IMAGE_SYMLINK_LOOP')) return false;
    throw err;
  }
}
