/**
 * Which image paths may hold a compiled program worth opening (Go build info, cargo-auditable data).
 * `Cataloger.wants()` sees only the path, and every wanted file is captured during the layer pass (in
 * memory, or spilled to disk past `maxBufferedFileBytes`), so this predicate is deliberately selective:
 *
 * - extension-less files directly in the standard bin directories (`/`, `/bin`, `/sbin`, `/usr/bin`,
 *   `/usr/sbin`, `/usr/local/bin`, `/usr/local/sbin`);
 * - extension-less files anywhere under the trees where images put their own programs (`/app`, `/opt`,
 *   `/srv`, `/go/bin`, Go's and cargo's install dirs), except inside `node_modules`, `site-packages`
 *   and `.git`, and except common documentation names (`LICENSE`, `README`, `Makefile`…).
 *
 * Not covered (see the go/ and rust/ READMEs): programs elsewhere (`/usr/libexec`, `/usr/lib/<pkg>/bin`),
 * and programs whose name has a dot (`app.exe`, `tool-1.2`).
 */

const BIN_DIRS: ReadonlySet<string> = new Set([
  '',
  '/bin',
  '/sbin',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/usr/local/sbin',
]);

const TREE_PREFIXES: readonly string[] = [
  '/app/',
  '/opt/',
  '/srv/',
  '/go/bin/',
  '/root/go/bin/',
  '/usr/local/go/bin/',
  '/usr/local/go/pkg/tool/',
  '/root/.cargo/bin/',
  '/usr/local/cargo/bin/',
];

/** Segments below which extension-less files are data or scripts of another ecosystem. */
const SKIPPED_SEGMENTS: readonly string[] = [
  '/node_modules/',
  '/site-packages/',
  '/dist-packages/',
  '/.git/',
];

/** Extension-less names that are documentation or build files, never programs (compared lowercased). */
const DOC_NAMES: ReadonlySet<string> = new Set([
  'authors',
  'changelog',
  'changes',
  'contributors',
  'copying',
  'copyright',
  'dockerfile',
  'install',
  'licence',
  'license',
  'makefile',
  'notice',
  'patents',
  'readme',
  'todo',
  'version',
]);

/**
 * Whether `path` (absolute, normalised) is a place a compiled program is likely to live.
 * @example isExecutableCandidate('/usr/local/bin/kubectl') // true
 * @example isExecutableCandidate('/usr/lib/x86_64-linux-gnu/libc.so.6') // false
 */
export function isExecutableCandidate(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  if (name === '' || name.includes('.') || DOC_NAMES.has(name.toLowerCase())) return false;
  if (BIN_DIRS.has(path.slice(0, slash))) return true;
  if (!TREE_PREFIXES.some((p) => path.startsWith(p))) return false;
  return !SKIPPED_SEGMENTS.some((s) => path.includes(s));
}
