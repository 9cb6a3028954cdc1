/**
 * The dpkg database: `/var/lib/dpkg/status` (one stanza per package dpkg knows) and distroless
 * `/var/lib/dpkg/status.d/<pkg>` (one package's control stanza per file).
 *
 * Format: deb822 stanzas separated by blank lines; `Field: value` lines, continuation lines start with
 * a space or tab (Debian Policy §5.1, https://www.debian.org/doc/debian-policy/ch-controlfields.html).
 * Status values: dpkg-query(1) "Package states" (https://manpages.debian.org/bookworm/dpkg/dpkg-query.1.en.html).
 *
 * Only the fields the catalog needs are kept; the rest (Description, Conffiles…) is skipped as read.
 * Defects become Unknowns naming the file and line; the good stanzas are still returned.
 */
import { MiB } from '../../image/limits.js';
import { isBlank, splitLines, type TextLine } from '../internal/text-lines.js';
import type { UnknownList } from '../internal/unknown-list.js';

/** Longer lines are cut and reported (real ones stay far below: the longest are `Provides` of Rust crates). */
export const MAX_LINE_CHARS = 1 * MiB;
/** A kept field including its continuation lines. */
export const MAX_FIELD_CHARS = 4 * MiB;
/** Debian has about 65,000 binary packages per architecture: a database with more is not real. */
export const MAX_STANZAS = 100_000;

export type DpkgUnknownCode =
  | 'CATALOG_DPKG_STATUS_TRUNCATED'
  | 'CATALOG_DPKG_STATUS_EMPTY'
  | 'CATALOG_DPKG_LINE_INVALID'
  | 'CATALOG_DPKG_LINE_TOO_LONG'
  | 'CATALOG_DPKG_FIELD_TOO_LONG'
  | 'CATALOG_DPKG_FIELD_DUPLICATE'
  | 'CATALOG_DPKG_STANZA_INCOMPLETE'
  | 'CATALOG_DPKG_STATUS_INVALID'
  | 'CATALOG_DPKG_NAME_INVALID'
  | 'CATALOG_DPKG_VERSION_INVALID'
  | 'CATALOG_DPKG_SOURCE_INVALID'
  | 'CATALOG_DPKG_TOO_MANY_PACKAGES'
  | 'CATALOG_DPKG_TOO_MANY_PROBLEMS'
  // read by index.ts
  | 'CATALOG_DPKG_STATUS_TOO_LARGE'
  | 'CATALOG_DPKG_FILE_LIST_TOO_LARGE'
  | 'CATALOG_DPKG_COPYRIGHT_TOO_LARGE'
  | 'CATALOG_DPKG_FILE_UNREADABLE'
  | 'CATALOG_DPKG_PURL_INVALID';

/** Fields kept (lower-case: deb822 field names are case-insensitive). */
const KEPT_FIELDS = new Set([
  'package',
  'status',
  'architecture',
  'multi-arch',
  'source',
  'version',
  'maintainer',
  'depends',
  'pre-depends',
  'provides',
]);

/**
 * The third word of `Status:` for which the package's files are on disk. `config-files` (removed, not
 * purged) and `not-installed` leave no files behind; the want flag (`install`, `hold`, `deinstall`) is
 * a wish, not a state, so it is not looked at.
 */
const PRESENT_STATES = new Set([
  'installed',
  'triggers-pending',
  'triggers-awaited',
  'half-configured',
  'unpacked',
  'half-installed',
]);
const ABSENT_STATES = new Set(['not-installed', 'config-files']);
const WANT_FLAGS = new Set(['unknown', 'install', 'hold', 'deinstall', 'purge']);
const ERROR_FLAGS = new Set(['ok', 'reinstreq']);

/** dpkg `pkg_name_is_illegal`: alphanumerics and `+-._`, starting with an alphanumeric. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9+._-]*$/;
/** Debian Policy §5.6.12 `[epoch:]upstream_version[-debian_revision]`, checked loosely. */
const VERSION_RE = /^(?:\d+:)?[0-9A-Za-z][0-9A-Za-z.+~:-]*$/;
/** `Source: openssl` or `Source: glibc (2.36-9+deb12u4)` (Debian Policy §5.6.1). */
const SOURCE_RE = /^([A-Za-z0-9][A-Za-z0-9+._-]*)(?:\s+\(([^()\s]+)\))?$/;
/** deb822 field names: printable US-ASCII except `:`, not starting with `#` or `-`. */
const FIELD_NAME_RE = /^[!-"$-,.-9;-~][!-9;-~]*$/;

export interface DpkgEntry {
  name: string;
  version: string;
  architecture?: string;
  /** `same` packages name their info files `<pkg>:<arch>.list`. */
  multiArch?: string;
  /** `Source:` when present (its version defaults to the binary version), else the package itself. */
  source: { name: string; version: string };
  maintainer?: string;
  /** `Pre-Depends` then `Depends`, one entry per dependency, alternatives (`a | b`) in order, names only. */
  depends: string[][];
  /** Virtual package names from `Provides`. */
  provides: string[];
  /** Line of the stanza's first field. */
  line: number;
}

interface Stanza {
  fields: Map<string, string>;
  line: number;
  /** The file ended inside this stanza, in the middle of a line. */
  truncated: boolean;
}

function newStanza(line: number): Stanza {
  return { fields: new Map(), line, truncated: false };
}

const isContinuation = (text: string): boolean => text.startsWith(' ') || text.startsWith('\t');

/** Field-by-field state while reading one stanza. */
class StanzaReader {
  stanza: Stanza | undefined;
  /** Field that continuation lines extend; `undefined` while skipping a field we do not keep. */
  key: string | undefined;
  inField = false;
  readonly #path: string;
  readonly #unknowns: UnknownList<DpkgUnknownCode>;

  constructor(path: string, unknowns: UnknownList<DpkgUnknownCode>) {
    this.#path = path;
    this.#unknowns = unknowns;
  }

  /** Handles one non-blank line of a stanza. */
  line(line: TextLine): void {
    if (line.tooLong) this.#tooLong(line);
    else if (isContinuation(line.text)) this.#continuation(line);
    else this.#field(line);
  }

  /** An over-long line loses its whole field: a cut value would be wrong, not just short. */
  #tooLong(line: TextLine): void {
    this.#report(
      'CATALOG_DPKG_LINE_TOO_LONG',
      line,
      `is longer than ${MAX_LINE_CHARS} characters; its field is ignored`,
    );
    if (!isContinuation(line.text)) {
      this.stanza ??= newStanza(line.number);
      this.inField = true;
    } else if (this.key !== undefined) {
      this.stanza?.fields.delete(this.key);
    }
    this.key = undefined;
  }

  #continuation(line: TextLine): void {
    if (!this.inField) {
      this.#report('CATALOG_DPKG_LINE_INVALID', line, 'is a continuation line outside any field; ignored');
      return;
    }
    const current = this.key !== undefined ? this.stanza?.fields.get(this.key) : undefined;
    if (this.key === undefined || current === undefined) return;
    if (current.length + line.text.length > MAX_FIELD_CHARS) {
      this.#report(
        'CATALOG_DPKG_FIELD_TOO_LONG',
        line,
        `makes field ${this.key} longer than ${MAX_FIELD_CHARS} characters; the field is ignored`,
      );
      this.stanza?.fields.delete(this.key);
      this.key = undefined;
      return;
    }
    // every kept field is a simple or folded one (Policy §5.1): continuation lines join with a space
    this.stanza?.fields.set(this.key, `${current} ${line.text.trim()}`.trim());
  }

  #field(line: TextLine): void {
    const colon = line.text.indexOf(':');
    const name = colon > 0 ? line.text.slice(0, colon) : '';
    if (!FIELD_NAME_RE.test(name)) {
      this.#report(
        'CATALOG_DPKG_LINE_INVALID',
        line,
        `is not a "Field: value" line (${JSON.stringify(line.text.slice(0, 80))}); ignored`,
      );
      this.inField = false;
      return;
    }
    this.stanza ??= newStanza(line.number);
    this.inField = true;
    const key = name.toLowerCase();
    this.key = KEPT_FIELDS.has(key) ? key : undefined;
    if (this.key === undefined) return;
    if (this.stanza.fields.has(key)) {
      this.#report('CATALOG_DPKG_FIELD_DUPLICATE', line, `repeats field ${name}; the first value is kept`);
      this.key = undefined;
      return;
    }
    this.stanza.fields.set(key, line.text.slice(colon + 1).trim());
  }

  #report(code: DpkgUnknownCode, line: TextLine, what: string): void {
    this.#unknowns.add(code, `${this.#path} line ${line.number} ${what}`);
  }

  /** Ends the current stanza and returns it. */
  take(): Stanza | undefined {
    const s = this.stanza;
    this.stanza = undefined;
    this.key = undefined;
    this.inField = false;
    return s;
  }
}

/** Splits the text into stanzas, reporting line-level defects. */
function* readStanzas(text: string, path: string, unknowns: UnknownList<DpkgUnknownCode>): Generator<Stanza> {
  const reader = new StanzaReader(path, unknowns);
  let count = 0;
  for (const line of splitLines(text, MAX_LINE_CHARS)) {
    if (line.unterminated && !isBlank(line.text)) {
      unknowns.add(
        'CATALOG_DPKG_STATUS_TRUNCATED',
        `${path} ends in the middle of line ${line.number} (no final newline): the file looks truncated; that line is ignored`,
      );
      if (reader.stanza) reader.stanza.truncated = true;
      break;
    }
    if (!isBlank(line.text)) {
      reader.line(line);
      continue;
    }
    const stanza = reader.take();
    if (!stanza) continue;
    if (++count > MAX_STANZAS) {
      unknowns.add(
        'CATALOG_DPKG_TOO_MANY_PACKAGES',
        `${path} has more than ${MAX_STANZAS} stanzas; the rest of the file is ignored`,
      );
      return;
    }
    yield stanza;
  }
  const last = reader.take();
  if (last && ++count <= MAX_STANZAS) yield last;
}

/** Parses `Status: want flag state`; undefined when it is not three known words. */
function parseStatusField(value: string): { state: string } | undefined {
  const words = value.split(/\s+/);
  const [want, flag, state] = words;
  if (words.length !== 3 || !WANT_FLAGS.has(want!) || !ERROR_FLAGS.has(flag!)) return undefined;
  if (!PRESENT_STATES.has(state!) && !ABSENT_STATES.has(state!)) return undefined;
  return { state: state! };
}

/** `libc6 (>= 2.34), libssl3 | libssl1.1, awk:any` → `[['libc6'], ['libssl3', 'libssl1.1'], ['awk']]`. */
export function parseRelationField(value: string | undefined): string[][] {
  if (value === undefined) return [];
  const out: string[][] = [];
  for (const dep of value.split(',')) {
    const alternatives = dep
      .split('|')
      .map((alt) => /^\s*([^\s(:[<]+)/.exec(alt)?.[1])
      .filter((n): n is string => n !== undefined);
    if (alternatives.length > 0) out.push(alternatives);
  }
  return out;
}

export interface ParseStatusOptions {
  /**
   * `/var/lib/dpkg/status` always carries `Status:`; distroless `status.d` stanzas are control files
   * that never do (every package there is installed).
   */
  statusRequired: boolean;
}

/** Whether the stanza's package is on disk; reports a missing or malformed Status. */
function isPresent(
  stanza: Stanza,
  path: string,
  name: string,
  opts: ParseStatusOptions,
  unknowns: UnknownList<DpkgUnknownCode>,
): boolean {
  const value = stanza.fields.get('status');
  if (value === undefined) {
    if (opts.statusRequired) {
      unknowns.add(
        'CATALOG_DPKG_STATUS_INVALID',
        `${path} line ${stanza.line}: package ${name} has no Status field; reported as installed`,
      );
    }
    return true;
  }
  const status = parseStatusField(value);
  if (!status) {
    unknowns.add(
      'CATALOG_DPKG_STATUS_INVALID',
      `${path} line ${stanza.line}: package ${name} has an unrecognised Status ${JSON.stringify(value)}; reported as installed`,
    );
    return true;
  }
  return PRESENT_STATES.has(status.state);
}

function parseSource(
  stanza: Stanza,
  path: string,
  name: string,
  version: string,
  unknowns: UnknownList<DpkgUnknownCode>,
) {
  const value = stanza.fields.get('source');
  if (value === undefined || value === '') return { name, version };
  const m = SOURCE_RE.exec(value);
  if (!m) {
    unknowns.add(
      'CATALOG_DPKG_SOURCE_INVALID',
      `${path} line ${stanza.line}: package ${name} has a malformed Source ${JSON.stringify(value)}; the package is its own source`,
    );
    return { name, version };
  }
  return { name: m[1]!, version: m[2] ?? version };
}

/** Checks one stanza and turns it into an entry; undefined when it is skipped (reported, or not installed). */
function toEntry(
  stanza: Stanza,
  path: string,
  opts: ParseStatusOptions,
  unknowns: UnknownList<DpkgUnknownCode>,
): DpkgEntry | undefined {
  const name = stanza.fields.get('package');
  const version = stanza.fields.get('version');
  if (!name || !version) {
    const code: DpkgUnknownCode = stanza.truncated
      ? 'CATALOG_DPKG_STATUS_TRUNCATED'
      : 'CATALOG_DPKG_STANZA_INCOMPLETE';
    const what = name ? `package ${name} has no Version` : 'stanza has no Package field';
    unknowns.add(code, `${path} line ${stanza.line}: ${what}; skipped`);
    return undefined;
  }
  if (!NAME_RE.test(name)) {
    unknowns.add(
      'CATALOG_DPKG_NAME_INVALID',
      `${path} line ${stanza.line}: ${JSON.stringify(name.slice(0, 200))} is not a valid package name; skipped`,
    );
    return undefined;
  }
  if (!isPresent(stanza, path, name, opts, unknowns)) return undefined;
  if (!VERSION_RE.test(version)) {
    unknowns.add(
      'CATALOG_DPKG_VERSION_INVALID',
      `${path} line ${stanza.line}: package ${name} has an invalid version ${JSON.stringify(version.slice(0, 200))}; reported as found`,
    );
  }
  const f = stanza.fields;
  return {
    name,
    version,
    ...(f.get('architecture') && { architecture: f.get('architecture') }),
    ...(f.get('multi-arch') && { multiArch: f.get('multi-arch') }),
    source: parseSource(stanza, path, name, version, unknowns),
    ...(f.get('maintainer') && { maintainer: f.get('maintainer') }),
    depends: [...parseRelationField(f.get('pre-depends')), ...parseRelationField(f.get('depends'))],
    provides: parseRelationField(f.get('provides')).flat(),
    line: stanza.line,
  };
}

/**
 * Parses a dpkg status file (or one `status.d` file). Never throws on content: defects go to
 * `unknowns`, and every stanza that can be read is returned.
 *
 * @example
 * const unknowns = new UnknownList('/var/lib/dpkg/status', 'CATALOG_DPKG_TOO_MANY_PROBLEMS');
 * parseDpkgStatus('Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nSource: bash (5.2.15-2)\n',
 *   '/var/lib/dpkg/status', { statusRequired: true }, unknowns);
 * // [{ name: 'bash', version: '5.2.15-2+b2', source: { name: 'bash', version: '5.2.15-2' }, … }]
 */
export function parseDpkgStatus(
  text: string,
  path: string,
  opts: ParseStatusOptions,
  unknowns: UnknownList<DpkgUnknownCode>,
): DpkgEntry[] {
  const out: DpkgEntry[] = [];
  let stanzas = 0;
  for (const stanza of readStanzas(text, path, unknowns)) {
    stanzas++;
    const entry = toEntry(stanza, path, opts, unknowns);
    if (entry) out.push(entry);
  }
  if (stanzas === 0 && unknowns.size === 0) {
    unknowns.add('CATALOG_DPKG_STATUS_EMPTY', `${path} holds no package stanzas`);
  }
  return out;
}
