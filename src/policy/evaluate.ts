/**
 * Evaluation: rules(input) → {@link PolicyResult}. Pure over the input document; every rule of the
 * environment is evaluated and explained, whatever the others decided.
 */
import { describeError } from '../errors.js';
import { environmentRules, type LoadedPolicy } from './load.js';
import type { PolicyInput, PolicyResult, RuleResult } from './model.js';

export interface EvaluateOptions {
  /** "Now" for age-based rules (image-age, fixAvailableForDays); default the current time. */
  now?: Date;
}

export async function evaluatePolicy(
  policy: LoadedPolicy,
  env: string,
  input: PolicyInput,
  opts: EvaluateOptions = {},
): Promise<PolicyResult> {
  const rules = environmentRules(policy, env);
  const ctx = { now: opts.now ?? new Date() };
  const doc: PolicyInput = { ...input, env };
  const results: RuleResult[] = [];
  for (const r of rules) {
    let outcome;
    try {
      outcome = await r.kind.evaluate(r.rule, doc, ctx, r.state);
    } catch (err) {
      // A rule that cannot decide must not pass silently: it fails with the reason.
      outcome = { pass: false, message: `rule could not be evaluated: ${describeError(err)}`, evidence: [] };
    }
    results.push({
      id: r.rule.id,
      kind: r.rule.kind,
      action: r.rule.action,
      ...(r.rule.description !== undefined && { description: r.rule.description }),
      ...outcome,
    });
  }
  return {
    env,
    image: input.image.ref,
    pass: results.every((r) => r.pass || r.action === 'warn'),
    rules: results,
  };
}

/** Failed rules by action, for summaries. */
export function failedRules(result: PolicyResult): { deny: RuleResult[]; warn: RuleResult[] } {
  const failed = result.rules.filter((r) => !r.pass);
  return { deny: failed.filter((r) => r.action === 'deny'), warn: failed.filter((r) => r.action === 'warn') };
}
