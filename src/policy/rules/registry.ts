/**
 * THE list of built-in rule kinds (one file per kind in this folder). Adding a kind = one file + one
 * line here; registry.test.ts checks the list against the folder.
 */
import type { RuleKind } from '../rule-kind.js';
import { baseImageRule } from './base-image.js';
import { celRule } from './cel.js';
import { imageAgeRule } from './image-age.js';
import { labelsRule } from './labels.js';
import { licensesRule } from './licenses.js';
import { packagesRule } from './packages.js';
import { registriesRule } from './registries.js';
import { secretsRule } from './secrets.js';
import { trustRule } from './trust.js';
import { userRule } from './user.js';
import { vulnerabilitiesRule } from './vulnerabilities.js';

/**
 * A rule kind with its parameter and state types erased: the registry holds kinds of different types;
 * the policy schema has already checked each rule's parameters against its own kind.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRuleKind = RuleKind<any, any>;

export const RULE_KINDS: readonly AnyRuleKind[] = [
  vulnerabilitiesRule,
  registriesRule,
  baseImageRule,
  packagesRule,
  licensesRule,
  imageAgeRule,
  userRule,
  labelsRule,
  secretsRule,
  trustRule,
  celRule,
];

export function ruleKindFor(kind: string): AnyRuleKind | undefined {
  return RULE_KINDS.find((k) => k.kind === kind);
}
