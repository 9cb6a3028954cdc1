/**
 * Parser of one Alpine secdb file (https://secdb.alpinelinux.org/<release>/<repo>.json, generated from
 * the `secfixes` comments of aports APKBUILDs, ref. https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#secfixes):
 * `{ apkurl, archs, reponame, urlprefix, distroversion, packages: [ { pkg: { name, secfixes: {
 * '<fixed version>': ['CVE-… [more ids] [text]', …] } } } ] }`. A fixed version of `0` means the
 * package was never affected. A secfix line may hold several ids (`CVE-2024-31142 XSA-455`,
 * `CVE-2022-1292 CVE-2022-2068`) and trailing text.
 *
 * secdb files are small (< 2 MB), so each is read as a whole with a size cap. Advisories are keyed
 * `ALPINE-<id>/<release>/<package>` because the vulndb keys advisories by (source, id) and one CVE is
 * fixed in many packages and releases; the id itself is an alias so the writer groups them.
 */
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { AdvisoryRecord, Affected, FeedItem } from '../../model.js';
import { defect, describeIssues, FEED_DEFECT, jsonLocation, typeName } from '../feed-defects.js';
import { jsonChildren } from '../json-stream.js';
import { alpineReleaseFromName, normalAlpineRelease } from './releases.js';

const MiB = 1024 * 1024;
/** Largest secdb member accepted (the whole `packages` array); real files are below 2 MB. */
export const MAX_SECDB_BYTES = 64 * MiB;
/** `fixed version` key meaning "never affected". */
const NOT_AFFECTED_VERSION = '0';
/** apk versions (`1.36.1-r29`, `2.9.14_p1-r0`, `20240226-r0`) and `0`. */
const APK_VERSION = /^\d[0-9A-Za-z._+~-]*$/;
const CVE_ID = /^CVE-\d{4}-\d{4,}$/i;
/** Other advisory ids found in secfixes: `XSA-455`, `GHSA-xxxx-xxxx-xxxx`, `ALPINE-13661`. */
const OTHER_ID = /^[A-Z][A-Z0-9]*-[0-9A-Za-z][0-9A-Za-z._-]*$/;
const HINT =
  'point the alpine source at https://secdb.alpinelinux.org/<release>/<repo>.json files or copies of them';

const SecdbPackage = z.object({
  pkg: z.object({
    name: z.string().min(1),
    secfixes: z.record(z.unknown()).nullish(),
  }),
});

/** The ids and leftover text of one secfix line. */
export interface SecfixLine {
  /** CVE ids, upper-cased; each is its own vulnerability. */
  cves: string[];
  /** Non-CVE ids (`XSA-455`): aliases of the line's CVEs, or the primary id when there is no CVE. */
  others: string[];
  /** Text that is not an id (`(zstd file permissions)`), kept as the row's note. */
  text: string;
}

interface Group {
  aliases: Set<string>;
  affected: Affected[];
}

/**
 * Parses one secfix line; undefined when it holds no advisory id at all.
 *
 * @example
 * parseSecfixLine('CVE-2024-31142 XSA-455') // { cves: ['CVE-2024-31142'], others: ['XSA-455'], text: '' }
 */
export function parseSecfixLine(line: string): SecfixLine | undefined {
  const out: SecfixLine = { cves: [], others: [], text: '' };
  const text: string[] = [];
  for (const token of line.trim().split(/\s+/)) {
    const bare = token.replace(/^[([{]+|[)\]},;.:]+$/g, '');
    if (CVE_ID.test(bare)) out.cves.push(bare.toUpperCase());
    else if (OTHER_ID.test(bare)) out.others.push(bare);
    else if (token !== '') text.push(token);
  }
  out.text = text.join(' ');
  return out.cves.length + out.others.length === 0 ? undefined : out;
}

/**
 * Streams one secdb file into advisories (one per id, package and release) and `unknown` items.
 * Throws `FEED_FORMAT_INVALID` when the file is not JSON, truncated, lacks `packages`, or names no
 * release (neither `distroversion` nor a `v3.x`/`edge` part in `name`).
 */
export async function* parseAlpineSecdb(
  input: AsyncIterable<Buffer | string>,
  name: string,
  signal?: AbortSignal,
): AsyncGenerator<FeedItem> {
  let distroversion: unknown;
  let packages: unknown;
  for await (const child of jsonChildren(input, [], { location: name, maxItemBytes: MAX_SECDB_BYTES })) {
    if (child.key === undefined) {
      throw new AppError('FEED_FORMAT_INVALID', `${name} is a JSON array, expected a secdb object`, {
        hint: HINT,
      });
    }
    if (child.key === 'distroversion') distroversion = child.value;
    if (child.key === 'packages') packages = child.value;
  }
  if (!Array.isArray(packages)) {
    throw new AppError('FEED_FORMAT_INVALID', `${name} has no "packages" array, so it is not a secdb file`, {
      hint: HINT,
    });
  }
  const release = releaseOf(distroversion, name);
  for (const [index, value] of packages.entries()) {
    signal?.throwIfAborted();
    yield* packageItems(value, release, name, index);
  }
}

function releaseOf(distroversion: unknown, name: string): string {
  const fromFile = typeof distroversion === 'string' ? normalAlpineRelease(distroversion) : undefined;
  const release = fromFile ?? alpineReleaseFromName(name);
  if (release === undefined) {
    const message = `${name} names no Alpine release: no "distroversion" and no v3.x/edge in its name`;
    throw new AppError('FEED_FORMAT_INVALID', message, {
      hint: 'keep secdb files under their release directory (v3.20/main.json)',
    });
  }
  return release;
}

function* packageItems(value: unknown, release: string, file: string, index: number): Generator<FeedItem> {
  const parsed = SecdbPackage.safeParse(value);
  if (!parsed.success) {
    yield defect(
      jsonLocation(file, 'packages', index),
      FEED_DEFECT.recordInvalid,
      describeIssues(parsed.error),
    );
    return;
  }
  const { name, secfixes } = parsed.data.pkg;
  const groups = new Map<string, Group>();
  for (const [version, lines] of Object.entries(secfixes ?? {})) {
    const at = jsonLocation(file, 'packages', index, 'pkg', 'secfixes', version);
    yield* secfixItems(version, lines, at, (id, aliases, row) => {
      const group = groups.get(id) ?? { aliases: new Set([id]), affected: [] };
      for (const alias of aliases) group.aliases.add(alias);
      group.affected.push({ ...row, distroRelease: release, package: name });
      groups.set(id, group);
    });
  }
  for (const [id, group] of groups) yield { kind: 'advisory', record: toRecord(id, release, name, group) };
}

type RowSink = (id: string, aliases: string[], row: Omit<Affected, 'distroRelease' | 'package'>) => void;

/** The lines fixed in one version: valid ids go to `add`, defects are yielded. */
function* secfixItems(version: string, lines: unknown, at: string, add: RowSink): Generator<FeedItem> {
  if (!APK_VERSION.test(version)) {
    yield defect(at, FEED_DEFECT.valueUnsupported, `"${version}" is not an apk version`);
    return;
  }
  if (!Array.isArray(lines)) {
    yield defect(
      at,
      FEED_DEFECT.recordInvalid,
      `expected an array of secfix lines, found ${typeName(lines)}`,
    );
    return;
  }
  for (const [index, line] of lines.entries()) {
    const parsed = typeof line === 'string' ? parseSecfixLine(line) : undefined;
    if (parsed === undefined) {
      const [code, message] =
        typeof line === 'string'
          ? [FEED_DEFECT.valueUnsupported, `no advisory id in secfix line "${line}"`]
          : [FEED_DEFECT.recordInvalid, `secfix line is ${typeName(line)}, expected a string`];
      yield defect(`${at}/${index}`, code, message);
      continue;
    }
    const primaries = parsed.cves.length > 0 ? parsed.cves : parsed.others.slice(0, 1);
    for (const id of primaries) add(id, parsed.others, fixRow(version, parsed.text));
  }
}

function fixRow(version: string, text: string): Omit<Affected, 'distroRelease' | 'package'> {
  const row: Omit<Affected, 'distroRelease' | 'package'> =
    version === NOT_AFFECTED_VERSION
      ? { ecosystem: 'Alpine', ranges: [], versions: [], fixState: 'not-affected' }
      : {
          ecosystem: 'Alpine',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version }] }],
          versions: [],
          fixState: 'fixed',
          fixedIn: version,
        };
  if (text !== '') row.note = text;
  return row;
}

function toRecord(id: string, release: string, pkg: string, group: Group): AdvisoryRecord {
  return {
    id: `ALPINE-${id}/${release}/${pkg}`,
    source: 'alpine',
    aliases: [...group.aliases],
    references: CVE_ID.test(id)
      ? [{ type: 'ADVISORY', url: `https://security.alpinelinux.org/vuln/${id}` }]
      : [],
    cwes: [],
    severities: [],
    affected: group.affected,
  };
}
