/**
 * The inventory's questions: `where` (which images contain a vulnerability or a package, and where they
 * run) and the fleet `summary`. Every lookup goes through an index: `findings(vuln_id)`,
 * `vuln_aliases(alias)`, `image_packages(purl_base | source_base)`, `deployments(image_digest, state)`.
 */
import { sql } from 'kysely';
import { AppError } from '../errors.js';
import type { Version } from '../versioning/scheme.js';
import { schemeFor } from '../versioning/registry.js';
import { parsePurl } from '../sbom/purl-identity.js';
import type { SeverityLevel, FixState } from '../vulndb/model.js';
import type { Package } from '../catalog/model.js';
import {
  idChunks,
  num,
  parseJson,
  purlBase,
  toWhereDeployment,
  WHERE_DEPLOYMENT_COLUMNS,
  type Db,
} from './rows.js';
import type {
  BuildProvenance,
  FleetSummary,
  WhereDeployment,
  WhereImage,
  WhereMatch,
  WhereQuery,
} from './types.js';

interface Hit {
  digest: string;
  pkgId: string;
  match: WhereMatch;
}

function invalid(message: string, hint?: string): AppError {
  return new AppError('INVENTORY_INPUT_INVALID', message, hint === undefined ? {} : { hint });
}

/** The query id and every id it is an alias of. CVE ids are matched case-insensitively. */
async function vulnIds(db: Db, id: string): Promise<string[]> {
  const spellings = [...new Set([id, /^cve-/i.test(id) ? id.toUpperCase() : id])];
  const rows = await db
    .selectFrom('vuln_aliases')
    .select('vuln_id')
    .where('alias', 'in', spellings)
    .execute();
  return [...new Set([...spellings, ...rows.map((r) => r.vuln_id)])];
}

async function vulnerabilityHits(db: Db, id: string): Promise<Hit[]> {
  const ids = await vulnIds(db, id);
  const rows = await db
    .selectFrom('findings')
    .select([
      'image_digest',
      'pkg_id',
      'pkg_name',
      'pkg_version',
      'pkg_type',
      'pkg_purl',
      'vuln_id',
      'severity',
      'fix_state',
      'fixed_in',
    ])
    .where('vuln_id', 'in', ids)
    .execute();
  return rows.map((r) => ({
    digest: r.image_digest,
    pkgId: r.pkg_id,
    match: {
      package: {
        name: r.pkg_name,
        version: r.pkg_version,
        type: r.pkg_type as Package['type'],
        purl: r.pkg_purl,
      },
      vulnerability: r.vuln_id,
      severity: r.severity as SeverityLevel,
      fixState: r.fix_state as FixState,
      ...(r.fixed_in !== null && { fixedIn: r.fixed_in }),
    },
  }));
}

interface PurlFilter {
  base: string;
  test: (version: string) => boolean;
}

function purlFilter(purl: string, versionRange: string | undefined): PurlFilter {
  const parsed = parsePurl(purl);
  const base = purlBase(purl);
  if (parsed === undefined || base === undefined) {
    throw invalid(
      `"${purl}" is not a package URL`,
      'write it as pkg:TYPE/NAMESPACE/NAME[@VERSION], e.g. pkg:deb/debian/openssl',
    );
  }
  const exact = parsed.version ?? undefined;
  if (versionRange === undefined || versionRange.trim() === '') {
    return { base, test: (v) => exact === undefined || v === exact };
  }
  const scheme = schemeFor(parsed.type);
  if (scheme === undefined)
    throw invalid(`package type "${parsed.type}" has no version scheme: a version range cannot be used`);
  const range = scheme.parseRange?.(versionRange);
  if (range === undefined) {
    throw invalid(
      `version range "${versionRange}" is not valid for ${scheme.displayName}`,
      'use comparators such as ">=1.0 <2.0"',
    );
  }
  const cache = new Map<string, boolean>();
  return {
    base,
    test: (v) => {
      let ok = cache.get(v);
      if (ok === undefined) {
        const parsedV: Version | undefined = scheme.parse(v);
        // an unparseable installed version cannot be placed in a range: not a match
        ok =
          parsedV !== undefined && scheme.satisfies(parsedV, range) && (exact === undefined || v === exact);
        cache.set(v, ok);
      }
      return ok;
    },
  };
}

async function packageHits(db: Db, filter: PurlFilter): Promise<Hit[]> {
  const rows = await db
    .selectFrom('image_packages')
    .selectAll()
    .where((eb) => eb.or([eb('purl_base', '=', filter.base), eb('source_base', '=', filter.base)]))
    .execute();
  return rows
    .filter((r) => filter.test(r.purl_base === filter.base ? r.version : (r.source_version ?? r.version)))
    .map((r) => ({
      digest: r.image_digest,
      pkgId: r.pkg_id,
      match: { package: { name: r.name, version: r.version, type: r.type as Package['type'], purl: r.purl } },
    }));
}

export async function whereQuery(
  db: Db,
  query: WhereQuery,
  dialect: 'sqlite' | 'postgres' = 'sqlite',
): Promise<WhereImage[]> {
  const vuln = query.vulnerability?.trim();
  const purl = query.purl?.trim();
  if (!vuln && !purl) throw invalid('where: give a vulnerability id or a package URL');
  if (query.versionRange !== undefined && !purl) throw invalid('where: versionRange needs a purl');
  let hits: Hit[];
  if (vuln) {
    hits = await vulnerabilityHits(db, vuln);
    if (purl) {
      const inPkg = new Set(
        (await packageHits(db, purlFilter(purl, query.versionRange))).map(
          (h) => `${h.digest}\u0000${h.pkgId}`,
        ),
      );
      hits = hits.filter((h) => inPkg.has(`${h.digest}\u0000${h.pkgId}`));
    }
  } else {
    hits = await packageHits(db, purlFilter(purl!, query.versionRange));
  }
  const byImage = new Map<string, WhereMatch[]>();
  for (const h of hits) {
    const list = byImage.get(h.digest);
    if (list === undefined) byImage.set(h.digest, [h.match]);
    else list.push(h.match);
  }
  const digests = [...byImage.keys()].sort();
  const out: WhereImage[] = [];
  for (const part of idChunks(digests)) {
    const images = await db
      .selectFrom('images')
      .select(['digest', 'repo_tags', 'provenance'])
      .where('digest', 'in', part)
      .execute();
    const deps = (await whereDeployments(db, dialect, part, query.running === true))
      // sorted here: an ORDER BY id would lead SQLite to walk the (state, id) index over every deployment
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const depsOf = new Map<string, typeof deps>();
    for (const d of deps) {
      // image_digest IN (…) above: the stored digest, never the reported one
      const list = depsOf.get(d.imageDigest);
      if (list === undefined) depsOf.set(d.imageDigest, [d]);
      else list.push(d);
    }
    for (const img of images.sort((a, b) => (a.digest < b.digest ? -1 : 1))) {
      const deployments = depsOf.get(img.digest) ?? [];
      if (query.running === true && deployments.length === 0) continue;
      const provenance = parseJson<BuildProvenance>(img.provenance);
      out.push({
        digest: img.digest,
        repoTags: parseJson<string[]>(img.repo_tags) ?? [],
        ...(provenance !== undefined && { provenance }),
        matches: byImage.get(img.digest)!.sort(compareMatches),
        deployments,
      });
    }
  }
  return out;
}

/**
 * The deployments of `digests`. An answer may hold tens of thousands: on SQLite all rows come packed in
 * ONE JSON value (better-sqlite3 builds row objects column by column, which cost more than one
 * JSON.parse: p99 with 100,000 deployments 105 → 84 ms); pg's text rows are cheap, and json_agg was
 * slower there (measured 144 ms against 103 ms), so PostgreSQL reads plain columns.
 */
async function whereDeployments(
  db: Db,
  dialect: 'sqlite' | 'postgres',
  digests: string[],
  running: boolean,
): Promise<WhereDeployment[]> {
  if (dialect === 'postgres') {
    let q = db
      .selectFrom('deployments')
      .select(WHERE_DEPLOYMENT_COLUMNS)
      .where('image_digest', 'in', digests);
    if (running) q = q.where('state', '=', 'running');
    return (await q.execute()).map(toWhereDeployment);
  }
  const cols = sql.join(WHERE_DEPLOYMENT_COLUMNS.map((c) => sql.ref(c)));
  let q = db
    .selectFrom('deployments')
    .select(sql<string>`json_group_array(json_array(${cols}))`.as('r'))
    .where('image_digest', 'in', digests);
  if (running) q = q.where('state', '=', 'running');
  const packed = (await q.executeTakeFirst())?.r ?? '[]';
  return (JSON.parse(packed) as (string | null)[][]).map(unpackDeployment);
}

/** One `json_array(WHERE_DEPLOYMENT_COLUMNS…)` row. */
function unpackDeployment(a: (string | null)[]): WhereDeployment {
  // positions of WHERE_DEPLOYMENT_COLUMNS
  return toWhereDeployment({
    id: a[0]!,
    agent_id: a[1]!,
    platform: a[2]!,
    host: a[3]!,
    cluster: a[4] ?? null,
    namespace: a[5] ?? null,
    container_id: a[6]!,
    name: a[7]!,
    image_digest: a[8] ?? null,
    reported_digest: a[9]!,
    image_ref: a[10] ?? null,
    state: a[11]!,
    started_at: a[12] ?? null,
    first_seen: a[13]!,
    last_seen: a[14]!,
    stopped_at: a[15] ?? null,
  });
}

function compareMatches(a: WhereMatch, b: WhereMatch): number {
  const ka = `${a.vulnerability ?? ''}\u0000${a.package.name}\u0000${a.package.version}`;
  const kb = `${b.vulnerability ?? ''}\u0000${b.package.name}\u0000${b.package.version}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export async function fleetSummary(db: Db): Promise<FleetSummary> {
  const images = await db
    .selectFrom('images')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const states = await db
    .selectFrom('deployments')
    .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('state')
    .execute();
  const sev = await db
    .selectFrom('findings')
    .select(['severity', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('severity')
    .execute();
  const kev = await db
    .selectFrom('findings as f')
    .innerJoin('deployments as d', 'd.image_digest', 'f.image_digest')
    .select([
      (eb) => eb.fn.count<string>('f.vuln_id').distinct().as('vulns'),
      (eb) => eb.fn.count<string>('d.id').distinct().as('deps'),
    ])
    .where('f.kev', '=', 1)
    .where('d.state', '=', 'running')
    .executeTakeFirstOrThrow();
  const oldest = await db
    .selectFrom('findings')
    .select(['vuln_id', 'image_digest', 'first_seen'])
    .where('severity', '=', 'critical')
    .orderBy('first_seen')
    .orderBy('vuln_id')
    .limit(1)
    .executeTakeFirst();
  const count = (s: string): number => num(states.find((r) => r.state === s)?.n);
  const findingsBySeverity: Partial<Record<SeverityLevel, number>> = {};
  for (const r of sev) findingsBySeverity[r.severity as SeverityLevel] = num(r.n);
  return {
    images: num(images.n),
    deployments: { running: count('running'), stopped: count('stopped'), stale: count('stale') },
    findingsBySeverity,
    kevExposure: { vulnerabilities: num(kev.vulns), runningDeployments: num(kev.deps) },
    ...(oldest !== undefined && {
      oldestUnpatchedCritical: {
        vulnerability: oldest.vuln_id,
        imageDigest: oldest.image_digest,
        since: oldest.first_seen,
      },
    }),
  };
}
