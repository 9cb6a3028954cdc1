/**
 * Loads a policy file: YAML (positions kept with a LineCounter) → zod → each rule kind's `prepare`
 * (CEL compile, regexes, key files) → environments with their `extends` resolved. Every problem is
 * reported, each as `file:line:column: field.path: message`, in one POLICY_INVALID error.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { AppError, describeError, isAppError } from '../errors.js';
import type { RuleNeed } from './model.js';
import { ruleKindFor, type AnyRuleKind } from './rules/registry.js';
import { Policy, policyErrorMap, type Rule } from './schema.js';

export type FieldPath = readonly (string | number)[];

export interface LoadedRule {
  rule: Rule;
  kind: AnyRuleKind;
  /** What `prepare` made of the parameters (a compiled expression, loaded keys…). */
  state: unknown;
  /** Where the rule is defined, e.g. `ruleSets.baseline[0]`. */
  definedAt: string;
}

export interface LoadedPolicy {
  file: string;
  dir: string;
  policy: Policy;
  /** Each environment's effective rules, in order, inherited ones first. */
  environments: Map<string, LoadedRule[]>;
}

/** `environments.prod.rules[2].maxSeverity` */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(root)' : out;
}

export interface Issue {
  path: FieldPath;
  message: string;
  /** Locate the key rather than its value (unknown fields). */
  atKey?: boolean;
  /** A line inside a multi-line string value. */
  lineInValue?: number;
}

/** Positions of YAML nodes by field path. */
export class Positions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * line:column of the deepest node of `path` that exists (the key's value, or its parent); with
   * `atKey`, of the key itself (for unknown fields).
   */
  of(path: FieldPath, atKey = false, lineInValue?: number): string {
    if (lineInValue !== undefined) {
      const node = this.doc.getIn(path, true);
      if (isScalar(node) && node.range) {
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
        const start = this.lines.linePos(node.range[0]);
        // a block scalar's text starts on the line after its `|` / `>` indicator
        const line = start.line + (block ? 1 : 0) + lineInValue - 1;
        return lineInValue === 1 && !block ? `${start.line}:${start.col}` : `${line}:1`;
      }
    }
    if (atKey && path.length > 0) {
      const parent = this.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const last = String(path[path.length - 1]);
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
        const range = isScalar(pair?.key) ? pair.key.range : undefined;
        if (range) return this.pos(range[0]);
      }
    }
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range !== undefined) return this.pos(node.range[0]);
    }
    return '1:1';
  }

  private pos(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${line}:${col}`;
  }
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((k) => ({
        path: [...issue.path, k],
        message: `unknown field "${k}"`,
        atKey: true,
      }));
    if (issue.code === 'invalid_union')
      // a union of a name and a list of names: say what either form looks like
      return [{ path: issue.path, message: 'expected a name or a list of names' }];
    return [{ path: issue.path, message: issue.message }];
  });
}

/** `file:line:col: path: message`, one per issue. */
export function issueLines(
  file: string,
  positions: Positions | undefined,
  issues: readonly Issue[],
): string[] {
  return issues.map(
    (i) =>
      `${file}:${positions?.of(i.path, i.atKey, i.lineInValue) ?? '1:1'}: ${formatPath(i.path)}: ${i.message}`,
  );
}

function fail(file: string, positions: Positions | undefined, issues: readonly Issue[]): never {
  throw new AppError(
    'POLICY_INVALID',
    `invalid policy ${file}:\n  ${issueLines(file, positions, issues).join('\n  ')}`,
    {
      hint: 'see schemas/policy.schema.json and src/policy/README.md; check with "corral policy validate FILE"',
    },
  );
}

/** Parses YAML keeping positions; YAML syntax errors come back as `file:line:col: invalid YAML: …` lines. */
export function parseYamlDocument(
  text: string,
  file: string,
): { doc: Document; positions: Positions } | { errors: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return `${file}:${pos.line}:${pos.col}: invalid YAML: ${e.message.split('\n')[0] ?? ''}`;
      }),
    };
  return { doc, positions: new Positions(doc, lines) };
}

async function prepareRules(
  rules: readonly Rule[],
  at: FieldPath,
  policyDir: string,
  issues: Issue[],
): Promise<LoadedRule[]> {
  const out: LoadedRule[] = [];
  const seen = new Map<string, number>();
  for (const [i, rule] of rules.entries()) {
    const path = [...at, i];
    const first = seen.get(rule.id);
    if (first !== undefined)
      issues.push({ path: [...path, 'id'], message: `duplicate rule id "${rule.id}" (also at [${first}])` });
    seen.set(rule.id, i);
    const kind = ruleKindFor(rule.kind);
    if (kind === undefined) throw new Error(`rule kind ${rule.kind} passed the schema but is not registered`);
    const prepared = kind.prepare ? await kind.prepare(rule, { policyDir }) : { issues: [] };
    for (const issue of prepared.issues) issues.push({ ...issue, path: [...path, ...issue.path] });
    out.push({ rule, kind, state: prepared.state, definedAt: formatPath(path) });
  }
  return out;
}

function mergeRules(base: readonly LoadedRule[], own: readonly LoadedRule[]): LoadedRule[] {
  const merged = [...base];
  for (const r of own) {
    const at = merged.findIndex((m) => m.rule.id === r.rule.id);
    if (at === -1) merged.push(r);
    else merged[at] = r;
  }
  return merged;
}

async function resolveEnvironments(
  policy: Policy,
  dir: string,
  issues: Issue[],
): Promise<Map<string, LoadedRule[]>> {
  const sets = new Map<string, LoadedRule[]>();
  for (const [name, rules] of Object.entries(policy.ruleSets ?? {}))
    sets.set(name, await prepareRules(rules as Rule[], ['ruleSets', name], dir, issues));
  const own = new Map<string, LoadedRule[]>();
  for (const [name, env] of Object.entries(policy.environments))
    own.set(name, await prepareRules(env.rules as Rule[], ['environments', name, 'rules'], dir, issues));

  const done = new Map<string, LoadedRule[]>();
  const visiting: string[] = [];
  const effective = (name: string): LoadedRule[] => {
    const cached = done.get(name);
    if (cached !== undefined) return cached;
    const env = policy.environments[name];
    if (env === undefined) return [];
    visiting.push(name);
    const parents = env.extends === undefined ? [] : Array.isArray(env.extends) ? env.extends : [env.extends];
    let rules: LoadedRule[] = [];
    for (const [i, parent] of parents.entries()) {
      const at = ['environments', name, 'extends', ...(Array.isArray(env.extends) ? [i] : [])];
      if (visiting.includes(parent)) {
        issues.push({ path: at, message: `extends cycle: ${[...visiting, parent].join(' → ')}` });
      } else if (policy.environments[parent] !== undefined) {
        rules = mergeRules(rules, effective(parent));
      } else if (sets.has(parent)) {
        rules = mergeRules(rules, sets.get(parent) ?? []);
      } else {
        const known = [...Object.keys(policy.environments), ...sets.keys()].join('|');
        issues.push({
          path: at,
          message: `unknown environment or rule set "${parent}"; expected one of ${known}`,
        });
      }
    }
    if (env.mode === 'warn')
      rules = rules.map((r) => ({ ...r, rule: { ...r.rule, action: 'warn' as const } }));
    rules = mergeRules(rules, own.get(name) ?? []);
    visiting.pop();
    done.set(name, rules);
    return rules;
  };
  for (const name of Object.keys(policy.environments)) effective(name);
  return done;
}

/** Parses and checks policy text; `file` names it in messages and locates relative paths (keys). */
export async function parsePolicy(text: string, file: string): Promise<LoadedPolicy> {
  const yaml = parseYamlDocument(text, file);
  if ('errors' in yaml)
    throw new AppError('POLICY_INVALID', `invalid policy ${file}:\n  ${yaml.errors.join('\n  ')}`);
  const { doc, positions } = yaml;
  const root = doc.contents;
  if (!isMap(root))
    fail(file, positions, [
      { path: [], message: isSeq(root) ? 'expected a mapping, got a list' : 'expected a mapping' },
    ]);
  const parsed = Policy.safeParse(doc.toJS(), { errorMap: policyErrorMap });
  if (!parsed.success) fail(file, positions, zodIssues(parsed.error));
  const dir = dirname(resolve(file));
  const issues: Issue[] = [];
  const environments = await resolveEnvironments(parsed.data, dir, issues);
  if (issues.length > 0) fail(file, positions, issues);
  return { file, dir, policy: parsed.data, environments };
}

/** Policy files are hand-written; anything larger is a mistake (or an attack on the YAML parser). */
export const MAX_POLICY_BYTES = 4 * 1024 * 1024;

export async function loadPolicy(file: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_POLICY_BYTES)
      throw new AppError('POLICY_INVALID', `policy ${file} is ${size} bytes, more than ${MAX_POLICY_BYTES}`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new AppError('POLICY_NOT_FOUND', `cannot read policy ${file}: ${describeError(err)}`, {
      hint: 'pass the policy file with --policy FILE (YAML, apiVersion corral.dev/v1, kind Policy)',
      cause: err,
    });
  }
  return parsePolicy(text, file);
}

/** The effective rules of `env`; POLICY_ENV_UNKNOWN names the environments there are. */
export function environmentRules(policy: LoadedPolicy, env: string): LoadedRule[] {
  const rules = policy.environments.get(env);
  if (rules === undefined)
    throw new AppError('POLICY_ENV_UNKNOWN', `policy ${policy.file} has no environment "${env}"`, {
      hint: `use one of: ${[...policy.environments.keys()].join(', ')}`,
    });
  return rules;
}

/** Everything the rules of an environment need gathered. */
export function needsOf(rules: readonly LoadedRule[]): Set<RuleNeed> {
  return new Set(rules.flatMap((r) => r.kind.needs(r.rule)));
}
