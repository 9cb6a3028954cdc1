import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOciLayout } from '../../../test/helpers/build-image.js';
import { runCli } from '../../../test/helpers/cli.js';
import type { SecretFinding } from '../../policy/secrets/index.js';
import { buildPlantedImage, type PlantedImage } from '../../policy/secrets/testdata/planted-image.js';

let work: string;
let planted: PlantedImage;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-secrets-cli-'));
  planted = await buildPlantedImage(join(work, 'planted'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

function assertNoLeak(output: string): void {
  for (const s of planted.secrets) {
    // PEM bodies span lines; any 16-character piece of a secret in the output is a leak
    for (const piece of [s.slice(0, 24), s.slice(-24), s.replace(/\s+/g, '').slice(8, 40)]) {
      assert.ok(!output.includes(piece), `secret piece ${piece.slice(0, 4)}… leaked`);
    }
  }
}

void test('--json lists every finding, exits 1, and never prints a secret', async () => {
  const r = await runCli(['secrets', planted.ref, '--json']);
  assert.equal(r.code, 1, r.stderr);
  const findings = JSON.parse(r.stdout) as SecretFinding[];
  assert.equal(findings.length, planted.expected.length + 1, 'planted + the 96 KiB log under the 10 MiB cap');
  assert.ok(findings.some((f) => f.path === '/root/.ssh/id_rsa' && f.layerIndex === 0 && f.layerDigest));
  assertNoLeak(r.stdout + r.stderr);
});

void test('the table shows rule, path, layer, line and the redacted value only', async () => {
  const r = await runCli(['secrets', planted.ref]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^RULE\s+PATH\s+LAYER\s+LINE\s+REDACTED$/);
  const aws = lines.find((l) => l.startsWith('aws-access-key-id') && l.includes('/app/.env'));
  assert.match(aws ?? '', /^aws-access-key-id\s+\/app\/\.env\s+0\s+2\s+AKIA\*{16}$/);
  assert.ok(lines.some((l) => /^github-token\s+\/app\/late\.env\s+1\s+1\s+ghp_\*+$/.test(l)));
  assert.match(r.stderr, /secrets found/);
  assertNoLeak(r.stdout + r.stderr);
});

void test('--disable-rule and --allow-path narrow the scan; all allowed means exit 0', async () => {
  const r = await runCli([
    'secrets',
    planted.ref,
    '--json',
    '--disable-rule',
    'private-key',
    '--allow-path',
    '/app/**',
    '--allow-path',
    '/home/**',
  ]);
  assert.equal(r.code, 1, r.stderr);
  const paths = new Set((JSON.parse(r.stdout) as SecretFinding[]).map((f) => f.path));
  assert.deepEqual([...paths].sort(), ['/root/.docker/config.json', '/root/.pypirc']);

  const clean = await runCli([
    'secrets',
    planted.ref,
    '--allow-path',
    '/app/**',
    '--allow-path',
    '/home/**',
    '--allow-path',
    '/root/**',
    '--allow-path',
    '/etc/app/**',
  ]);
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(clean.stdout, 'no secrets found\n');
});

void test('--allow-fingerprint accepts a known value', async () => {
  const first = JSON.parse((await runCli(['secrets', planted.ref, '--json'])).stdout) as SecretFinding[];
  const jwt = first.find((f) => f.ruleId === 'jwt')!;
  const r = await runCli(['secrets', planted.ref, '--json', '--allow-fingerprint', jwt.fingerprint]);
  assert.equal(r.code, 1);
  const rest = JSON.parse(r.stdout) as SecretFinding[];
  assert.equal(rest.length, first.length - 1);
  assert.ok(!rest.some((f) => f.ruleId === 'jwt'));
});

void test('a clean image exits 0; bad flags are usage errors', async () => {
  const layout = join(work, 'clean');
  await buildOciLayout(layout, {
    tag: 'v1',
    layers: [
      {
        files: [
          { path: '/etc/', type: 'dir' },
          { path: '/etc/motd', content: 'hello\n' },
        ],
      },
    ],
  });
  const r = await runCli(['secrets', `oci-layout:${layout}:v1`, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
  const bad = await runCli(['secrets', `oci-layout:${layout}:v1`, '--disable-rule', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /CONFIG_INVALID/);
  const size = await runCli(['secrets', `oci-layout:${layout}:v1`, '--max-scan-size', 'lots']);
  assert.equal(size.code, 2);
  assert.match(size.stderr, /CLI_USAGE/);
});

void test('--max-scan-size skips larger files', async () => {
  const r = await runCli(['secrets', planted.ref, '--json', '--max-scan-size', '64KiB']);
  assert.equal(r.code, 1);
  const findings = JSON.parse(r.stdout) as SecretFinding[];
  assert.ok(!findings.some((f) => f.path === '/app/big.log'));
  assert.equal(findings.length, planted.expected.length);
});
