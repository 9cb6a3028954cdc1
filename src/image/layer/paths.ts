/**
 * Path handling for image content. Every path inside an image is absolute, POSIX, normalised
 * (`/usr/lib/os-release`), and can never name anything outside the image root.
 */

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export type NormalisedPath = { ok: true; path: string } | { ok: false; reason: 'escapes-root' | 'empty' };

/**
 * Normalises a tar entry name (`./etc/passwd`, `etc//x/`, `a/../b`) to an absolute image path.
 * A name whose `..` components climb above the root is rejected, not clamped: such an entry is an
 * attack (or a broken tool), and silently mapping it onto `/etc/passwd` would hide what it tried.
 */
export function normaliseEntryName(name: string): NormalisedPath {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return { ok: false, reason: 'escapes-root' };
      out.pop();
      continue;
    }
    out.push(part);
  }
  if (out.length === 0) return { ok: false, reason: 'empty' };
  return { ok: true, path: `/${out.join('/')}` };
}

/** Splits an absolute normalised path into components (`/` → []). */
export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

export function joinPath(parts: readonly string[]): string {
  return `/${parts.join('/')}`;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Turns a user-given path (`etc/os-release`, `/etc/os-release/`) into the normalised form, clamping `..`. */
export function cleanUserPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return joinPath(out);
}
