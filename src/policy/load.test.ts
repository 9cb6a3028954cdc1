/**
 * Loading policy files: positions and field paths in errors, `extends` (environments and rule sets,
 * replacement by id, cycles, unknown names), `mode: warn`, and environment lookup.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../errors.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentRules, loadPolicy, MAX_POLICY_BYTES, needsOf, parsePolicy } from './load.js';

const HEAD = 'apiVersion: corral.dev/v1\nkind: Policy\n';

async function problems(text: string): Promise<string[]> {
  try {
    await parsePolicy(text, 'policy.yaml');
  } catch (err) {
    assert.ok(isAppError(err, 'POLICY_INVALID'), String(err));
    return err.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error('expected the policy to be rejected');
}

describe('policy file errors', () => {
  it('give file:line:column and the field path of a bad value', async () => {
    const text = `${HEAD}environments:
  prod:
    rules:
      - id: no-kev
        kind: vulnerabilities
        action: deny
        kev: true
      - id: user
        kind: user
        action: deny
      - id: crit
        kind: vulnerabilities
        action: deny
        maxSeverity: severe
`;
    assert.deepEqual(await problems(text), [
      'policy.yaml:16:22: environments.prod.rules[2].maxSeverity: expected one of critical|high|medium|low',
    ]);
  });

  it('report every problem: unknown kind, unknown field (at the key), missing field, wrong type', async () => {
    const text = `${HEAD}environments:
  prod:
    rules:
      - { id: a, kind: nope, action: deny }
      - id: b
        kind: user
        action: deny
        colour: blue
      - { id: c, kind: image-age, action: deny }
      - { id: d, kind: image-age, action: deny, maxDays: soon }
`;
    const got = await problems(text);
    assert.equal(got.length, 4, got.join('\n'));
    assert.match(
      got[0]!,
      /^policy\.yaml:6:24: environments\.prod\.rules\[0\]\.kind: unknown rule kind; expected one of vulnerabilities\|/,
    );
    assert.equal(got[1], 'policy.yaml:10:9: environments.prod.rules[1].colour: unknown field "colour"');
    assert.equal(got[2], 'policy.yaml:11:9: environments.prod.rules[2].maxDays: required');
    assert.equal(
      got[3],
      'policy.yaml:12:58: environments.prod.rules[3].maxDays: expected number, got string',
    );
  });

  it('reject a wrong apiVersion, YAML syntax errors and duplicate keys with positions', async () => {
    assert.deepEqual(await problems('apiVersion: v2\nkind: Policy\nenvironments: { dev: {} }\n'), [
      'policy.yaml:1:13: apiVersion: expected "corral.dev/v1"',
    ]);
    const [syntax] = await problems(`${HEAD}environments:\n  dev: [\n`);
    assert.match(syntax!, /^policy\.yaml:\d+:\d+: invalid YAML/);
    const [dup] = await problems(`${HEAD}environments:\n  dev: {}\n  dev: {}\n`);
    assert.match(dup!, /^policy\.yaml:5:3: invalid YAML/);
    assert.deepEqual(await problems(`${HEAD}environments: {}\n`), [
      'policy.yaml:3:15: environments: define at least one environment',
    ]);
  });

  it('report a CEL compile error on the line of the expression, inside a block scalar too', async () => {
    const text = `${HEAD}environments:
  prod:
    rules:
      - id: c
        kind: cel
        action: deny
        expression: |
          image.user != "" &&
            findings.all(f, f.severity ==)
`;
    const [p] = await problems(text);
    assert.match(p!, /^policy\.yaml:11:1: environments\.prod\.rules\[0\]\.expression: CEL compile error: /);
  });
});

describe('loading files', () => {
  it('a missing file is POLICY_NOT_FOUND; an oversized one is POLICY_INVALID', async () => {
    await assert.rejects(loadPolicy('/nonexistent/policy.yaml'), (e: unknown) =>
      isAppError(e, 'POLICY_NOT_FOUND'),
    );
    const dir = await mkdtemp(join(tmpdir(), 'corral-policy-load-'));
    try {
      const big = join(dir, 'big.yaml');
      await writeFile(big, `${HEAD}# ${'x'.repeat(MAX_POLICY_BYTES)}\n`);
      await assert.rejects(loadPolicy(big), (e: unknown) => isAppError(e, 'POLICY_INVALID'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('environments', () => {
  const text = `${HEAD}ruleSets:
  baseline:
    - { id: no-root, kind: user, action: deny }
    - { id: no-secrets, kind: secrets, action: deny }
environments:
  prod:
    extends: baseline
    rules:
      - { id: age, kind: image-age, action: deny, maxDays: 30 }
  staging:
    extends: prod
    mode: warn
    rules:
      - { id: no-secrets, kind: secrets, action: deny, maxFindings: 1 }
  dev:
    extends: [baseline]
    rules:
      - { id: no-root, kind: user, action: warn }
`;

  it('extends environments and rule sets; same id replaces; mode warn downgrades inherited rules', async () => {
    const p = await parsePolicy(text, 'policy.yaml');
    const show = (env: string): string[] =>
      environmentRules(p, env).map((r) => `${r.rule.id}:${r.rule.action}`);
    assert.deepEqual(show('prod'), ['no-root:deny', 'no-secrets:deny', 'age:deny']);
    assert.deepEqual(show('staging'), ['no-root:warn', 'no-secrets:deny', 'age:warn']);
    assert.equal(environmentRules(p, 'staging')[1]!.rule.maxFindings, 1);
    assert.deepEqual(show('dev'), ['no-root:warn', 'no-secrets:deny']);
    assert.deepEqual([...needsOf(environmentRules(p, 'prod'))], ['secrets']);
    assert.throws(
      () => environmentRules(p, 'qa'),
      (e: unknown) => isAppError(e, 'POLICY_ENV_UNKNOWN'),
    );
  });

  it('rejects unknown parents, cycles and duplicate ids', async () => {
    const got = await problems(`${HEAD}environments:
  a: { extends: b }
  b: { extends: [a] }
  c:
    extends: nowhere
    rules:
      - { id: x, kind: user, action: deny }
      - { id: x, kind: user, action: warn }
`);
    assert.deepEqual(got.sort(), [
      'policy.yaml:10:15: environments.c.rules[1].id: duplicate rule id "x" (also at [0])',
      'policy.yaml:5:18: environments.b.extends[0]: extends cycle: a → b → a',
      'policy.yaml:7:14: environments.c.extends: unknown environment or rule set "nowhere"; expected one of a|b|c',
    ]);
  });
});
