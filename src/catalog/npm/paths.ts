/**
 * Path predicates for npm files. They run for every file of every layer (Cataloger.wants), so they
 * use string operations only.
 */

const PACKAGE_JSON = '/package.json';
const NODE_MODULES = '/node_modules';

/** Lock files read when no `node_modules` is installed beside them (basename → format). */
export const LOCK_FILE_NAMES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
] as const;
export type LockFileName = (typeof LOCK_FILE_NAMES)[number];

/**
 * Whether `path` is the package.json at the root of an installed package:
 * `…/node_modules/<name>/package.json` or `…/node_modules/@scope/<name>/package.json`. Files deeper in a
 * package (`node_modules/x/lib/package.json`, often just `{"type":"module"}`) are not packages.
 * @example isInstalledPackageJson('/app/node_modules/@babel/core/package.json') // true
 * @example isInstalledPackageJson('/app/node_modules/x/lib/package.json') // false
 */
export function isInstalledPackageJson(path: string): boolean {
  if (!path.endsWith(PACKAGE_JSON)) return false;
  const dir = path.slice(0, -PACKAGE_JSON.length);
  const cut = dir.lastIndexOf('/');
  const name = dir.slice(cut + 1);
  const parent = dir.slice(0, cut);
  if (name === '' || name.startsWith('.')) return false;
  if (parent.endsWith(NODE_MODULES)) return !name.startsWith('@');
  if (name.startsWith('@')) return false;
  const scopeCut = parent.lastIndexOf('/');
  const scope = parent.slice(scopeCut + 1);
  return scope.length > 1 && scope.startsWith('@') && parent.slice(0, scopeCut).endsWith(NODE_MODULES);
}

/** The lock file's format when `path` is a project lock file (not one shipped inside a package). */
export function lockFileName(path: string): LockFileName | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const name = LOCK_FILE_NAMES.find((n) => n === base);
  if (name === undefined || path.includes(`${NODE_MODULES}/`)) return undefined;
  return name;
}

/** How many `node_modules` directories `path` is nested in. */
export function nodeModulesNesting(path: string): number {
  let n = 0;
  for (let i = path.indexOf(`${NODE_MODULES}/`); i >= 0; i = path.indexOf(`${NODE_MODULES}/`, i + 1)) n++;
  return n;
}

export function dirnameOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}
