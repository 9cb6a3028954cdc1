/**
 * Every built-in rule kind: a passing input, a failing input, and malformed parameters (rejected when
 * the policy loads, with file:line:column and the field path). Rules run through the real loader and
 * evaluator, on input documents written as `policy test` fixtures are.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keyFingerprint } from '../../attest/keys.js';
import { isAppError } from '../../errors.js';
import { evaluatePolicy } from '../evaluate.js';
import { FixtureInput, fixtureToInput } from '../input.js';
import { parsePolicy } from '../load.js';
import type { RuleResult } from '../model.js';
import { RULE_KINDS } from './registry.js';

const NOW = new Date('2026-06-01T00:00:00Z');
let dir: string;
let keyPem: string;
let otherPem: string;

function pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-policy-rules-'));
  keyPem = pem();
  otherPem = pem();
  await writeFile(join(dir, 'ci.pub'), keyPem);
  await writeFile(join(dir, 'not-a-key.pub'), 'hello\n');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A policy whose `prod` environment holds the given rule (YAML, indented as a list item). */
function policyText(rule: string): string {
  const body = rule
    .trim()
    .split('\n')
    .map((l, i) => (i === 0 ? `      - ${l}` : `        ${l}`))
    .join('\n');
  return `apiVersion: corral.dev/v1\nkind: Policy\nenvironments:\n  prod:\n    rules:\n${body}\n`;
}

async function evalRule(rule: string, input: unknown): Promise<RuleResult> {
  const policy = await parsePolicy(policyText(rule), join(dir, 'policy.yaml'));
  const result = await evaluatePolicy(policy, 'prod', fixtureToInput(FixtureInput.parse(input), 'prod'), {
    now: NOW,
  });
  assert.equal(result.rules.length, 1);
  const r = result.rules[0]!;
  assert.equal(result.pass, r.pass || r.action === 'warn');
  return r;
}

/** Asserts the rule is rejected at load with a line:column and the field path in the message. */
async function assertMalformed(rule: string, where: RegExp): Promise<void> {
  await assert.rejects(parsePolicy(policyText(rule), join(dir, 'policy.yaml')), (err: unknown) => {
    assert.ok(isAppError(err, 'POLICY_INVALID'), String(err));
    assert.match(err.message, /policy\.yaml:\d+:\d+: environments\.prod\.rules\[0\]/);
    assert.match(err.message, where);
    return true;
  });
}

const layer = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('vulnerabilities', () => {
  const finding = (over: Record<string, unknown>): Record<string, unknown> => ({
    id: 'CVE-2026-1',
    package: { name: 'libssl3', version: '1' },
    severity: 'high',
    fixState: 'fixed',
    fixedIn: '2',
    published: '2026-01-01T00:00:00Z',
    ...over,
  });
  const rule = 'id: v\nkind: vulnerabilities\naction: deny\nmaxSeverity: medium\nonlyWithFix: true';

  it('passes when findings above the maximum have no fix', async () => {
    const r = await evalRule(rule, { findings: [finding({ fixState: 'not-fixed', fixedIn: undefined })] });
    assert.equal(r.pass, true, r.message);
  });
  it('fails on a fixable finding above the maximum, naming it', async () => {
    const r = await evalRule(rule, {
      findings: [finding({}), finding({ id: 'CVE-2026-2', severity: 'low' })],
    });
    assert.equal(r.pass, false);
    assert.deepEqual(
      r.evidence.map((e) => (e as { id: string }).id),
      ['CVE-2026-1'],
    );
  });
  it('kev, epssAbove and fixAvailableForDays each select their findings', async () => {
    const input = {
      findings: [
        finding({ id: 'A', kev: true, epss: 0.1, published: '2026-05-30T00:00:00Z' }),
        finding({ id: 'B', epss: 0.9, published: '2026-05-30T00:00:00Z' }),
        finding({ id: 'C', published: '2025-01-01T00:00:00Z' }),
      ],
    };
    const ids = async (params: string): Promise<string[]> =>
      (await evalRule(`id: v\nkind: vulnerabilities\naction: deny\n${params}`, input)).evidence.map(
        (e) => (e as { id: string }).id,
      );
    assert.deepEqual(await ids('kev: true'), ['A']);
    assert.deepEqual(await ids('epssAbove: 0.5'), ['B']);
    assert.deepEqual(await ids('fixAvailableForDays: 30'), ['C']);
    assert.deepEqual(await ids('kev: true\nignore: [A]'), []);
  });
  it('rejects an unknown severity and a rule with no condition', async () => {
    await assertMalformed(
      'id: v\nkind: vulnerabilities\naction: deny\nmaxSeverity: severe',
      /maxSeverity: expected one of critical\|high\|medium\|low/,
    );
    await assertMalformed(
      'id: v\nkind: vulnerabilities\naction: deny\nonlyWithFix: true',
      /give at least one of/,
    );
    await assertMalformed('id: v\nkind: vulnerabilities\naction: deny\nepssAbove: 2', /epssAbove/);
  });
});

describe('registries', () => {
  const rule = 'id: r\nkind: registries\naction: deny\nallowed: ["ghcr.io/acme/**"]';
  it('passes for an allowed repository (tag and digest ignored)', async () => {
    const r = await evalRule(rule, { image: { repoTags: ['ghcr.io/acme/team/app:1.0'] } });
    assert.equal(r.pass, true, r.message);
    const d = await evalRule(rule, { image: { repository: 'ghcr.io/acme/app' } });
    assert.equal(d.pass, true, d.message);
  });
  it('fails for another registry, and for an image without a name', async () => {
    assert.equal((await evalRule(rule, { image: { repoTags: ['docker.io/acme/app:1'] } })).pass, false);
    assert.equal((await evalRule(rule, { image: { repoTags: ['ghcr.io/acme-evil/app:1'] } })).pass, false);
    assert.equal((await evalRule(rule, {})).pass, false);
  });
  it('rejects a missing or empty allow-list', async () => {
    await assertMalformed('id: r\nkind: registries\naction: deny', /allowed: required/);
    await assertMalformed('id: r\nkind: registries\naction: deny\nallowed: []', /allowed/);
  });
});

describe('base-image', () => {
  const rule = `id: b\nkind: base-image\naction: deny\nallowed:\n  - name: base\n    diffIds: ["${layer(1)}", "${layer(2)}"]`;
  it('passes when the image starts with the base layers', async () => {
    const r = await evalRule(rule, { image: { layers: [1, 2, 3].map((n) => ({ diffId: layer(n) })) } });
    assert.equal(r.pass, true, r.message);
  });
  it('fails when one base layer differs, or the image is the base minus a layer', async () => {
    const r = await evalRule(rule, { image: { layers: [1, 4, 3].map((n) => ({ diffId: layer(n) })) } });
    assert.equal(r.pass, false);
    assert.deepEqual(r.evidence, [
      {
        base: 'base',
        baseLayers: 2,
        matchingLayers: 1,
        firstDifferentLayer: 1,
        expected: layer(2),
        found: layer(4),
      },
    ]);
    assert.equal((await evalRule(rule, { image: { layers: [{ diffId: layer(1) }] } })).pass, false);
  });
  it('reads a base given by image reference from input.baseImages', async () => {
    const byRef = 'id: b\nkind: base-image\naction: deny\nallowed: [{name: base, image: "oci-layout:/x:v1"}]';
    const input = { image: { layers: [{ diffId: layer(1) }, { diffId: layer(5) }] } };
    assert.equal(
      (await evalRule(byRef, { ...input, baseImages: { 'oci-layout:/x:v1': [layer(1)] } })).pass,
      true,
    );
    assert.equal((await evalRule(byRef, input)).pass, false);
  });
  it('rejects a bad digest and a base with both or neither of diffIds/image', async () => {
    await assertMalformed(
      'id: b\nkind: base-image\naction: deny\nallowed: [{name: x, diffIds: [abc]}]',
      /diffIds\[0\]: expected sha256/,
    );
    await assertMalformed(
      'id: b\nkind: base-image\naction: deny\nallowed: [{name: x}]',
      /allowed\[0\]: give exactly one/,
    );
  });
});

describe('packages', () => {
  const rule = [
    'id: p',
    'kind: packages',
    'action: deny',
    'deny:',
    "  - { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', versions: '[2.0-beta9,2.17.1)' }",
    "  - { name: openssl, type: deb, versions: '<< 3.0.0' }",
  ].join('\n');
  const log4j = (v: string): Record<string, unknown> => ({
    name: 'log4j-core',
    version: v,
    type: 'maven',
    purl: `pkg:maven/org.apache.logging.log4j/log4j-core@${v}`,
  });
  it('passes for versions outside the ranges', async () => {
    const r = await evalRule(rule, {
      packages: [log4j('2.17.1'), { name: 'openssl', version: '3.0.11-1', type: 'deb' }],
    });
    assert.equal(r.pass, true, r.message);
  });
  it('fails for versions inside the ranges, in each package scheme', async () => {
    const r = await evalRule(rule, {
      packages: [log4j('2.14.1'), { name: 'openssl', version: '1.1.1w-0+deb11u1', type: 'deb' }],
    });
    assert.equal(r.pass, false);
    assert.equal(r.evidence.length, 2);
  });
  it('rejects an invalid range, a bad purl and an entry with neither purl nor name', async () => {
    await assertMalformed(
      "id: p\nkind: packages\naction: deny\ndeny: [{name: x, type: npm, versions: '>>>1'}]",
      /deny\[0\]\.versions: ">>>1" is not a valid semver range/,
    );
    await assertMalformed(
      "id: p\nkind: packages\naction: deny\ndeny: [{purl: 'npm/x'}]",
      /deny\[0\]\.purl: expected a purl/,
    );
    await assertMalformed(
      'id: p\nkind: packages\naction: deny\ndeny: [{versions: "1"}]',
      /give exactly one of purl or name/,
    );
  });
});

describe('licenses', () => {
  const rule = 'id: l\nkind: licenses\naction: deny\ndeny: [AGPL-3.0-only]';
  it('passes when no license expression names a denied id', async () => {
    const r = await evalRule(rule, {
      packages: [{ name: 'a', version: '1', type: 'npm', licenses: ['MIT OR AGPL-3.0-or-later'] }],
    });
    assert.equal(r.pass, true, r.message);
  });
  it('fails when an expression contains a denied id (case-insensitive)', async () => {
    const r = await evalRule(rule, {
      packages: [{ name: 'a', version: '1', type: 'npm', licenses: ['(MIT AND agpl-3.0-only)'] }],
    });
    assert.equal(r.pass, false);
  });
  it('rejects a license that is not an SPDX id', async () => {
    await assertMalformed(
      'id: l\nkind: licenses\naction: deny\ndeny: ["GPL v3"]',
      /deny\[0\]: expected an SPDX license id/,
    );
  });
});

describe('image-age', () => {
  const rule = 'id: a\nkind: image-age\naction: deny\nmaxDays: 30';
  it('passes for a recent image', async () => {
    assert.equal((await evalRule(rule, { image: { created: '2026-05-20T00:00:00Z' } })).pass, true);
  });
  it('fails for an old image and for one without a created date', async () => {
    const old = await evalRule(rule, { image: { created: '2026-01-01T00:00:00Z' } });
    assert.equal(old.pass, false);
    assert.match(old.message, /151 day/);
    assert.equal((await evalRule(rule, {})).pass, false);
  });
  it('rejects a non-positive maxDays', async () => {
    await assertMalformed('id: a\nkind: image-age\naction: deny\nmaxDays: 0', /maxDays/);
  });
});

describe('user', () => {
  const rule = 'id: u\nkind: user\naction: deny';
  it('passes for a non-root user', async () => {
    assert.equal((await evalRule(rule, { image: { user: 'app' } })).pass, true);
    assert.equal((await evalRule(rule, { image: { user: '65532:65532' } })).pass, true);
  });
  it('fails for root, uid 0 and an empty user', async () => {
    for (const user of ['', 'root', '0', '0:0', 'root:wheel', '000'])
      assert.equal((await evalRule(rule, { image: { user } })).pass, false, user);
  });
  it('rejects unknown fields', async () => {
    await assertMalformed('id: u\nkind: user\naction: deny\nallowRoot: true', /unknown field "allowRoot"/);
  });
});

describe('labels', () => {
  const rule =
    'id: l\nkind: labels\naction: deny\nrequired:\n  - name: org.opencontainers.image.revision\n    pattern: "^[0-9a-f]{40}$"\n  - name: org.opencontainers.image.source';
  const sha = 'a'.repeat(40);
  it('passes when every label is present and matches', async () => {
    const labels = { 'org.opencontainers.image.revision': sha, 'org.opencontainers.image.source': 'x' };
    assert.equal((await evalRule(rule, { image: { labels } })).pass, true);
  });
  it('fails on a missing label and on a value that does not match', async () => {
    const r = await evalRule(rule, { image: { labels: { 'org.opencontainers.image.revision': 'main' } } });
    assert.equal(r.pass, false);
    assert.equal(r.evidence.length, 2);
  });
  it('rejects an invalid regular expression', async () => {
    await assertMalformed(
      'id: l\nkind: labels\naction: deny\nrequired: [{name: a, pattern: "(("}]',
      /required\[0\]\.pattern: invalid regular expression/,
    );
  });
});

describe('secrets', () => {
  const rule = 'id: s\nkind: secrets\naction: deny\nallowPaths: ["/usr/share/doc/**"]\ndisabledRules: [jwt]';
  const secret = (path: string, ruleId = 'aws-access-key-id'): Record<string, unknown> => ({
    ruleId,
    path,
    layerIndex: 1,
    redacted: 'AKIA****',
  });
  it('passes with no secrets outside allowed paths and rules', async () => {
    const r = await evalRule(rule, {
      secrets: [secret('/usr/share/doc/x/example'), secret('/app/a', 'jwt')],
    });
    assert.equal(r.pass, true, r.message);
  });
  it('fails on a secret, reporting path and layer but only the redacted value', async () => {
    const r = await evalRule(rule, { secrets: [secret('/app/.env')] });
    assert.equal(r.pass, false);
    assert.deepEqual(r.evidence, [
      { ruleId: 'aws-access-key-id', path: '/app/.env', layerIndex: 1, redacted: 'AKIA****' },
    ]);
  });
  it('maxFindings tolerates that many', async () => {
    const r = await evalRule('id: s\nkind: secrets\naction: deny\nmaxFindings: 1', {
      secrets: [secret('/a')],
    });
    assert.equal(r.pass, true);
  });
  it('rejects a negative maxFindings', async () => {
    await assertMalformed('id: s\nkind: secrets\naction: deny\nmaxFindings: -1', /maxFindings/);
  });
});

describe('trust', () => {
  const rule = [
    'id: t',
    'kind: trust',
    'action: deny',
    'signature: { keys: [ci.pub] }',
    'provenance:',
    '  builders: ["https://github.com/acme/platform/.github/workflows/build.yml@refs/heads/*"]',
    '  sourceRepositories: ["https://github.com/acme/**"]',
  ].join('\n');
  const statement = (repo: string): Record<string, unknown> => ({
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: { externalParameters: { workflow: { repository: repo, ref: 'refs/heads/main' } } },
      runDetails: {
        builder: { id: 'https://github.com/acme/platform/.github/workflows/build.yml@refs/heads/main' },
      },
    },
  });
  const input = (fp: string, repo: string): Record<string, unknown> => ({
    signatures: [{ keyFingerprint: fp, dockerReference: 'ghcr.io/acme/app' }],
    provenance: [{ keyFingerprint: fp, statement: statement(repo) }],
  });
  it('passes with a signature and provenance from the listed key, builder and repository', async () => {
    const r = await evalRule(rule, input(keyFingerprint(keyPem), 'https://github.com/acme/app'));
    assert.equal(r.pass, true, r.message);
  });
  it('fails for another key, another source repository, or nothing at all', async () => {
    const other = await evalRule(rule, input(keyFingerprint(otherPem), 'https://github.com/acme/app'));
    assert.equal(other.pass, false);
    assert.match(other.message, /no signature from a listed key/);
    const fork = await evalRule(rule, input(keyFingerprint(keyPem), 'https://github.com/mallory/app'));
    assert.equal(fork.pass, false);
    assert.match(fork.message, /source https:\/\/github\.com\/mallory\/app is not allowed/);
    assert.equal((await evalRule(rule, { trustFailures: ['no signatures found'] })).pass, false);
  });
  it('rejects a missing key file, a file that is not a key, and a rule with nothing to check', async () => {
    await assertMalformed(
      'id: t\nkind: trust\naction: deny\nsignature: { keys: [missing.pub] }',
      /signature\.keys\[0\]: cannot use key missing\.pub/,
    );
    await assertMalformed(
      'id: t\nkind: trust\naction: deny\nsignature: { keys: [not-a-key.pub] }',
      /signature\.keys\[0\]: cannot use key not-a-key\.pub/,
    );
    await assertMalformed('id: t\nkind: trust\naction: deny', /give signature, provenance or both/);
  });
});

describe('cel', () => {
  it('passes when the expression is true', async () => {
    const r = await evalRule(
      'id: c\nkind: cel\naction: deny\nexpression: \'image.user != "" && size(findings.filter(f, f.severity == "critical")) == 0\'',
      {
        image: { user: 'app' },
        findings: [{ id: 'x', package: { name: 'a', version: '1' }, severity: 'high', epss: 0.7 }],
      },
    );
    assert.equal(r.pass, true, r.message);
  });
  it('fails with its message when false, and when evaluation errors', async () => {
    const r = await evalRule(
      'id: c\nkind: cel\naction: deny\nexpression: \'env == "dev"\'\nmessage: dev only',
      {},
    );
    assert.equal(r.pass, false);
    assert.equal(r.message, 'dev only');
    const missing = await evalRule(
      'id: c\nkind: cel\naction: deny\nexpression: \'image.labels["nope"] == "x"\'',
      {},
    );
    assert.equal(missing.pass, false);
    assert.match(missing.message, /CEL evaluation error/);
  });
  it('rejects syntax errors, unknown variables and non-bool results with the line number', async () => {
    await assertMalformed(
      "id: c\nkind: cel\naction: deny\nexpression: 'image.user == '",
      /expression: CEL compile error/,
    );
    await assertMalformed(
      'id: c\nkind: cel\naction: deny\nexpression: \'imag.user == "x"\'',
      /Unknown variable: imag/,
    );
    await assertMalformed(
      "id: c\nkind: cel\naction: deny\nexpression: 'size(findings)'",
      /must return a bool/,
    );
  });
});

it('the registry lists exactly the rule files of this folder, each kind once', async () => {
  const files = (await readdir(import.meta.dirname))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'registry.ts')
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const kinds = RULE_KINDS.map((k) => k.kind).sort();
  assert.deepEqual(kinds, files);
  assert.equal(new Set(kinds).size, kinds.length);
});
