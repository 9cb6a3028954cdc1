/**
 * `secrets`: at most `maxFindings` (default 0) secrets found in the image's files by the secret scanner
 * (src/policy/secrets). `allowPaths` (picomatch globs over absolute image paths) and `disabledRules`
 * (scanner rule ids) take findings out before counting. The evidence names rule, path, layer and the
 * redacted value, never the secret.
 */
import picomatch from 'picomatch';
import { z } from 'zod';
import { defineRule } from '../rule-kind.js';

const params = z.object({
  kind: z.literal('secrets'),
  allowPaths: z.array(z.string().min(1)).optional(),
  disabledRules: z.array(z.string().min(1)).optional(),
  maxFindings: z.number().int().min(0).default(0),
});

export const secretsRule = defineRule({
  kind: 'secrets',
  summary: 'secrets (keys, tokens) baked into image files',
  params,
  needs: () => ['secrets'],
  evaluate(rule, input) {
    const allowed = picomatch(rule.allowPaths ?? [], { dot: true });
    const disabled = new Set(rule.disabledRules ?? []);
    const found = input.secrets.filter((s) => !disabled.has(s.ruleId) && !allowed(s.path));
    const evidence = found.map((s) => ({
      ruleId: s.ruleId,
      path: s.path,
      layerIndex: s.layerIndex,
      ...(s.line !== undefined && { line: s.line }),
      redacted: s.redacted,
    }));
    const max = rule.maxFindings;
    return found.length <= max
      ? { pass: true, message: `${found.length} secret(s) found (at most ${max})`, evidence }
      : { pass: false, message: `${found.length} secret(s) found in image files (at most ${max})`, evidence };
  },
});
