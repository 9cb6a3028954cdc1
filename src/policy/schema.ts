/**
 * The policy file schema (zod). `schemas/policy.schema.json` is generated from {@link Policy} by
 * `policyJsonSchema()`; json-schema.test.ts fails when the committed file drifts.
 *
 * ```yaml
 * apiVersion: corral.dev/v1
 * kind: Policy
 * ruleSets:                      # optional, shared lists of rules
 *   baseline: [ { id: no-root, kind: user, action: deny } ]
 * environments:
 *   prod:    { extends: baseline, rules: [ … ] }
 *   staging: { extends: prod, mode: warn }   # every inherited deny becomes warn; own rules keep theirs
 * ```
 */
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { RuleBase } from './rule-kind.js';
import { RULE_KINDS } from './rules/registry.js';

export const POLICY_API_VERSION = 'corral.dev/v1';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const ruleVariants = RULE_KINDS.map((k) => RuleBase.merge(k.params).strict());

/** One rule: the base fields plus the parameters of its `kind`. */
export const Rule = z.discriminatedUnion(
  'kind',
  ruleVariants as unknown as [z.AnyZodObject, z.AnyZodObject, ...z.AnyZodObject[]],
);
export type Rule = RuleBase & { kind: string } & Record<string, unknown>;

const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const PolicyEnvironment = z
  .object({
    description: z.string().optional(),
    /** Environments or rule sets whose rules come first; a rule here with the same id replaces one of theirs. */
    extends: names.optional(),
    /** `warn` turns every inherited deny rule into a warning; the environment's own rules keep their action. */
    mode: z.enum(['enforce', 'warn']).default('enforce'),
    rules: z.array(Rule).default([]),
  })
  .strict();
export type PolicyEnvironment = z.infer<typeof PolicyEnvironment>;

export const Policy = z
  .object({
    apiVersion: z.literal(POLICY_API_VERSION),
    kind: z.literal('Policy'),
    metadata: z
      .object({ name: z.string().min(1), description: z.string().optional() })
      .strict()
      .optional(),
    ruleSets: z
      .record(z.string().regex(NAME, 'expected a name of letters, digits, ".", "_" or "-"'), z.array(Rule))
      .optional(),
    environments: z
      .record(
        z.string().regex(NAME, 'expected a name of letters, digits, ".", "_" or "-"'),
        PolicyEnvironment,
      )
      .refine((e) => Object.keys(e).length > 0, 'define at least one environment'),
  })
  .strict();
export type Policy = z.infer<typeof Policy>;

/** Messages that name what was expected, for the `file:line:col: path: message` lines of the loader. */
export const policyErrorMap: z.ZodErrorMap = (issue, ctx) => {
  if (issue.code === z.ZodIssueCode.invalid_enum_value)
    return { message: `expected one of ${issue.options.join('|')}` };
  if (issue.code === z.ZodIssueCode.invalid_union_discriminator)
    return { message: `unknown rule kind; expected one of ${issue.options.map(String).join('|')}` };
  if (issue.code === z.ZodIssueCode.invalid_literal)
    return { message: `expected ${JSON.stringify(issue.expected)}` };
  if (issue.code === z.ZodIssueCode.invalid_type)
    return issue.received === 'undefined'
      ? { message: 'required' }
      : { message: `expected ${issue.expected}, got ${issue.received}` };
  return { message: ctx.defaultError };
};

/** The JSON Schema of policy files (draft-07), as published in schemas/policy.schema.json. */
export function policyJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = zodToJsonSchema(Policy, { name: 'Policy', $refStrategy: 'none' }) as Record<
    string,
    unknown
  >;
  return {
    $schema,
    $id: 'https://corral.dev/schemas/policy.schema.json',
    title: 'Corral policy',
    ...schema,
  };
}
