/**
 * `corral policy test DIR`: policy unit tests. Each `*.yaml`/`*.yml` file of DIR is one case:
 *
 * ```yaml
 * name: prod denies a known-exploited vulnerability   # optional
 * policy: ../policy.yaml        # relative to this file
 * env: prod
 * now: 2026-06-01T00:00:00Z     # optional: "now" for age-based rules (default: the current time)
 * input: { image: {…}, findings: [ … ] }   # the input document (README "Input document"), defaults for the rest
 * expect:
 *   pass: false
 *   failed: [no-kev]            # exactly the rules that do not pass (deny and warn)
 * ```
 * Cases run without network or images: rules evaluate the input document only. (A `base-image` rule
 * that names an approved base by `image` reads its diff_ids from `input.baseImages`.)
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError, describeError, isAppError } from '../errors.js';
import { evaluatePolicy } from './evaluate.js';
import { FixtureInput, fixtureToInput } from './input.js';
import { issueLines, loadPolicy, parseYamlDocument, zodIssues, type LoadedPolicy } from './load.js';
import type { PolicyResult } from './model.js';
import { policyErrorMap } from './schema.js';

export const PolicyTestCase = z
  .object({
    name: z.string().optional(),
    policy: z.string().min(1),
    env: z.string().min(1),
    now: z.string().datetime({ offset: true }).optional(),
    input: FixtureInput.default({}),
    expect: z
      .object({
        pass: z.boolean(),
        failed: z.array(z.string()).default([]),
      })
      .strict(),
  })
  .strict();

export interface PolicyTestOutcome {
  file: string;
  name: string;
  /** 'pass': as expected; 'fail': a different decision; 'error': the case or its policy is invalid. */
  status: 'pass' | 'fail' | 'error';
  problems: string[];
  result?: PolicyResult;
}

export interface PolicyTestSummary {
  cases: PolicyTestOutcome[];
  passed: number;
  failed: number;
  errors: number;
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

async function runCase(
  file: string,
  policies: Map<string, Promise<LoadedPolicy>>,
): Promise<PolicyTestOutcome> {
  const text = await readFile(file, 'utf8');
  const yaml = parseYamlDocument(text, file);
  if ('errors' in yaml) return { file, name: file, status: 'error', problems: yaml.errors };
  const parsed = PolicyTestCase.safeParse(yaml.doc.toJS(), { errorMap: policyErrorMap });
  if (!parsed.success)
    return {
      file,
      name: file,
      status: 'error',
      problems: issueLines(file, yaml.positions, zodIssues(parsed.error)),
    };
  const tc = parsed.data;
  const name = tc.name ?? file;
  const policyFile = resolve(dirname(file), tc.policy);
  let loading = policies.get(policyFile);
  if (loading === undefined) {
    loading = loadPolicy(policyFile);
    policies.set(policyFile, loading);
  }
  let result: PolicyResult;
  try {
    const policy = await loading;
    result = await evaluatePolicy(policy, tc.env, fixtureToInput(tc.input, tc.env), {
      ...(tc.now !== undefined && { now: new Date(tc.now) }),
    });
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { file, name, status: 'error', problems: [`${err.code}: ${err.message}`] };
  }
  const failed = sorted(result.rules.filter((r) => !r.pass).map((r) => r.id));
  const want = sorted(tc.expect.failed);
  const problems: string[] = [];
  if (result.pass !== tc.expect.pass) problems.push(`expected pass: ${tc.expect.pass}, got ${result.pass}`);
  if (failed.join('\n') !== want.join('\n'))
    problems.push(`expected failed rules [${want.join(', ')}], got [${failed.join(', ')}]`);
  for (const r of result.rules) if (!r.pass && !want.includes(r.id)) problems.push(`  ${r.id}: ${r.message}`);
  return { file, name, status: problems.length === 0 ? 'pass' : 'fail', problems, result };
}

/** Runs every case file of `dir` (sorted by name). */
export async function runPolicyTests(dir: string): Promise<PolicyTestSummary> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    throw new AppError(
      'POLICY_NOT_FOUND',
      `cannot read policy test directory ${dir}: ${describeError(err)}`,
      {
        cause: err,
      },
    );
  }
  if (names.length === 0)
    throw new AppError('POLICY_TEST_INVALID', `no test cases (*.yaml) in ${dir}`, {
      hint: 'each case is a YAML file with policy, env, input and expect',
    });
  const policies = new Map<string, Promise<LoadedPolicy>>();
  const cases: PolicyTestOutcome[] = [];
  for (const n of names) cases.push(await runCase(join(dir, n), policies));
  return {
    cases,
    passed: cases.filter((c) => c.status === 'pass').length,
    failed: cases.filter((c) => c.status === 'fail').length,
    errors: cases.filter((c) => c.status === 'error').length,
  };
}
