/**
 * `corral policy` end to end, as CI runs it: the example organisation policy passes its own
 * `corral policy test` fixtures; `policy validate` reports positions; `policy check` and
 * `scan --policy` evaluate a real image built in the test (debian dpkg status + an npm package, on an
 * approved base given by image reference) against a vulndb imported from fixture feeds.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOciLayout, type LayerSpec } from '../helpers/build-image.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { buildFixtureDb } from '../support/fixture-vulndb.js';
import { debianRootFiles, npmPackageFiles } from './image-files.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TESTDATA = join(ROOT, 'src', 'match', 'testdata');

const DPKG_STATUS = `Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u1
Description: Secure Sockets Layer toolkit - shared libraries

`;

const BASE_LAYER: LayerSpec = { createdBy: 'ADD rootfs /', files: debianRootFiles(DPKG_STATUS) };
const APP_LAYER: LayerSpec = { createdBy: 'COPY . /app', files: npmPackageFiles('lodash', '4.17.20') };
const LABELS = {
  'org.opencontainers.image.source': 'https://github.com/acme/app',
  'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567',
};

let work: string;
let db: string;
let policyFile: string;
const app = (): string => `oci-layout:${join(work, 'app')}:v1`;

function policyText(baseRef: string): string {
  return `apiVersion: corral.dev/v1
kind: Policy
environments:
  prod:
    rules:
      - { id: no-fixable-high, kind: vulnerabilities, action: deny, maxSeverity: medium, onlyWithFix: true }
      - id: approved-base
        kind: base-image
        action: deny
        allowed: [{ name: acme/debian, image: "${baseRef}" }]
      - { id: non-root, kind: user, action: deny }
      - id: labels
        kind: labels
        action: deny
        required:
          - { name: org.opencontainers.image.source, pattern: "^https://github\\\\.com/acme/" }
          - { name: org.opencontainers.image.revision }
      - { id: no-secrets, kind: secrets, action: deny }
      - { id: old-lodash, kind: packages, action: warn, deny: [{ name: lodash, type: npm, versions: "<4.17.21" }] }
      - id: debian-only
        kind: cel
        action: deny
        expression: 'packages.exists(p, p.type == "deb") && image.layers.size() == 2'
  dev:
    extends: prod
    mode: warn
`;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-policy-e2e-'));
  db = await buildFixtureDb(work, [join(TESTDATA, 'debian-bookworm'), join(TESTDATA, 'languages')]);
  await buildOciLayout(join(work, 'base'), { tag: 'v1', layers: [BASE_LAYER] });
  await buildOciLayout(join(work, 'app'), {
    tag: 'v1',
    layers: [BASE_LAYER, APP_LAYER],
    config: { config: { User: '1000:1000', Labels: LABELS } },
  });
  policyFile = join(work, 'policy.yaml');
  await writeFile(policyFile, policyText(`oci-layout:${join(work, 'base')}:v1`));
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

interface JsonResult {
  env: string;
  pass: boolean;
  rules: { id: string; pass: boolean; action: string; message: string; evidence: unknown[] }[];
}

describe('corral policy test', () => {
  it('the example organisation policy passes its fixtures', async () => {
    const r = await runCli(['policy', 'test', join(ROOT, 'examples', 'policies', 'tests')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /(\d+) case\(s\): \1 passed, 0 failed, 0 invalid/);
    assert.ok(Number(/(\d+) case\(s\)/.exec(r.stdout)?.[1]) >= 10);
  });

  it('exits 1 on a wrong expectation and 2 on an invalid case', async () => {
    const dir = join(work, 'cases');
    await mkdir(dir, { recursive: true });
    const policy = join(ROOT, 'examples', 'policies', 'policy.yaml');
    await writeFile(
      join(dir, 'a.yaml'),
      `policy: ${policy}\nenv: dev\ninput: { image: { user: root } }\nexpect: { pass: false, failed: [no-secrets] }\n`,
    );
    const wrong = await runCli(['policy', 'test', dir]);
    assert.equal(wrong.code, 1, wrong.stdout + wrong.stderr);
    assert.match(wrong.stdout, /FAIL .*expected pass: false, got true/s);
    await writeFile(join(dir, 'b.yaml'), `policy: ${policy}\nenv: dev\nexpect: { pass: maybe }\n`);
    const invalid = await runCli(['policy', 'test', dir]);
    assert.equal(invalid.code, 2, invalid.stdout + invalid.stderr);
    assert.match(invalid.stdout, /b\.yaml:3:17: expect\.pass: expected boolean, got string/);
  });
});

describe('corral policy validate', () => {
  it('accepts the example policy and rejects a broken one with file:line:column', async () => {
    const ok = await runCli(['policy', 'validate', join(ROOT, 'examples', 'policies', 'policy.yaml')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /valid; environments: prod \(\d+ rules\), staging/);
    const bad = join(work, 'bad.yaml');
    await writeFile(
      bad,
      'apiVersion: corral.dev/v1\nkind: Policy\nenvironments:\n  prod:\n    rules:\n      - { id: x, kind: user, action: block }\n',
    );
    const r = await runCli(['policy', 'validate', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /POLICY_INVALID/);
    assert.match(
      r.stderr,
      /bad\.yaml:6:38: environments\.prod\.rules\[0\]\.action: expected one of deny\|warn/,
    );
  });
});

/** `corral policy check` of the app image against the test policy and vulndb, for `env`, plus `flags`. */
function policyCheck(env: string, ...flags: string[]): Promise<CliResult> {
  return runCli(['policy', 'check', app(), '--policy', policyFile, '--env', env, '--db', db, ...flags]);
}

describe('corral policy check on a real image', () => {
  it('prod: explains every rule in JSON and exits 1 on the fixable high findings', async () => {
    const r = await policyCheck('prod', '-o', 'json');
    assert.equal(r.code, 1, r.stderr);
    const res = JSON.parse(r.stdout) as JsonResult;
    assert.equal(res.pass, false);
    const verdicts = Object.fromEntries(res.rules.map((x) => [x.id, x.pass]));
    assert.deepEqual(verdicts, {
      'no-fixable-high': false,
      'approved-base': true,
      'non-root': true,
      labels: true,
      'no-secrets': true,
      'old-lodash': false,
      'debian-only': true,
    });
    const vulns = res.rules.find((x) => x.id === 'no-fixable-high');
    assert.deepEqual((vulns?.evidence as { id: string }[]).map((e) => e.id).sort(), [
      'CVE-2021-23337',
      'CVE-2023-5363',
    ]);
  });

  it('dev (inherits prod as warnings) passes with exit 0; the table says WARN', async () => {
    const r = await policyCheck('dev');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^WARN\s+no-fixable-high/m);
    assert.match(r.stdout, /^PASS\s+approved-base/m);
    assert.match(r.stdout, /PASSED: 7 rule\(s\), 0 denied, 2 warning\(s\)/);
  });

  it('writes SARIF and JUnit', async () => {
    const s = await policyCheck('prod', '-o', 'sarif');
    assert.equal(s.code, 1, s.stderr);
    const sarif = JSON.parse(s.stdout) as {
      version: string;
      runs: { results: { ruleId: string; kind: string; level: string }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const failed = sarif.runs[0]!.results.filter((x) => x.kind === 'fail').map(
      (x) => `${x.ruleId}:${x.level}`,
    );
    assert.deepEqual(failed.sort(), ['no-fixable-high:error', 'old-lodash:warning']);
    const j = await policyCheck('prod', '-o', 'junit');
    assert.equal(j.code, 1);
    assert.match(j.stdout, /<testsuite [^>]*tests="7" failures="1"/);
    assert.match(j.stdout, /<testcase name="no-fixable-high"[^>]*>\s*<failure/);
  });

  it('an unknown environment is a usage error naming the ones there are', async () => {
    const r = await policyCheck('qa');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /POLICY_ENV_UNKNOWN/);
    assert.match(r.stderr, /prod, dev/);
  });
});

describe('corral scan --policy', () => {
  it('runs the same evaluation after matching: exit 1 for prod, 0 for dev', async () => {
    const prod = await runCli(['scan', app(), '--db', db, '--policy', policyFile, '--env', 'prod', '--json']);
    assert.equal(prod.code, 1, prod.stderr);
    assert.ok(JSON.parse(prod.stdout), 'the scan report stays valid JSON on stdout');
    assert.match(prod.stderr, /^FAIL\s+no-fixable-high/m);
    const dev = await runCli(['scan', app(), '--db', db, '--policy', policyFile, '--env', 'dev']);
    assert.equal(dev.code, 0, dev.stderr);
    assert.match(dev.stderr, /PASSED: 7 rule/);
  });
});
