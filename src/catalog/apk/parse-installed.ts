/**
 * The apk installed database, `/lib/apk/db/installed`: one record per package, records separated by a
 * blank line, one `X:value` field per line with a single-letter key.
 * ref. https://wiki.alpinelinux.org/wiki/Apk_spec ("Installed Database V2"), apk-tools `src/database.c`
 * (`apk_db_fdb_read`).
 *
 * Kept: `P` name, `V` version, `A` arch, `o` origin (source package), `L` license, `m` maintainer,
 * `D` dependencies, `p` provides, `F` directory and `R` file (a file's path is relative to the last `F`).
 * Checksums, sizes, ACLs (`M`, `a`) and the like are skipped.
 */
import { MiB } from '../../image/limits.js';
import { isBlank, splitLines, type TextLine } from '../internal/text-lines.js';
import type { UnknownList } from '../internal/unknown-list.js';

/** Longer lines are cut and reported (syft caps fields at 10 MiB; real ones are a few KiB at most). */
export const MAX_LINE_CHARS = 1 * MiB;
/** Alpine's whole aports tree builds about 40,000 packages: a database with more is not real. */
export const MAX_RECORDS = 100_000;

export type ApkUnknownCode =
  | 'CATALOG_APK_DB_TRUNCATED'
  | 'CATALOG_APK_DB_EMPTY'
  | 'CATALOG_APK_LINE_INVALID'
  | 'CATALOG_APK_LINE_TOO_LONG'
  | 'CATALOG_APK_RECORD_INCOMPLETE'
  | 'CATALOG_APK_RECORD_UNTERMINATED'
  | 'CATALOG_APK_NAME_INVALID'
  | 'CATALOG_APK_VERSION_INVALID'
  | 'CATALOG_APK_TOO_MANY_PACKAGES'
  | 'CATALOG_APK_TOO_MANY_PROBLEMS'
  // read by index.ts
  | 'CATALOG_APK_DB_TOO_LARGE'
  | 'CATALOG_APK_PURL_INVALID';

/** apk-tools `apk_pkg_parse_name` accepts far more; this keeps path separators and spaces out. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9+._-]*$/;
/** apk-tools `version.c`: digits, dot-separated, letter, `_suffix[N]`s, `~hash`, `-rN`. */
const VERSION_RE =
  /^\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*(?:~[0-9a-f]+)?(?:-r\d+)?$/;

export interface ApkEntry {
  name: string;
  version: string;
  architecture?: string;
  /** `o:` the aport (source package) this package was built from. */
  origin?: string;
  license?: string;
  maintainer?: string;
  /** `D:` dependency names, version constraints removed; conflicts (`!name`) left out. */
  depends: string[];
  /** `p:` provided names (`so:libc.musl-x86_64.so.1`, `cmd:sh`, `/bin/sh`), versions removed. */
  provides: string[];
  /** Absolute paths of the package's files (`F:` + `R:`). */
  files: string[];
  /** Line of the record's first field. */
  line: number;
}

interface Draft extends Partial<Omit<ApkEntry, 'depends' | 'provides' | 'files' | 'line'>> {
  depends: string[];
  provides: string[];
  files: string[];
  line: number;
  dir: string;
  truncated: boolean;
}

const newDraft = (line: number): Draft => ({
  depends: [],
  provides: [],
  files: [],
  line,
  dir: '',
  truncated: false,
});

/** `so:libc.musl-x86_64.so.1=1`, `musl>=1.2`, `cmd:sh=1.36.1-r29` → the name before any constraint. */
function stripConstraint(dep: string): string {
  return dep.split(/[<>=~]/, 1)[0]!;
}

function listValue(value: string, dropConflicts: boolean): string[] {
  return value
    .split(/\s+/)
    .filter((d) => d !== '' && !(dropConflicts && d.startsWith('!')))
    .map(stripConstraint)
    .filter((d) => d !== '');
}

/** A normalised absolute path from `F:` dir + `R:` name (apk stores them without a leading `/`). */
function joinRelative(dir: string, name: string): string {
  const parts = `${dir}/${name}`.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  return `/${parts.join('/')}`;
}

/** Applies one `X:value` field to the record being read. */
function applyField(d: Draft, key: string, value: string): void {
  switch (key) {
    case 'P':
      d.name = value;
      break;
    case 'V':
      d.version = value;
      break;
    case 'A':
      d.architecture = value;
      break;
    case 'o':
      d.origin = value;
      break;
    case 'L':
      d.license = value;
      break;
    case 'm':
      d.maintainer = value;
      break;
    case 'D':
      d.depends.push(...listValue(value, true));
      break;
    case 'p':
      d.provides.push(...listValue(value, false));
      break;
    case 'F':
      d.dir = value;
      break;
    case 'R':
      d.files.push(joinRelative(d.dir, value));
      break;
    default:
    // the other fields (C, S, I, T, U, t, c, k, i, r, q, M, a, Z…) carry nothing the catalog uses
  }
}

export class ApkDbReader {
  readonly entries: ApkEntry[] = [];
  #draft: Draft | undefined;
  #records = 0;
  readonly #path: string;
  readonly #unknowns: UnknownList<ApkUnknownCode>;

  constructor(path: string, unknowns: UnknownList<ApkUnknownCode>) {
    this.#path = path;
    this.#unknowns = unknowns;
  }

  get records(): number {
    return this.#records;
  }

  /** Handles one line; returns false once the record cap is reached (stop reading). */
  line(line: TextLine): boolean {
    if (line.unterminated && !isBlank(line.text)) {
      this.#unknowns.add(
        'CATALOG_APK_DB_TRUNCATED',
        `${this.#path} ends in the middle of line ${line.number} (no final newline): the file looks truncated; that line is ignored`,
      );
      if (this.#draft) this.#draft.truncated = true;
      return false;
    }
    if (isBlank(line.text)) return this.end();
    if (line.tooLong) {
      this.#unknowns.add(
        'CATALOG_APK_LINE_TOO_LONG',
        `${this.#path} line ${line.number} is longer than ${MAX_LINE_CHARS} characters; ignored`,
      );
      return true;
    }
    const colon = line.text.indexOf(':');
    if (colon !== 1) {
      this.#unknowns.add(
        'CATALOG_APK_LINE_INVALID',
        `${this.#path} line ${line.number} is not an "X:value" line (${JSON.stringify(line.text.slice(0, 80))}); ignored`,
      );
      return true;
    }
    const key = line.text[0]!;
    if (key === 'P' && this.#draft?.name !== undefined) {
      // a new package without the blank line before it: keep both records
      this.#unknowns.add(
        'CATALOG_APK_RECORD_UNTERMINATED',
        `${this.#path} line ${line.number}: package record starts without a blank line after the previous one`,
      );
      if (!this.end()) return false;
    }
    this.#draft ??= newDraft(line.number);
    applyField(this.#draft, key, line.text.slice(2));
    return true;
  }

  /** Ends the current record; false once more than MAX_RECORDS were read. */
  end(): boolean {
    const d = this.#draft;
    this.#draft = undefined;
    if (!d) return true;
    if (++this.#records > MAX_RECORDS) {
      this.#unknowns.add(
        'CATALOG_APK_TOO_MANY_PACKAGES',
        `${this.#path} has more than ${MAX_RECORDS} package records; the rest of the file is ignored`,
      );
      return false;
    }
    const entry = this.#check(d);
    if (entry) this.entries.push(entry);
    return true;
  }

  #check(d: Draft): ApkEntry | undefined {
    const where = `${this.#path} line ${d.line}`;
    if (!d.name || !d.version) {
      const code: ApkUnknownCode = d.truncated ? 'CATALOG_APK_DB_TRUNCATED' : 'CATALOG_APK_RECORD_INCOMPLETE';
      this.#unknowns.add(
        code,
        `${where}: ${d.name ? `package ${d.name} has no V: version` : 'record has no P: name'}; skipped`,
      );
      return undefined;
    }
    if (!NAME_RE.test(d.name)) {
      this.#unknowns.add(
        'CATALOG_APK_NAME_INVALID',
        `${where}: ${JSON.stringify(d.name.slice(0, 200))} is not a valid package name; skipped`,
      );
      return undefined;
    }
    if (!VERSION_RE.test(d.version)) {
      this.#unknowns.add(
        'CATALOG_APK_VERSION_INVALID',
        `${where}: package ${d.name} has an invalid version ${JSON.stringify(d.version.slice(0, 200))}; reported as found`,
      );
    }
    return {
      name: d.name,
      version: d.version,
      ...(d.architecture !== undefined && { architecture: d.architecture }),
      ...(d.origin !== undefined && { origin: d.origin }),
      ...(d.license !== undefined && { license: d.license }),
      ...(d.maintainer !== undefined && { maintainer: d.maintainer }),
      depends: d.depends,
      provides: d.provides,
      files: d.files,
      line: d.line,
    };
  }
}

/**
 * Parses an apk installed database. Never throws on content: defects go to `unknowns`, and every
 * record that can be read is returned.
 *
 * @example
 * parseApkInstalled('P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\n\n', path, unknowns)
 * // [{ name: 'musl', version: '1.2.5-r0', files: ['/lib/ld-musl-x86_64.so.1'], … }]
 */
export function parseApkInstalled(
  text: string,
  path: string,
  unknowns: UnknownList<ApkUnknownCode>,
): ApkEntry[] {
  const reader = new ApkDbReader(path, unknowns);
  for (const line of splitLines(text, MAX_LINE_CHARS)) {
    if (!reader.line(line)) break;
  }
  // the last record needs no blank line after it; past the cap there is nothing left to end
  if (reader.records <= MAX_RECORDS) reader.end();
  if (reader.records === 0 && unknowns.size === 0) {
    unknowns.add('CATALOG_APK_DB_EMPTY', `${path} holds no package records`);
  }
  return reader.entries;
}
