/**
 * Ranges on top of any scheme's `parse` and `compare`:
 * - {@link parseOsvRange}: OSV event ranges, evaluated as the OSV schema specifies
 *   (https://ossf.github.io/osv-schema/#evaluation).
 * - {@link parseComparatorRange}: operator lists such as `>= 1.2, < 1.4 || = 2.0`, the constraint form of
 *   grype and of most distro feeds, with a per-scheme operator table (dpkg `<<`/`>>`, apk fuzzy `~` …).
 * - {@link createRange}: the opaque {@link Range} a scheme's native `parseRange` returns.
 */
import type { Comparison, OsvEvent, Range, SchemeId, Version } from './scheme.js';
import type { VersionKind } from './version-kind.js';

/** Whether `candidate` passes a test against one parsed range. */
export type RangeTest = (candidate: Version) => boolean;

class SchemeRange implements Range {
  readonly scheme: SchemeId;
  readonly text: string;
  readonly #test: RangeTest;

  constructor(scheme: SchemeId, text: string, test: RangeTest) {
    this.scheme = scheme;
    this.text = text;
    this.#test = test;
  }

  static contains(scheme: SchemeId, version: Version, range: Range): boolean {
    if (!(#test in range) || range.scheme !== scheme) {
      throw new Error(
        `the ${scheme} scheme was given a range that it did not parse (${String(range.scheme)} "${String(range.text)}"); ` +
          'build ranges with parseOsvRange(scheme, …) or scheme.parseRange',
      );
    }
    return range.#test(version);
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }
}

/** Wraps a predicate as the opaque range of `scheme` (for a scheme's native `parseRange`). */
export function createRange(scheme: SchemeId, text: string, test: RangeTest): Range {
  return Object.freeze(new SchemeRange(scheme, text, test));
}

/**
 * The body of every scheme's `satisfies`: checks that the version was parsed by the scheme (`unwrap`
 * throws otherwise, even when the range would not compare it, as in `introduced: "0"` alone) and that
 * the range was built for it, then tests the version.
 */
export function rangeContains(
  kind: Pick<VersionKind<unknown>, 'scheme' | 'unwrap'>,
  version: Version,
  range: Range,
): boolean {
  kind.unwrap(version);
  return SchemeRange.contains(kind.scheme, version, range);
}

/** The part of a scheme ranges are built from. */
export interface OrderedScheme {
  readonly id: SchemeId;
  parse(raw: string): Version | undefined;
  compare(a: Version, b: Version): Comparison;
}

/** OSV: `introduced: "0"` means "from the first version" (osv-schema `events[].introduced`). */
const FROM_THE_BEGINNING = '0';
/** OSV: `limit: "*"` means "no upper limit" (osv-schema `events[].limit`). */
const NO_LIMIT = '*';

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
interface ParsedEvent {
  kind: EventKind;
  /** undefined for the sentinels `introduced: "0"` and `limit: "*"`. */
  version: Version | undefined;
}

/** At equal versions `introduced` sorts first, so `introduced X, fixed X` is empty, not open-ended. */
const TIE_ORDER: Record<EventKind, number> = { introduced: 0, fixed: 1, last_affected: 1, limit: 1 };

/**
 * Builds a range from OSV events, evaluated per https://ossf.github.io/osv-schema/#evaluation:
 * events are sorted by version; walking up to the candidate, `introduced` turns "affected" on,
 * `fixed` (candidate ≥ fixed) and `last_affected` (candidate > last_affected) turn it off; when
 * `limit` events exist the candidate must also be below one of them.
 *
 * Returns `undefined` when the list is empty or any event version does not parse with `scheme`;
 * `onInvalid` receives each unparseable version so the caller can report it as an Unknown.
 *
 * @example
 * const r = parseOsvRange(dpkg, [{ introduced: '0' }, { fixed: '1.1.1n-0+deb11u4' }]);
 * dpkg.satisfies(dpkg.parse('1.1.1n-0+deb11u3')!, r!); // true
 */
export function parseOsvRange(
  scheme: OrderedScheme,
  events: readonly OsvEvent[],
  onInvalid?: (raw: string) => void,
): Range | undefined {
  const parsed: ParsedEvent[] = [];
  let valid = events.length > 0;
  for (const event of events) {
    const [kind, raw] = eventEntry(event);
    if (kind === undefined || raw === undefined) {
      valid = false;
      continue;
    }
    const sentinel =
      (kind === 'introduced' && raw === FROM_THE_BEGINNING) || (kind === 'limit' && raw === NO_LIMIT);
    const version = sentinel ? undefined : scheme.parse(raw);
    if (!sentinel && version === undefined) {
      valid = false;
      onInvalid?.(raw);
      continue;
    }
    parsed.push({ kind, version });
  }
  if (!valid) return undefined;
  const sorted = sortEvents(scheme, parsed);
  const limits = sorted.filter((e) => e.kind === 'limit');
  const text = events.map((e) => eventEntry(e).join(' ')).join(', ');
  return createRange(
    scheme.id,
    text,
    (v) => beforeLimits(scheme, v, limits) && isAffected(scheme, v, sorted),
  );
}

function eventEntry(event: OsvEvent): [EventKind | undefined, string | undefined] {
  if ('introduced' in event) return ['introduced', event.introduced];
  if ('fixed' in event) return ['fixed', event.fixed];
  if ('last_affected' in event) return ['last_affected', event.last_affected];
  if ('limit' in event) return ['limit', event.limit];
  return [undefined, undefined];
}

function sortEvents(scheme: OrderedScheme, events: ParsedEvent[]): ParsedEvent[] {
  return [...events].sort((a, b) => {
    if (a.version === undefined || b.version === undefined) {
      // `introduced: "0"` is below everything; `limit: "*"` never takes part in the walk.
      if (a.version === b.version) return TIE_ORDER[a.kind] - TIE_ORDER[b.kind];
      return a.version === undefined ? -1 : 1;
    }
    return scheme.compare(a.version, b.version) || TIE_ORDER[a.kind] - TIE_ORDER[b.kind];
  });
}

function isAffected(scheme: OrderedScheme, v: Version, events: readonly ParsedEvent[]): boolean {
  let affected = false;
  for (const e of events) {
    if (e.kind === 'introduced') {
      if (e.version === undefined || scheme.compare(v, e.version) >= 0) affected = true;
    } else if (e.kind === 'fixed') {
      if (e.version !== undefined && scheme.compare(v, e.version) >= 0) affected = false;
    } else if (e.kind === 'last_affected') {
      if (e.version !== undefined && scheme.compare(v, e.version) > 0) affected = false;
    }
  }
  return affected;
}

function beforeLimits(scheme: OrderedScheme, v: Version, limits: readonly ParsedEvent[]): boolean {
  if (limits.length === 0) return true;
  return limits.some((e) => e.version === undefined || scheme.compare(v, e.version) < 0);
}

/** A comparison operator: whether `candidate` relates to `bound` as the operator says. */
export type Operator = (candidate: Version, bound: Version) => boolean;

/** Operator spellings → predicates; the key `''` (if present) is used for a bare version. */
export type OperatorTable = Readonly<Record<string, Operator>>;

/** `<`, `<=`, `>`, `>=`, `=`, `==`, `!=` with their usual meaning; a bare version means `=`. */
export function standardOperators(compare: OrderedScheme['compare']): OperatorTable {
  return {
    '<': (c, b) => compare(c, b) < 0,
    '<=': (c, b) => compare(c, b) <= 0,
    '>': (c, b) => compare(c, b) > 0,
    '>=': (c, b) => compare(c, b) >= 0,
    '=': (c, b) => compare(c, b) === 0,
    '==': (c, b) => compare(c, b) === 0,
    '!=': (c, b) => compare(c, b) !== 0,
    '': (c, b) => compare(c, b) === 0,
  };
}

interface Comparator {
  op: Operator;
  bound: Version;
}

/**
 * Parses `OP VERSION` lists: comparators joined by `,` or whitespace are all required (AND),
 * alternatives separated by `||` are OR-ed (grype's constraint syntax: `> 1.0, < 2.0 || >= 3.0`).
 * Returns `undefined` for empty text, an unknown operator or a version the scheme cannot parse.
 */
export function parseComparatorRange(
  scheme: Pick<OrderedScheme, 'id' | 'parse'>,
  text: string,
  operators: OperatorTable,
): Range | undefined {
  const alternatives: Comparator[][] = [];
  for (const part of text.split('||')) {
    const comparators = parseComparators(scheme, part, operators);
    if (comparators === undefined) return undefined;
    alternatives.push(comparators);
  }
  return createRange(scheme.id, text.trim(), (v) =>
    alternatives.some((all) => all.every((c) => c.op(v, c.bound))),
  );
}

function parseComparators(
  scheme: Pick<OrderedScheme, 'parse'>,
  text: string,
  operators: OperatorTable,
): Comparator[] | undefined {
  const spellings = Object.keys(operators)
    .filter((k) => k !== '')
    .sort((a, b) => b.length - a.length)
    .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const token = new RegExp(`^\\s*(${spellings.join('|')})?\\s*(\\S+)`);
  const out: Comparator[] = [];
  // Comma-separated clauses, each one or more whitespace-separated comparators; no empty clause.
  for (const clause of text.split(',')) {
    let rest = clause;
    if (rest.trim() === '') return undefined;
    while (rest.trim() !== '') {
      const m = token.exec(rest);
      const op = operators[m?.[1] ?? ''];
      const bound = m?.[2] === undefined ? undefined : scheme.parse(m[2]);
      if (m === null || op === undefined || bound === undefined) return undefined;
      out.push({ op, bound });
      rest = rest.slice(m[0].length);
    }
  }
  return out;
}
