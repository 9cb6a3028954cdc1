/**
 * One OSV record → {@link AdvisoryRecord}. Field semantics follow the OSV schema
 * (https://ossf.github.io/osv-schema/): `aliases` are the same vulnerability under other ids, a
 * single-entry `upstream` CVE (Ubuntu/Debian `…-CVE-…` records) is treated as an alias too, `withdrawn`
 * records stay as text but match nothing, `severity[].score` holds a CVSS vector, and GHSA puts a
 * textual rating in `database_specific.severity`. Shape defects become `unknown` items.
 */
import { z } from 'zod';
import { cvss2BaseScore, cvss3BaseScore, levelFromScore, levelFromText } from '../../cvss.js';
import type {
  AdvisoryRecord,
  Affected,
  AffectedRange,
  FeedItem,
  RangeEvent,
  SeverityRating,
} from '../../model.js';
import { splitEcosystem } from './ecosystems.js';

const Str = z.string();
const LooseObject = z.record(z.unknown());
const Severity = z.object({ type: Str, score: Str });
const Range = z.object({ type: Str, events: z.array(LooseObject) });

/** Lenient boundary schema: required keys only where a record is useless without them. */
export const OsvRecord = z.object({
  id: Str.min(1),
  modified: Str.optional(),
  published: Str.optional(),
  withdrawn: Str.optional(),
  aliases: z.array(Str).nullish(),
  upstream: z.array(Str).nullish(),
  summary: Str.optional(),
  details: Str.optional(),
  severity: z.array(Severity).nullish(),
  affected: z
    .array(
      z.object({
        package: z.object({ ecosystem: Str, name: Str }).optional(),
        severity: z.array(Severity).nullish(),
        ranges: z.array(Range).nullish(),
        versions: z.array(Str).nullish(),
        ecosystem_specific: LooseObject.nullish(),
        database_specific: LooseObject.nullish(),
      }),
    )
    .nullish(),
  references: z.array(z.object({ type: Str.optional(), url: Str })).nullish(),
  database_specific: LooseObject.nullish(),
});
export type OsvRecord = z.infer<typeof OsvRecord>;

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
const RANGE_TYPES = new Set(['ECOSYSTEM', 'SEMVER', 'GIT']);

type Unknown = Extract<FeedItem, { kind: 'unknown' }>;

function unknown(location: string, code: string, message: string): Unknown {
  return { kind: 'unknown', location, code, message };
}

type Guard = (v: unknown) => boolean;
const isStr = (v: unknown): v is string => typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const optStr: Guard = (v) => v === undefined || isStr(v);
const nullishArr =
  (each: Guard): Guard =>
  (v) =>
    v == null || (Array.isArray(v) && v.every(each));
const nullishObj: Guard = (v) => v == null || isObj(v);
const isSeverity: Guard = (v) => isObj(v) && isStr(v.type) && isStr(v.score);
const isRange: Guard = (v) => isObj(v) && isStr(v.type) && Array.isArray(v.events) && v.events.every(isObj);
const strings = nullishArr(isStr);
const severities = nullishArr(isSeverity);
const ranges = nullishArr(isRange);
const isReference: Guard = (x) => isObj(x) && isStr(x.url) && optStr(x.type);
const references = nullishArr(isReference);
const isAffected: Guard = (v) =>
  isObj(v) &&
  (v.package === undefined || (isObj(v.package) && isStr(v.package.ecosystem) && isStr(v.package.name))) &&
  severities(v.severity) &&
  ranges(v.ranges) &&
  strings(v.versions) &&
  nullishObj(v.ecosystem_specific) &&
  nullishObj(v.database_specific);
const affectedList = nullishArr(isAffected);

/**
 * Fast structural check equivalent to {@link OsvRecord} (zod costs tens of µs per record, too much for
 * 10⁵-record exports); zod still runs when this fails, to report every issue with its path. The guards
 * are built once, not per call.
 */
function isOsvRecord(v: unknown): v is OsvRecord {
  return (
    isObj(v) &&
    isStr(v.id) &&
    v.id.length > 0 &&
    optStr(v.modified) &&
    optStr(v.published) &&
    optStr(v.withdrawn) &&
    optStr(v.summary) &&
    optStr(v.details) &&
    strings(v.aliases) &&
    strings(v.upstream) &&
    severities(v.severity) &&
    affectedList(v.affected) &&
    references(v.references) &&
    nullishObj(v.database_specific)
  );
}

function validate(raw: unknown, location: string): OsvRecord | Unknown {
  if (isOsvRecord(raw)) return raw;
  const parsed = OsvRecord.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return unknown(location, 'OSV_RECORD_INVALID', issues);
}

/** Parses one OSV JSON value; returns the advisory (if usable) and the defects found. */
export function parseOsvRecord(
  raw: unknown,
  location: string,
): { record?: AdvisoryRecord; unknowns: Unknown[] } {
  const r = validate(raw, location);
  if ('kind' in r) return { unknowns: [r] };
  const unknowns: Unknown[] = [];
  const source = severitySource(r);
  // Optional fields are assigned, not spread: this runs per record, and spreads cost more.
  const record: AdvisoryRecord = {
    id: r.id,
    source: 'osv',
    aliases: aliasesOf(r),
    references: (r.references ?? []).map((x) =>
      x.type === undefined ? { url: x.url } : { type: x.type, url: x.url },
    ),
    cwes: cwesOf(r.database_specific),
    severities: recordSeverities(r, source),
    affected: [],
  };
  if (r.summary !== undefined) record.summary = r.summary;
  if (r.details !== undefined) record.details = r.details;
  if (r.published !== undefined) record.published = r.published;
  if (r.modified !== undefined) record.modified = r.modified;
  if (r.withdrawn !== undefined) record.withdrawn = r.withdrawn;
  const affected = r.affected ?? [];
  for (let i = 0; i < affected.length; i++) {
    const a = affected[i]!;
    if (a.package === undefined) continue; // affected entries without a package describe git-only (OSS-Fuzz) data
    record.affected.push(toAffected(a as AffectedInput, source, `${location}#affected[${i}]`, unknowns));
  }
  return { record, unknowns };
}

function aliasesOf(r: OsvRecord): string[] {
  const out = new Set((r.aliases ?? []).filter((a) => a !== r.id));
  const upstream = r.upstream ?? [];
  if (upstream.length === 1 && /^CVE-\d{4}-\d+$/.test(upstream[0]!)) out.add(upstream[0]!);
  return [...out];
}

function cwesOf(db: Record<string, unknown> | null | undefined): string[] {
  const ids = db?.cwe_ids;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
}

function severitySource(r: OsvRecord): string {
  if (r.id.startsWith('GHSA-')) return 'ghsa';
  const eco = r.affected?.[0]?.package?.ecosystem;
  return eco === undefined ? 'osv' : `osv:${splitEcosystem(eco).ecosystem}`;
}

/** A CVSS vector or textual rating of `severity[]` → rating with a computed score. */
export function ratingOf(s: { type: string; score: string }, source: string): SeverityRating {
  const type = s.type.toUpperCase();
  if (type === 'CVSS_V3' || type === 'CVSS_V2') {
    const v = type === 'CVSS_V3' ? 3 : 2;
    const score = v === 3 ? cvss3BaseScore(s.score) : cvss2BaseScore(s.score);
    return score === undefined
      ? { source, type, vector: s.score, level: 'unknown' }
      : { source, type, vector: s.score, score, level: levelFromScore(score, v) };
  }
  if (type === 'CVSS_V4') return { source, type, vector: s.score, level: 'unknown' };
  // Ecosystem-defined types (e.g. `Ubuntu`) carry a textual rating in `score`.
  return { source, type: s.type, level: levelFromText(s.score) };
}

function textRating(
  db: Record<string, unknown> | null | undefined,
  source: string,
): SeverityRating | undefined {
  const text = db?.severity;
  return typeof text === 'string' ? { source, type: 'text', level: levelFromText(text) } : undefined;
}

function recordSeverities(r: OsvRecord, source: string): SeverityRating[] {
  const out = (r.severity ?? []).map((s) => ratingOf(s, source));
  const text = textRating(r.database_specific, source);
  if (text !== undefined) out.push(text);
  return out;
}

type AffectedInput = NonNullable<OsvRecord['affected']>[number] & {
  package: { ecosystem: string; name: string };
};

function toAffected(a: AffectedInput, source: string, where: string, unknowns: Unknown[]): Affected {
  const { ecosystem, distroRelease } = splitEcosystem(a.package.ecosystem);
  const ranges: AffectedRange[] = [];
  const raw = a.ranges ?? [];
  for (let j = 0; j < raw.length; j++) {
    const parsed = toRange(raw[j]!, where, j, unknowns);
    if (parsed !== undefined) ranges.push(parsed);
  }
  const fixedIn = firstFixed(ranges);
  const versions = a.versions ?? [];
  const severity =
    a.severity?.[0] === undefined
      ? (textRating(a.ecosystem_specific, source) ?? textRating(a.database_specific, source))
      : ratingOf(a.severity[0], source);
  const out: Affected = {
    ecosystem,
    package: a.package.name,
    ranges,
    versions,
    fixState:
      fixedIn !== undefined ? 'fixed' : ranges.length > 0 || versions.length > 0 ? 'not-fixed' : 'unknown',
  };
  if (distroRelease !== undefined) out.distroRelease = distroRelease;
  if (fixedIn !== undefined) out.fixedIn = fixedIn;
  if (severity !== undefined) out.severity = severity;
  return out;
}

/** The one event key of an OSV event object, or undefined when it has none or several. */
function eventKey(e: Record<string, unknown>): (typeof EVENT_KEYS)[number] | undefined {
  let found: (typeof EVENT_KEYS)[number] | undefined;
  for (const k of EVENT_KEYS) {
    if (typeof e[k] !== 'string') continue;
    if (found !== undefined) return undefined;
    found = k;
  }
  return found;
}

function toEvent(key: (typeof EVENT_KEYS)[number], value: string): RangeEvent {
  switch (key) {
    case 'introduced':
      return { introduced: value };
    case 'fixed':
      return { fixed: value };
    case 'last_affected':
      return { last_affected: value };
    case 'limit':
      return { limit: value };
  }
}

function toRange(
  range: { type: string; events: Record<string, unknown>[] },
  where: string,
  index: number,
  unknowns: Unknown[],
): AffectedRange | undefined {
  if (!RANGE_TYPES.has(range.type)) {
    unknowns.push(
      unknown(
        `${where}.ranges[${index}]`,
        'OSV_RANGE_TYPE_UNSUPPORTED',
        `range type "${range.type}" is not ECOSYSTEM, SEMVER or GIT`,
      ),
    );
    return undefined;
  }
  const events: RangeEvent[] = [];
  for (const e of range.events) {
    const key = eventKey(e);
    if (key === undefined) {
      unknowns.push(
        unknown(
          `${where}.ranges[${index}]`,
          'OSV_EVENT_INVALID',
          `event ${JSON.stringify(e)} must have exactly one of ${EVENT_KEYS.join(', ')}`,
        ),
      );
      return undefined;
    }
    events.push(toEvent(key, e[key] as string));
  }
  return { type: range.type as AffectedRange['type'], events };
}

function firstFixed(ranges: AffectedRange[]): string | undefined {
  for (const r of ranges) {
    if (r.type === 'GIT') continue;
    for (const e of r.events) if ('fixed' in e) return e.fixed;
  }
  return undefined;
}
