/**
 * `packages`: denied packages, each by `purl` (type/namespace/name, plus the qualifiers given) or by
 * `name` (optionally limited to a purl `type`), with an optional `versions` range in the package's own
 * scheme (src/versioning `parseRange`: `< 3.0.7` for deb, `>=2.0.0 <2.17.1` for maven `[2.0,2.17.1)`…).
 * A version the scheme cannot parse counts as denied (fail closed) and says so.
 */
import { PackageURL } from 'packageurl-js';
import { z } from 'zod';
import { purlMatches } from '../../match/purl-match.js';
import { schemeFor } from '../../versioning/registry.js';
import type { InputPackage } from '../model.js';
import { defineRule, type RuleIssue } from '../rule-kind.js';

const denied = z
  .object({
    purl: z.string().regex(/^pkg:/, 'expected a purl (pkg:type/namespace/name)').optional(),
    name: z.string().min(1).optional(),
    type: z.string().min(1).optional(),
    versions: z.string().min(1).optional(),
    reason: z.string().optional(),
  })
  .strict();
type Denied = z.infer<typeof denied>;

const params = z.object({
  kind: z.literal('packages'),
  deny: z.array(denied).min(1),
});

function purlType(purl: string): string | undefined {
  try {
    return PackageURL.fromString(purl).type;
  } catch {
    return undefined;
  }
}

function checkEntry(d: Denied, i: number): RuleIssue[] {
  if ((d.purl === undefined) === (d.name === undefined))
    return [{ path: ['deny', i], message: 'give exactly one of purl or name' }];
  if (d.purl !== undefined && purlType(d.purl) === undefined)
    return [{ path: ['deny', i, 'purl'], message: `"${d.purl}" is not a valid purl` }];
  const type = d.purl !== undefined ? purlType(d.purl) : d.type;
  if (d.versions === undefined || type === undefined) return [];
  const scheme = schemeFor(type);
  if (scheme?.parseRange === undefined)
    return [
      { path: ['deny', i, 'type'], message: `no version scheme with ranges for package type "${type}"` },
    ];
  return scheme.parseRange(d.versions) === undefined
    ? [{ path: ['deny', i, 'versions'], message: `"${d.versions}" is not a valid ${scheme.id} range` }]
    : [];
}

/** undefined: matches; string: matches, with a note; false: does not match. */
function matches(d: Denied, p: InputPackage): boolean | string {
  const named =
    d.purl !== undefined
      ? purlMatches(d.purl.split('@')[0] ?? d.purl, p.purl)
      : p.name === d.name && (d.type === undefined || d.type === p.type);
  if (!named) return false;
  if (d.versions === undefined) return true;
  const scheme = schemeFor(p.type);
  const range = scheme?.parseRange?.(d.versions);
  const version = scheme?.parse(p.version);
  if (scheme === undefined || range === undefined || version === undefined)
    return `version ${p.version} cannot be compared with "${d.versions}"; denied to be safe`;
  return scheme.satisfies(version, range);
}

export const packagesRule = defineRule({
  kind: 'packages',
  summary: 'denied packages (purl or name) and version ranges',
  params,
  needs: () => ['packages'],
  prepare(rule) {
    return Promise.resolve({ issues: rule.deny.flatMap(checkEntry) });
  },
  evaluate(rule, input) {
    const evidence: unknown[] = [];
    for (const p of input.packages) {
      for (const d of rule.deny) {
        const m = matches(d, p);
        if (m === false) continue;
        evidence.push({
          package: `${p.name}@${p.version}`,
          purl: p.purl,
          deniedBy: d.purl ?? d.name,
          ...(d.versions !== undefined && { versions: d.versions }),
          ...(d.reason !== undefined && { reason: d.reason }),
          ...(typeof m === 'string' && { note: m }),
        });
        break;
      }
    }
    return evidence.length === 0
      ? { pass: true, message: 'no denied package', evidence }
      : { pass: false, message: `${evidence.length} denied package(s) installed`, evidence };
  },
});
