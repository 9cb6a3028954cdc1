/**
 * Sign / attest / verify against the real TLS + basic-auth registry of the test environment, through
 * the real CLI and the library API, including tampering with image, signature and payload.
 */
import assert from 'node:assert/strict';
import { sign as cryptoSign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import {
  attestImage,
  checkTrust,
  generateKeyPair,
  keyFingerprint,
  signImage,
} from '../../src/attest/index.js';
import {
  cosignTag,
  descriptorOf,
  parseSignatureManifest,
  signatureManifest,
  simpleSigningPayload,
} from '../../src/attest/cosign/layout.js';
import { decryptPrivateKey } from '../../src/attest/keys.js';
import { createRegistryClient, type RegistryClient } from '../../src/image/registry/client.js';
import { OCI_MANIFEST } from '../../src/image/registry/media-types.js';
import { buildOciLayout, pushToRegistry } from '../helpers/build-image.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { plainRegistry, registry, type AuthRegistry } from '../helpers/env.js';
import { authRegistryFlags, authRegistryOptions } from './auth-registry.js';

interface ManifestDoc {
  mediaType: string;
  layers: { mediaType: string; digest: string; annotations: Record<string, string> }[];
}
interface VerifyJson {
  verified: boolean;
  signatures: unknown[];
  attestations: unknown[];
  failures: string[];
}
interface StatementDoc {
  _type: string;
  subject: unknown;
  predicate: { runDetails: { builder: { id: string } } };
}

const PASSWORD = 'correct horse';
const RUN = Date.now().toString(36);

let work: string;
let reg: AuthRegistry | undefined;
let client: RegistryClient;
let regFlags: string[];
let seq = 0;

async function pushImage(repo: string, tag: string, content: string): Promise<string> {
  if (!reg) throw new Error('no registry');
  const dir = join(work, `layout-${seq++}`);
  await buildOciLayout(dir, {
    tag: 'v1',
    layers: [
      {
        files: [
          { path: '/etc/', type: 'dir' },
          { path: '/etc/app.conf', content },
        ],
      },
    ],
  });
  return pushToRegistry(dir, 'v1', `${reg.host}/${repo}:${tag}`, { creds: reg, caFile: reg.caFile });
}

/**
 * The TLS + basic-auth registry for a test (undefined: the test skips, or fails under `CI=true`); the
 * first call connects the shared `client`, and `regFlags` log the CLI in to it.
 */
function connectRegistry(t: TestContext): AuthRegistry | undefined {
  const r = registry(t);
  if (!r) return undefined;
  client ??= createRegistryClient(r.host, authRegistryOptions(r));
  regFlags = authRegistryFlags(r);
  return r;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { CORRAL_PASSWORD: PASSWORD, ...env });
}

async function keygen(name: string): Promise<{ key: string; pub: string }> {
  const dir = join(work, name);
  const r = await cli(['keygen', '--output-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  return { key: join(dir, 'corral.key'), pub: join(dir, 'corral.pub') };
}

/** Rewrites the `.sig`/`.att` manifest of `digest` in `repo` with `edit` applied to its layers. */
async function rewriteLayers(
  repo: string,
  digest: string,
  kind: 'sig' | 'att',
  edit: (layers: ReturnType<typeof descriptorOf>[]) => Promise<ReturnType<typeof descriptorOf>[]>,
  toDigest = digest,
): Promise<void> {
  const res = await client.getManifest(repo, cosignTag(digest, kind), { accept: [OCI_MANIFEST] });
  const layers = parseSignatureManifest(res.bytes);
  assert.ok(Array.isArray(layers));
  const next = await edit(layers);
  const { manifest, config } = signatureManifest(next);
  await client.putBlob(repo, config);
  await client.putManifest(repo, cosignTag(toDigest, kind), manifest, OCI_MANIFEST);
}

describe('corral sign / attest / verify against a TLS + auth registry', () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'corral-attest-'));
  });
  after(async () => {
    await client?.close();
    await rm(work, { recursive: true, force: true });
  });

  test('round trip, cosign layout in the registry, and every tampering fails with a clear reason', async (t) => {
    reg = connectRegistry(t);
    if (!reg) return;
    const repo = `attest/${RUN}/app`;
    const ref = `${reg.host}/${repo}:v1`;
    const digest = await pushImage(repo, 'v1', 'one');
    const alice = await keygen('alice');
    const mallory = await keygen('mallory');

    // keygen refuses to overwrite
    const again = await cli(['keygen', '--output-dir', join(work, 'alice')]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /ATTEST_KEY_EXISTS/);

    // --- sign + verify
    const signed = await cli(['sign', ref, '--key', alice.key, '--json', ...regFlags]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal((JSON.parse(signed.stdout) as { tag: string }).tag, cosignTag(digest, 'sig'));
    const ok = await cli(['verify', ref, '--key', alice.pub, ...regFlags]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`verified ${reg.host}/${repo}@${digest}`));

    // the stored layout is cosign's, byte for byte
    const sigManifest = await client.getManifest(repo, cosignTag(digest, 'sig'), { accept: [OCI_MANIFEST] });
    const m = JSON.parse(sigManifest.bytes.toString('utf8')) as ManifestDoc;
    assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(m.layers.length, 1);
    assert.equal(m.layers[0]?.mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
    const payload = await client.readBlob(repo, m.layers[0]?.digest ?? '', 1 << 20);
    assert.equal(
      payload.toString('utf8'),
      simpleSigningPayload(`${reg.host}/${repo}`, digest).toString('utf8'),
    );
    assert.match(m.layers[0]?.annotations['dev.cosignproject.cosign/signature'] ?? '', /^[A-Za-z0-9+/]+=*$/);

    // --- an unlisted key
    const wrongKey = await cli(['verify', ref, '--key', mallory.pub, ...regFlags]);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /ATTEST_VERIFY_FAILED/);
    assert.match(wrongKey.stderr, /signature does not verify with key sha256:[0-9a-f]{12}/);
    // several keys: any listed one suffices
    const either = await cli(['verify', ref, '--key', mallory.pub, '--key', alice.pub, ...regFlags]);
    assert.equal(either.code, 0, either.stderr);

    // --- attest with a predicate file, and SLSA provenance from GitHub Actions variables
    const predicateFile = join(work, 'predicate.json');
    await writeFile(predicateFile, JSON.stringify({ builder: { id: 'https://ci.example/b' } }));
    const att = await cli([
      'attest',
      ref,
      '--key',
      alice.key,
      '--predicate',
      predicateFile,
      '--type',
      'slsaprovenance',
      ...regFlags,
    ]);
    assert.equal(att.code, 0, att.stderr);
    const gh = {
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ID: '42',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/build.yml@refs/heads/main',
      GITLAB_CI: '',
      JENKINS_URL: '',
    };
    const prov = await cli(['attest', ref, '--key', alice.key, '--provenance', ...regFlags], gh);
    assert.equal(prov.code, 0, prov.stderr);
    const attManifest = JSON.parse(
      (await client.getManifest(repo, cosignTag(digest, 'att'), { accept: [OCI_MANIFEST] })).bytes.toString(),
    ) as ManifestDoc;
    assert.equal(attManifest.layers.length, 2);
    assert.equal(attManifest.layers[0]?.mediaType, 'application/vnd.dsse.envelope.v1+json');
    assert.equal(attManifest.layers[0]?.annotations.predicateType, 'https://slsa.dev/provenance/v0.2');
    assert.equal(attManifest.layers[1]?.annotations.predicateType, 'https://slsa.dev/provenance/v1');
    assert.equal(attManifest.layers[0]?.annotations['dev.cosignproject.cosign/signature'], '');
    const envelope = JSON.parse(
      (await client.readBlob(repo, attManifest.layers[1]?.digest ?? '', 1 << 20)).toString(),
    ) as { payloadType: string; payload: string };
    assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as StatementDoc;
    assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
    assert.deepEqual(statement.subject, [
      { name: `${reg.host}/${repo}`, digest: { sha256: digest.slice(7) } },
    ]);
    assert.equal(
      statement.predicate.runDetails.builder.id,
      'https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main',
    );

    const withAtt = await cli([
      'verify',
      ref,
      '--key',
      alice.pub,
      '--attestation-type',
      'slsaprovenance',
      '--json',
      ...regFlags,
    ]);
    assert.equal(withAtt.code, 0, withAtt.stderr);
    const report = JSON.parse(withAtt.stdout) as VerifyJson;
    assert.equal(report.verified, true);
    assert.equal(report.signatures.length, 1);
    assert.equal(report.attestations.length, 2);
    const noSbom = await cli([
      'verify',
      ref,
      '--key',
      alice.pub,
      '--attestation-type',
      'cyclonedx',
      ...regFlags,
    ]);
    assert.equal(noSbom.code, 1);
    assert.match(noSbom.stderr, /no valid attestation of type https:\/\/cyclonedx\.org\/bom/);

    // --- library API for the policy engine
    const alicePem = await readFile(alice.pub, 'utf8');
    const evidence = await checkTrust(ref, {
      publicKeys: [alicePem],
      registry: authRegistryOptions(reg),
    });
    assert.deepEqual(evidence.signatures, [
      { keyFingerprint: keyFingerprint(alicePem), dockerReference: `${reg.host}/${repo}` },
    ]);
    assert.deepEqual(
      evidence.attestations.map((a) => a.predicateType),
      ['https://slsa.dev/provenance/v0.2', 'https://slsa.dev/provenance/v1'],
    );
    assert.deepEqual(evidence.failures, []);

    // --- a second signer appends, it does not replace
    const bob = await keygen('bob');
    assert.equal((await cli(['sign', ref, '--key', bob.key, ...regFlags])).code, 0);
    const both = parseSignatureManifest(
      (await client.getManifest(repo, cosignTag(digest, 'sig'), { accept: [OCI_MANIFEST] })).bytes,
    );
    assert.ok(Array.isArray(both));
    assert.equal(both.length, 2);
    assert.equal((await cli(['verify', ref, '--key', bob.pub, ...regFlags])).code, 0);

    // --- tamper with the signature: flip a byte of the annotation of every layer
    await rewriteLayers(repo, digest, 'sig', async (layers) =>
      layers.map((l) => {
        const sig = Buffer.from(l.annotations?.['dev.cosignproject.cosign/signature'] ?? '', 'base64');
        sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 0x01;
        return { ...l, annotations: { 'dev.cosignproject.cosign/signature': sig.toString('base64') } };
      }),
    );
    const badSig = await cli(['verify', ref, '--key', alice.pub, '--key', bob.pub, '--json', ...regFlags]);
    assert.equal(badSig.code, 1);
    const badSigReport = JSON.parse(badSig.stdout) as VerifyJson;
    assert.equal(badSigReport.verified, false);
    assert.equal(badSigReport.failures.filter((f) => /signature does not verify with key/.test(f)).length, 2);
  });

  test('a modified payload, a moved tag, copied signatures and an unlisted signer all fail', async (t) => {
    reg = connectRegistry(t);
    if (!reg) return;
    const repo = `attest/${RUN}/tamper`;
    const ref = `${reg.host}/${repo}:v1`;
    const digestA = await pushImage(repo, 'v1', 'A');
    const alice = await keygen('alice2');
    assert.equal((await cli(['sign', ref, '--key', alice.key, ...regFlags])).code, 0);
    const predicateFile = join(work, 'sbom.json');
    await writeFile(predicateFile, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6' }));
    assert.equal(
      (
        await cli([
          'attest',
          ref,
          '--key',
          alice.key,
          '--predicate',
          predicateFile,
          '--type',
          'cyclonedx',
          ...regFlags,
        ])
      ).code,
      0,
    );

    // re-upload a modified payload (same signature annotation): the signature no longer covers it
    await rewriteLayers(repo, digestA, 'sig', async (layers) => {
      const l = layers[0];
      assert.ok(l);
      const modified = simpleSigningPayload(`${reg?.host}/${repo}`, digestA, { injected: 'yes' });
      await client.putBlob(repo, modified);
      return [descriptorOf(l.mediaType, modified, l.annotations)];
    });
    const badPayload = await cli(['verify', ref, '--key', alice.pub, ...regFlags]);
    assert.equal(badPayload.code, 1);
    assert.match(badPayload.stderr, /signature 1 .*signature does not verify with key/);

    // a payload validly signed but naming another digest
    const privateKey = decryptPrivateKey(await readFile(alice.key, 'utf8'), PASSWORD);
    const other = `sha256:${'0'.repeat(64)}`;
    await rewriteLayers(repo, digestA, 'sig', async () => {
      const p = simpleSigningPayload(`${reg?.host}/${repo}`, other);
      await client.putBlob(repo, p);
      return [
        descriptorOf('application/vnd.dev.cosign.simplesigning.v1+json', p, {
          'dev.cosignproject.cosign/signature': cryptoSign('sha256', p, privateKey).toString('base64'),
        }),
      ];
    });
    const wrongDigest = await cli(['verify', ref, '--key', alice.pub, ...regFlags]);
    assert.equal(wrongDigest.code, 1);
    assert.match(wrongDigest.stderr, new RegExp(`payload names digest ${other} but image is ${digestA}`));

    // re-sign properly, then move the tag to a different image
    assert.equal((await cli(['sign', ref, '--key', alice.key, ...regFlags])).code, 0);
    assert.equal((await cli(['verify', ref, '--key', alice.pub, ...regFlags])).code, 0);
    const digestB = await pushImage(repo, 'v1', 'B (evil)');
    assert.notEqual(digestA, digestB);
    const moved = await cli(['verify', ref, '--key', alice.pub, ...regFlags]);
    assert.equal(moved.code, 1);
    assert.match(moved.stderr, new RegExp(`no signatures found for ${reg.host}/${repo}@${digestB}`));

    // copying A's valid signatures and attestations onto B's tags does not help
    await rewriteLayers(repo, digestA, 'sig', async (l) => l, digestB);
    await rewriteLayers(repo, digestA, 'att', async (l) => l, digestB);
    const copied = await cli([
      'verify',
      ref,
      '--key',
      alice.pub,
      '--attestation-type',
      'cyclonedx',
      '--json',
      ...regFlags,
    ]);
    assert.equal(copied.code, 1);
    const copiedReport = JSON.parse(copied.stdout) as VerifyJson;
    assert.ok(
      copiedReport.failures.some((f) =>
        f.includes(`payload names digest ${digestA} but image is ${digestB}`),
      ),
      copied.stdout,
    );
    assert.ok(
      copiedReport.failures.some((f) =>
        f.includes(`statement subject names digest sha256:${digestA.slice(7)} but image is ${digestB}`),
      ),
      copied.stdout,
    );

    // library API reports the same, and nothing valid
    const evidence = await checkTrust(ref, {
      publicKeys: [await readFile(alice.pub, 'utf8')],
      registry: authRegistryOptions(reg),
    });
    assert.deepEqual(evidence.signatures, []);
    assert.deepEqual(evidence.attestations, []);
    assert.ok(evidence.failures.length >= 2);
  });

  test('wrong password and unknown key label are clear CLI errors', async (t) => {
    reg = registry(t);
    if (!reg) return;
    const alice = await keygen('alice3');
    const r = await cli(['sign', `${reg.host}/attest/${RUN}/none:v1`, '--key', alice.key], {
      CORRAL_PASSWORD: 'nope',
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ATTEST_KEY_PASSWORD/);
    assert.match(r.stderr, /wrong password/);
    const bad = join(work, 'bad.key');
    await writeFile(bad, '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n');
    const r2 = await cli(['sign', `${reg.host}/attest/${RUN}/none:v1`, '--key', bad]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /ATTEST_KEY_INVALID.*PEM label "RSA PRIVATE KEY"/);
  });

  test('library API over a plain-HTTP registry (--insecure)', async (t) => {
    const plain = plainRegistry(t);
    if (!plain) return;
    const dir = join(work, 'plain-layout');
    await buildOciLayout(dir, { tag: 'v1', layers: [{ files: [{ path: '/plain.txt', content: 'plain' }] }] });
    const repo = `attest/${RUN}/plain`;
    const digest = await pushToRegistry(dir, 'v1', `${plain.host}/${repo}:v1`, { tlsVerify: false });
    const pair = generateKeyPair('pw');
    const privateKey = decryptPrivateKey(pair.privateKeyPem, 'pw');
    const ref = `${plain.host}/${repo}:v1`;
    const signed = await signImage(ref, { privateKey, registry: { insecure: true } });
    assert.equal(signed.digest, digest);
    assert.equal(signed.tag, cosignTag(digest, 'sig'));
    await attestImage(ref, {
      privateKey,
      predicateType: 'https://example.com/predicate/v1',
      predicate: { ok: true },
      registry: { insecure: true },
    });
    const evidence = await checkTrust(ref, { publicKeys: [pair.publicKeyPem], registry: { insecure: true } });
    assert.equal(evidence.signatures.length, 1);
    assert.deepEqual(
      evidence.attestations.map((a) => [a.keyFingerprint, a.predicateType]),
      [[keyFingerprint(pair.publicKeyPem), 'https://example.com/predicate/v1']],
    );
    assert.deepEqual(evidence.failures, []);
    // an unlisted key: nothing valid, one reason per item
    const other = generateKeyPair('x').publicKeyPem;
    const none = await checkTrust(ref, { publicKeys: [other], registry: { insecure: true } });
    assert.deepEqual(none.signatures, []);
    assert.deepEqual(none.attestations, []);
    assert.equal(none.failures.length, 2);
    assert.match(none.failures[0] ?? '', /signature does not verify with key/);
    assert.match(none.failures[1] ?? '', /DSSE signature does not verify with key/);
  });
});
