/**
 * The interface every built-in rule kind implements (one file per kind under `rules/`, listed in
 * `rules/registry.ts`). A kind owns its parameter schema (zod), says which inputs it needs, may check
 * and prepare its parameters once when the policy loads (compile a regex or CEL expression, read a key
 * file), and evaluates purely over the {@link PolicyInput}.
 */
import { z } from 'zod';
import type { PolicyInput, RuleAction, RuleNeed } from './model.js';

/** The fields every rule has, whatever its kind. */
export const RuleBase = z.object({
  /** Stable id, unique within an environment; appears in results and in `policy test` expectations. */
  id: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"'),
  action: z.enum(['deny', 'warn']),
  description: z.string().optional(),
});
export type RuleBase = z.infer<typeof RuleBase>;

/** A problem found while preparing a rule; `path` is relative to the rule object. */
export interface RuleIssue {
  path: (string | number)[];
  message: string;
  /** For a multi-line string value (a CEL expression): the 1-based line inside it the problem is on. */
  lineInValue?: number;
}

export interface PrepareContext {
  /** Directory of the policy file: relative paths in rule parameters are resolved against it. */
  policyDir: string;
}

export interface EvalContext {
  now: Date;
}

export interface RuleOutcome {
  pass: boolean;
  message: string;
  evidence: unknown[];
}

export interface RuleKind<P extends RuleBase = RuleBase, S = undefined> {
  /** The `kind:` value in policy files. */
  readonly kind: string;
  readonly summary: string;
  /** The kind-specific fields (a zod object; base fields are added by the registry). */
  readonly params: z.AnyZodObject;
  /** What must be gathered before this rule can be evaluated. */
  needs(rule: P): RuleNeed[];
  /** Checks parameters zod cannot (regex syntax, CEL, key files) and prepares state for `evaluate`. */
  prepare?(rule: P, ctx: PrepareContext): Promise<{ issues: RuleIssue[]; state?: S }>;
  evaluate(rule: P, input: PolicyInput, ctx: EvalContext, state: S): RuleOutcome | Promise<RuleOutcome>;
}

/** Helper that keeps each kind's parameter type inferred from its schema. */
export function defineRule<Sch extends z.AnyZodObject, S = undefined>(
  def: {
    kind: string;
    summary: string;
    params: Sch;
  } & Omit<RuleKind<RuleBase & z.infer<Sch>, S>, 'kind' | 'summary' | 'params'>,
): RuleKind<RuleBase & z.infer<Sch>, S> {
  return def;
}

/** Days between two instants (fractional). */
export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 86_400_000;
}

export type { PolicyInput, RuleAction, RuleNeed };
