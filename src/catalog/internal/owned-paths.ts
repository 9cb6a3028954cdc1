/**
 * File lists of OS packages (dpkg `info/*.list`, apk `F:`/`R:`) name paths as the package built them,
 * which can run through symlinked directories: on a merged-/usr Debian, libc6's list says
 * `/lib/x86_64-linux-gnu/libc.so.6` while the image holds it at `/usr/lib/…`. The catalog runner
 * folds a language or binary package into the OS package that owns its path, and those catalogers
 * report the path they found the file at: so each listed path is kept, plus its resolved form.
 */
import { isAppError } from '../../errors.js';
import type { FileView } from '../../image/file-view.js';

/** Resolves directories once each: a package's files share few directories. */
export class OwnedPathResolver {
  readonly #view: FileView;
  readonly #dirs = new Map<string, string>();

  constructor(view: FileView) {
    this.#view = view;
  }

  #realDir(dir: string): string {
    let real = this.#dirs.get(dir);
    if (real !== undefined) return real;
    try {
      real = this.#view.resolve(dir, true)?.path ?? dir;
    } catch (err) {
      // a symlink loop is hostile content, but only this directory's resolution is lost: keep the path as listed
      if (!isAppError(err, 'IMAGE_SYMLINK_LOOP')) throw err;
      real = dir;
    }
    this.#dirs.set(dir, real);
    return real;
  }

  /**
   * @example resolver.withRealPaths(['/bin/ls']) // ['/bin/ls', '/usr/bin/ls'] when /bin → usr/bin
   */
  withRealPaths(paths: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const path of paths) {
      out.add(path);
      const slash = path.lastIndexOf('/');
      const dir = slash <= 0 ? '/' : path.slice(0, slash);
      const real = this.#realDir(dir);
      if (real !== dir) out.add(`${real === '/' ? '' : real}${path.slice(slash)}`);
    }
    return [...out];
  }
}
