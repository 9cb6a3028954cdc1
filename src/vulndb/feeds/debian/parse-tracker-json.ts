/**
 * Parser of the Debian Security Tracker JSON export (https://security-tracker.debian.org/tracker/data/json,
 * written by security-tracker `lib/python/security_db.py`): source package → issue id (CVE or TEMP) →
 * `{ description, scope, debianbug, releases: { <codename>: { status, repositories, fixed_version,
 * urgency, nodsa, nodsa_reason } } }`.
 *
 * The file is ~80 MB, so it is streamed one source package at a time ({@link jsonChildren}). The
 * tracker is package-major while the vulndb keys advisories by (source, id), so each (package, issue)
 * becomes its own record `DEBIAN-<issue>/<package>` with the issue id as alias; the writer groups the
 * records of one CVE through the alias.
 */
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import { levelFromText } from '../../cvss.js';
import type {
  AdvisoryRecord,
  Affected,
  AffectedRange,
  FeedItem,
  FixState,
  SeverityRating,
} from '../../model.js';
import {
  defect,
  describeIssues,
  FEED_DEFECT,
  isPlainObject,
  jsonLocation,
  typeName,
} from '../feed-defects.js';
import type { FeedDefectCode } from '../feed-defects.js';
import { jsonChildren } from '../json-stream.js';

export const TRACKER_URL = 'https://security-tracker.debian.org/tracker';

/** CVE ids, and the tracker's own `TEMP-<7 digits>-<6 hex>` ids for issues without a CVE yet. */
const ISSUE_ID = /^(?:CVE-\d{4}-\d{4,}|TEMP-\d{7}-[0-9A-F]{6})$/;
/** `fixed_version` of a resolved release that was never affected (tracker `<not-affected>`). */
const NOT_AFFECTED_VERSION = '0';
/** A fresh range covering every version (rows never share arrays). */
const allVersions = (): AffectedRange[] => [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];

const ReleaseEntry = z.object({
  status: z.string(),
  repositories: z.record(z.string()).nullish(),
  fixed_version: z.string().nullish(),
  urgency: z.string().nullish(),
  /** Present when the security team decided against a DSA; its text says why ("Minor issue"). */
  nodsa: z.string().nullish(),
  /** `''` (plain no-dsa), `ignored` or `postponed`. */
  nodsa_reason: z.string().nullish(),
});
type ReleaseEntry = z.infer<typeof ReleaseEntry>;

const Issue = z.object({
  description: z.string().nullish(),
  scope: z.string().nullish(),
  debianbug: z.union([z.number().int(), z.string()]).nullish(),
  /** An issue without any release is exported as `[]` (an empty Python list), not `{}`. */
  releases: z.union([z.record(z.unknown()), z.tuple([])]).default({}),
});
type Issue = z.infer<typeof Issue>;

interface Problem {
  code: FeedDefectCode;
  message: string;
}
interface FixInfo {
  fixState: FixState;
  ranges: AffectedRange[];
  fixedIn?: string;
  note?: string;
}

/**
 * Streams the tracker JSON into one advisory per (source package, issue), plus `unknown` items for
 * defects. Throws `FEED_FORMAT_INVALID` when the input is not JSON, is truncated, or is not an object.
 *
 * @example
 * for await (const item of parseDebianTracker(createReadStream('tracker.json'), 'tracker.json')) …
 */
export async function* parseDebianTracker(
  input: AsyncIterable<Buffer | string>,
  name: string,
  signal?: AbortSignal,
): AsyncGenerator<FeedItem> {
  for await (const child of jsonChildren(input, [], { location: name })) {
    signal?.throwIfAborted();
    if (child.key === undefined) {
      throw new AppError(
        'FEED_FORMAT_INVALID',
        `${name} is a JSON array, expected the tracker's object of source packages`,
        {
          hint: 'point the debian source at https://security-tracker.debian.org/tracker/data/json or a copy of it',
        },
      );
    }
    yield* packageItems(child.key, child.value, name);
  }
}

function* packageItems(pkg: string, value: unknown, name: string): Generator<FeedItem> {
  if (!isPlainObject(value)) {
    const message = `source package entry is ${typeName(value)}, expected an object of issues`;
    yield defect(jsonLocation(name, pkg), FEED_DEFECT.recordInvalid, message);
    return;
  }
  for (const [id, issue] of Object.entries(value)) yield* issueItems(pkg, id, issue, name);
}

function* issueItems(pkg: string, id: string, raw: unknown, name: string): Generator<FeedItem> {
  const at = jsonLocation(name, pkg, id);
  if (!ISSUE_ID.test(id)) {
    yield defect(at, FEED_DEFECT.valueUnsupported, `issue id "${id}" is neither a CVE nor a TEMP id`);
    return;
  }
  const parsed = Issue.safeParse(raw);
  if (!parsed.success) {
    yield defect(at, FEED_DEFECT.recordInvalid, describeIssues(parsed.error));
    return;
  }
  const affected: Affected[] = [];
  const releases = Array.isArray(parsed.data.releases) ? {} : parsed.data.releases;
  for (const [codename, entry] of Object.entries(releases)) {
    const row = releaseAffected(pkg, codename, entry);
    if ('code' in row) yield defect(jsonLocation(name, pkg, id, 'releases', codename), row.code, row.message);
    else affected.push(row);
  }
  yield { kind: 'advisory', record: toRecord(pkg, id, parsed.data, affected) };
}

function toRecord(pkg: string, id: string, issue: Issue, affected: Affected[]): AdvisoryRecord {
  const references: AdvisoryRecord['references'] = [{ type: 'ADVISORY', url: `${TRACKER_URL}/${id}` }];
  if (issue.debianbug !== undefined && issue.debianbug !== null && issue.debianbug !== '') {
    references.push({ type: 'REPORT', url: `https://bugs.debian.org/${issue.debianbug}` });
  }
  const record: AdvisoryRecord = {
    id: `DEBIAN-${id}/${pkg}`,
    source: 'debian',
    aliases: [id],
    references,
    cwes: [],
    severities: [],
    affected,
  };
  const details = issue.description?.trim();
  if (details) record.details = details;
  return record;
}

/** One release of an issue as an {@link Affected} row, or the problem that keeps it out. */
function releaseAffected(pkg: string, codename: string, raw: unknown): Affected | Problem {
  const parsed = ReleaseEntry.safeParse(raw);
  if (!parsed.success) return { code: FEED_DEFECT.recordInvalid, message: describeIssues(parsed.error) };
  const info = fixInfo(parsed.data);
  if ('code' in info) return info;
  const row: Affected = {
    ecosystem: 'Debian',
    distroRelease: codename.toLowerCase(),
    package: pkg,
    ranges: info.ranges,
    versions: [],
    fixState: info.fixState,
  };
  if (info.fixedIn !== undefined) row.fixedIn = info.fixedIn;
  const severity = severityOf(parsed.data.urgency);
  if (severity !== undefined) row.severity = severity;
  if (info.note !== undefined) row.note = info.note;
  return row;
}

function fixInfo(rel: ReleaseEntry): FixInfo | Problem {
  switch (rel.status) {
    case 'resolved': {
      const fixed = rel.fixed_version?.trim() ?? '';
      if (fixed === NOT_AFFECTED_VERSION) return { fixState: 'not-affected', ranges: [] };
      if (fixed === '')
        return { code: FEED_DEFECT.recordInvalid, message: 'status "resolved" without a fixed_version' };
      const ranges: AffectedRange[] = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }];
      return { fixState: 'fixed', fixedIn: fixed, ranges };
    }
    case 'open':
    case 'undetermined':
      return unfixedInfo(rel);
    default:
      return { code: FEED_DEFECT.valueUnsupported, message: `unknown status "${rel.status}"` };
  }
}

/**
 * An `open` (the tracker's `<unfixed>`) or `undetermined` release. End-of-life wins over no-dsa: the
 * release gets no fix at all. `undetermined` (nobody checked the release yet) keeps all versions in
 * range with fix state `unknown`, so matchers report it rather than silently drop it.
 */
function unfixedInfo(rel: ReleaseEntry): FixInfo {
  if (normalUrgency(rel.urgency) === 'end-of-life') {
    return { fixState: 'end-of-life', ranges: allVersions(), note: 'end-of-life' };
  }
  if (rel.nodsa !== undefined && rel.nodsa !== null) {
    const reason = rel.nodsa_reason?.trim() || 'no-dsa';
    const text = rel.nodsa.trim();
    return { fixState: 'wont-fix', ranges: allVersions(), note: text === '' ? reason : `${reason}: ${text}` };
  }
  if (rel.status === 'undetermined')
    return { fixState: 'unknown', ranges: allVersions(), note: 'undetermined' };
  return { fixState: 'not-fixed', ranges: allVersions() };
}

/** `high**` → `high`: trailing asterisks mark an urgency the tracker took over from elsewhere. */
function normalUrgency(urgency: string | null | undefined): string {
  return (urgency ?? '').replace(/\*+$/, '').trim().toLowerCase();
}

function severityOf(urgency: string | null | undefined): SeverityRating | undefined {
  const u = normalUrgency(urgency);
  if (u === '' || u === 'not yet assigned' || u === 'end-of-life') return undefined;
  return { source: 'debian', type: 'distro', level: levelFromText(u) };
}
