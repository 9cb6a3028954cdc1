/**
 * `cel`: a custom rule as a CEL expression over the input document (README "Input document") that
 * must evaluate to `true` for the rule to pass. `message` is shown when it fails. A syntax or type
 * error is a policy validation error; an evaluation error (e.g. a missing map key) fails the rule.
 *
 * @example
 * - id: no-latest-tag
 *   kind: cel
 *   action: deny
 *   expression: '!image.repoTags.exists(t, t.endsWith(":latest"))'
 *   message: images must not be tagged latest
 */
import { z } from 'zod';
import { celNeeds, compileCel, type CelProgram } from '../cel.js';
import { defineRule } from '../rule-kind.js';

const params = z.object({
  kind: z.literal('cel'),
  expression: z.string().min(1),
  message: z.string().optional(),
});

export const celRule = defineRule<typeof params, CelProgram>({
  kind: 'cel',
  summary: 'custom rule: a CEL expression that must be true',
  params,
  needs: (rule) => celNeeds(rule.expression),
  prepare(rule) {
    const compiled = compileCel(rule.expression);
    if ('error' in compiled)
      return Promise.resolve({
        issues: [
          {
            path: ['expression'],
            message: `CEL compile error: ${compiled.error}`,
            ...(compiled.line !== undefined && { lineInValue: compiled.line }),
          },
        ],
        state: () => Promise.resolve(false),
      });
    return Promise.resolve({ issues: [], state: compiled.program });
  },
  async evaluate(rule, input, _ctx, program) {
    const evidence = [{ expression: rule.expression }];
    let value: unknown;
    try {
      value = await program(input);
    } catch (err) {
      const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
      return { pass: false, message: `CEL evaluation error: ${msg}`, evidence };
    }
    if (value === true) return { pass: true, message: `${rule.expression} is true`, evidence };
    if (value !== false)
      return { pass: false, message: `expression returned ${String(value)}, not a bool`, evidence };
    return { pass: false, message: rule.message ?? `${rule.expression} is false`, evidence };
  },
});
