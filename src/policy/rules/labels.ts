/**
 * `labels`: required config labels, each optionally with a regular expression (JavaScript syntax,
 * unanchored unless the pattern anchors itself) its value must match.
 */
import { z } from 'zod';
import { defineRule, type RuleIssue } from '../rule-kind.js';

const required = z.object({ name: z.string().min(1), pattern: z.string().min(1).optional() }).strict();

const params = z.object({
  kind: z.literal('labels'),
  required: z.array(required).min(1),
});

export const labelsRule = defineRule({
  kind: 'labels',
  summary: 'required labels, optionally matching a regex',
  params,
  needs: () => [],
  prepare(rule) {
    const issues: RuleIssue[] = [];
    rule.required.forEach((r, i) => {
      if (r.pattern === undefined) return;
      try {
        new RegExp(r.pattern, 'u');
      } catch (err) {
        issues.push({
          path: ['required', i, 'pattern'],
          message: `invalid regular expression: ${(err as Error).message}`,
        });
      }
    });
    return Promise.resolve({ issues });
  },
  evaluate(rule, input) {
    const problems: unknown[] = [];
    for (const r of rule.required) {
      const value = input.image.labels[r.name];
      if (value === undefined) problems.push({ label: r.name, problem: 'missing' });
      else if (r.pattern !== undefined && !new RegExp(r.pattern, 'u').test(value))
        problems.push({ label: r.name, value, problem: `does not match /${r.pattern}/` });
    }
    if (problems.length === 0)
      return {
        pass: true,
        message: `all ${rule.required.length} required label(s) present`,
        evidence: rule.required.map((r) => ({ label: r.name, value: input.image.labels[r.name] })),
      };
    const names = problems.map((p) => (p as { label: string }).label);
    return { pass: false, message: `label(s) missing or invalid: ${names.join(', ')}`, evidence: problems };
  },
});
