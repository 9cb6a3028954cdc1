/**
 * `licenses`: denied SPDX license ids. A package's license expression (`MIT OR GPL-3.0-only`) is split
 * into its ids; the package is denied when any id is denied (case-insensitive; `-or-later`/`+` forms
 * are distinct ids and must be listed themselves).
 */
import { z } from 'zod';
import { defineRule } from '../rule-kind.js';

const params = z.object({
  kind: z.literal('licenses'),
  deny: z.array(z.string().regex(/^[A-Za-z0-9.+-]+$/, 'expected an SPDX license id')).min(1),
});

const OPERATORS = new Set(['and', 'or', 'with']);

export function licenseIds(expression: string): string[] {
  return expression.split(/[\s()]+/).filter((t) => t !== '' && !OPERATORS.has(t.toLowerCase()));
}

export const licensesRule = defineRule({
  kind: 'licenses',
  summary: 'denied SPDX license ids',
  params,
  needs: () => ['packages'],
  evaluate(rule, input) {
    const deny = new Set(rule.deny.map((l) => l.toLowerCase()));
    const evidence = input.packages.flatMap((p) => {
      const hits = p.licenses.flatMap(licenseIds).filter((id) => deny.has(id.toLowerCase()));
      return hits.length === 0 ? [] : [{ package: `${p.name}@${p.version}`, purl: p.purl, licenses: hits }];
    });
    return evidence.length === 0
      ? { pass: true, message: 'no package under a denied license', evidence }
      : { pass: false, message: `${evidence.length} package(s) under a denied license`, evidence };
  },
});
