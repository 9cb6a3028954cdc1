import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildOciLayout } from '../../../test/helpers/build-image.js';
import { debootstrapTar } from '../../../test/helpers/debootstrap.js';
import { defaultLimits, openImage, squashImage } from '../../image/index.js';
import type { Image } from '../../image/types.js';
import { fakeTokens } from './testdata/fake-secrets.js';
import {
  CONFIG_PATHS,
  RULES,
  scanImageSecrets,
  scanSecrets,
  type SecretFinding,
  type SkipReason,
} from './index.js';
import { BIG_FILE_BYTES, buildPlantedImage, type PlantedImage } from './testdata/planted-image.js';

const limits = defaultLimits();
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

let work: string;
let planted: PlantedImage;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-secrets-'));
  planted = await buildPlantedImage(join(work, 'planted'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function withImage<T>(ref: string, fn: (img: Image) => Promise<T>): Promise<T> {
  const img = await openImage(ref, { limits });
  try {
    return await fn(img);
  } finally {
    await img.close();
  }
}

const key = (f: { ruleId: string; path: string; layerIndex: number; fingerprint: string }): string =>
  `${f.ruleId} ${f.path} @${f.layerIndex} ${f.fingerprint}`;

describe('scanImageSecrets on a real image with planted secrets', () => {
  let findings: SecretFinding[];
  const skipped: [string, SkipReason][] = [];

  before(async () => {
    findings = await withImage(planted.ref, (img) =>
      scanImageSecrets(img, {
        limits,
        maxFileBytes: BIG_FILE_BYTES - 1024,
        onSkip: (path, _layer, reason) => skipped.push([path, reason]),
      }),
    );
  });

  void test('finds every planted secret with its rule, path and layer, and nothing else', () => {
    const want = planted.expected.map((e) => key({ ...e, fingerprint: sha256(e.secret) })).sort();
    assert.deepEqual(findings.map(key).sort(), want);
  });

  void test('every rule has at least one planted secret', () => {
    const covered = new Set(findings.map((f) => f.ruleId));
    assert.deepEqual(
      RULES.map((r) => r.id).filter((id) => !covered.has(id)),
      [],
    );
  });

  void test('a private key deleted in layer 1 is still reported, with layer 0 and its digest', async () => {
    const idRsa = findings.filter((f) => f.path === '/root/.ssh/id_rsa');
    assert.equal(idRsa.length, 1);
    assert.equal(idRsa[0]!.layerIndex, 0);
    const layer0 = await withImage(planted.ref, async (img) => Promise.resolve(img.layers[0]!.digest));
    assert.equal(idRsa[0]!.layerDigest, layer0);
    // the secret overwritten in layer 1 stays a layer-0 finding; the new file is a layer-1 finding
    assert.ok(findings.some((f) => f.path === '/app/settings.py' && f.layerIndex === 0));
    assert.deepEqual(
      findings.filter((f) => f.layerIndex === 1).map((f) => f.path),
      ['/app/late.env'],
    );
  });

  void test('findings carry a line number, a redaction of at most 4 characters and a sha256', () => {
    const env = findings.filter((f) => f.path === '/app/.env');
    assert.deepEqual(
      env.map((f) => [f.ruleId, f.line]),
      [
        ['aws-access-key-id', 2],
        ['aws-secret-access-key', 3],
        ['stripe-live-key', 4],
        ['google-api-key', 5],
      ],
    );
    const aws = env[0]!;
    assert.equal(aws.redacted, 'AKIA****************');
    for (const f of findings) {
      assert.match(f.fingerprint, /^[0-9a-f]{64}$/);
      assert.match(f.redacted, /^[^*]{0,4}\*+$/);
    }
  });

  void test('the secret value appears nowhere in the findings', () => {
    const text = JSON.stringify(findings);
    for (const s of planted.secrets) assert.ok(!text.includes(s), `leaked ${s.slice(0, 4)}…`);
  });

  void test('binary and oversized files are skipped, documentation is allow-listed', () => {
    assert.deepEqual(skipped.sort(), [
      ['/app/big.log', 'too-large'],
      ['/app/bin/tool', 'binary'],
    ]);
    assert.ok(!findings.some((f) => f.path.startsWith('/usr/share/doc/')));
    assert.ok(!findings.some((f) => f.path === '/app/decoys.conf' || f.path === '/app/server.crt'));
  });
});

void test('the default size cap (10 MiB) scans the 96 KiB file', async () => {
  const findings = await withImage(planted.ref, (img) => scanImageSecrets(img, { limits }));
  assert.ok(findings.some((f) => f.path === '/app/big.log' && f.ruleId === 'github-token'));
  assert.ok(!findings.some((f) => f.path === '/app/bin/tool'));
});

void test('disabledRules and allowPaths remove exactly those findings', async () => {
  const findings = await withImage(planted.ref, (img) =>
    scanImageSecrets(img, {
      limits,
      disabledRules: ['private-key', 'jwt'],
      allowPaths: ['/app/config/**', '**/.env'],
    }),
  );
  const rules = new Set(findings.map((f) => f.ruleId));
  assert.ok(!rules.has('private-key') && !rules.has('jwt'));
  assert.ok(!findings.some((f) => f.path.startsWith('/app/config/') || f.path.endsWith('/.env')));
  assert.ok(
    findings.some((f) => f.path === '/root/.pypirc'),
    'other findings stay',
  );
  assert.ok(
    findings.some((f) => f.path === '/app/late.env'),
    '/app/late.env is not **/.env',
  );
});

void test('allowFingerprints accepts exactly the listed secret values', async () => {
  const all = await withImage(planted.ref, (img) => scanImageSecrets(img, { limits }));
  const aws = all.filter((f) => f.ruleId === 'aws-secret-access-key');
  assert.equal(aws.length, 2, 'one value in two files');
  const rest = await withImage(planted.ref, (img) =>
    scanImageSecrets(img, { limits, allowFingerprints: [aws[0]!.fingerprint.toUpperCase()] }),
  );
  assert.deepEqual(
    rest,
    all.filter((f) => f.ruleId !== 'aws-secret-access-key'),
  );
});

void test('an unknown disabled rule is CONFIG_INVALID naming it', async () => {
  await withImage(planted.ref, async (img) => {
    await assert.rejects(
      scanImageSecrets(img, { limits, disabledRules: ['no-such-rule'] }),
      (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && e.message.includes('no-such-rule'),
    );
  });
});

void test('scanSecrets over a squashed view reports what the final tree still holds', async () => {
  await withImage(planted.ref, async (img) => {
    const { view } = await squashImage(img, { limits });
    try {
      const findings = await scanSecrets(view, { allowPaths: ['/app/big.log'] });
      assert.ok(!findings.some((f) => f.path === '/root/.ssh/id_rsa'), 'deleted in layer 1');
      assert.ok(!findings.some((f) => f.path === '/app/settings.py'), 'rewritten in layer 1');
      assert.ok(findings.some((f) => f.path === '/app/late.env' && f.layerIndex === 1));
      assert.ok(findings.some((f) => f.path === '/root/.ssh/id_ed25519' && f.ruleId === 'private-key'));
      assert.ok(!findings.some((f) => f.path === '/app/bin/tool'));
    } finally {
      await view.close();
    }
  });
});

void test('secrets in ENV, labels and RUN history of the config are found, with the step layer', async () => {
  const t = fakeTokens();
  const layout = join(work, 'config');
  await buildOciLayout(layout, {
    tag: 'v1',
    config: {
      config: { Env: ['PATH=/usr/bin', `STRIPE_KEY=${t.stripe}`], Labels: { 'ci.token': t.gitlab } },
    },
    layers: [
      { files: [{ path: '/etc/', type: 'dir' }], createdBy: 'ADD rootfs.tar /' },
      { emptyLayer: true, createdBy: `ENV NPM_TOKEN=${t.npm}` },
      { files: [{ path: '/opt/', type: 'dir' }], createdBy: `RUN curl -H "X: ${t.ghp}" https://x/y | sh` },
    ],
  });
  const findings = await withImage(`oci-layout:${layout}:v1`, (img) => scanImageSecrets(img, { limits }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.path, f.layerIndex, f.line]),
    [
      ['stripe-live-key', CONFIG_PATHS.env, -1, 2],
      ['gitlab-pat', CONFIG_PATHS.labels, -1, 1],
      ['npm-token', CONFIG_PATHS.history, -1, 2],
      ['github-token', CONFIG_PATHS.history, 1, 3],
    ],
  );
  const none = await withImage(`oci-layout:${layout}:v1`, (img) =>
    scanImageSecrets(img, { limits, scanConfig: false }),
  );
  assert.deepEqual(none, []);
});

void test('a clean Debian bookworm (debootstrap) image has zero findings', async (t) => {
  const layout = join(work, 'debian');
  await buildOciLayout(layout, { tag: 'v1', layers: [{ tarFile: await debootstrapTar() }] });
  const skipped = { binary: 0, 'too-large': 0 };
  const started = performance.now();
  const findings = await withImage(`oci-layout:${layout}:v1`, (img) =>
    scanImageSecrets(img, { limits, onSkip: (_p, _l, r) => skipped[r]++ }),
  );
  const ms = Math.round(performance.now() - started);
  t.diagnostic(`debootstrap scan: ${ms} ms, skipped ${JSON.stringify(skipped)}`);
  assert.deepEqual(
    findings.map((f) => `${f.ruleId} ${f.path}:${f.line ?? ''}`),
    [],
  );
  assert.ok(skipped.binary > 100, 'the ELF binaries were sniffed and skipped');
  // the rules alone, without the built-in allow-list (docs, certificates), are clean too
  const raw = await withImage(`oci-layout:${layout}:v1`, (img) =>
    scanImageSecrets(img, { limits, defaultAllowPaths: false }),
  );
  assert.deepEqual(
    raw.map((f) => `${f.ruleId} ${f.path}:${f.line ?? ''}`),
    [],
  );
});

void test('a rootfs directory (dir:) is scanned from the host files', async () => {
  const t = fakeTokens();
  const root = join(work, 'rootfs');
  await mkdir(join(root, 'etc', 'app'), { recursive: true });
  await writeFile(join(root, 'etc', 'app', 'env'), `X=1\nGH=${t.ghp}\n`);
  await writeFile(join(root, 'etc', 'app', 'blob'), Buffer.from(`\0\0${t.npm}`));
  const skipped: string[] = [];
  const findings = await withImage(`dir:${root}`, (img) =>
    scanImageSecrets(img, { limits, onSkip: (p, _l, r) => skipped.push(`${p} ${r}`) }),
  );
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.path, f.line]),
    [['github-token', '/etc/app/env', 2]],
  );
  assert.deepEqual(skipped, ['/etc/app/blob binary']);
});
