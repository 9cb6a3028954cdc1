/**
 * Opaque {@link Version} values: each scheme wraps its parsed form in an object only that scheme can open.
 *
 * The brand is an ECMAScript private field, so `unwrap` is a sound check (not a cast): a version parsed by
 * another scheme, or an object literal shaped like a version, is rejected with a plain `Error`
 * (a programmer error, CONVENTIONS.md §2.4 tier c).
 */
import type { SchemeId, Version } from './scheme.js';

export interface VersionKind<T> {
  readonly scheme: SchemeId;
  /** Creates the opaque version for `raw` (kept verbatim) and its parsed form. */
  wrap(raw: string, parsed: T): Version;
  /** The parsed form; throws when `v` was not created by this kind's `wrap`. */
  unwrap(v: Version): T;
}

/**
 * One kind per scheme, created once at module load.
 *
 * @example
 * const kind = createVersionKind<DpkgParts>('dpkg');
 * const v = kind.wrap('1.0-1', parts);
 * kind.unwrap(v); // parts
 */
export function createVersionKind<T>(scheme: SchemeId): VersionKind<T> {
  class SchemeVersion implements Version {
    readonly scheme: SchemeId = scheme;
    readonly raw: string;
    readonly #parsed: T;

    constructor(raw: string, parsed: T) {
      this.raw = raw;
      this.#parsed = parsed;
    }

    static read(v: Version): T {
      if (!(#parsed in v)) throw new Error(mismatchMessage(scheme, v));
      return v.#parsed;
    }

    toString(): string {
      return this.raw;
    }

    toJSON(): string {
      return this.raw;
    }
  }
  return {
    scheme,
    wrap: (raw, parsed) => Object.freeze(new SchemeVersion(raw, parsed)),
    unwrap: (v) => SchemeVersion.read(v),
  };
}

function mismatchMessage(scheme: SchemeId, v: Version): string {
  const what =
    typeof v === 'object' && v !== null && 'scheme' in v
      ? `a ${String(v.scheme)} version (${String(v.raw)})`
      : `a value that is not a parsed version`;
  return `the ${scheme} scheme was given ${what}; parse both sides with the same scheme (schemeFor(ecosystem).parse)`;
}
