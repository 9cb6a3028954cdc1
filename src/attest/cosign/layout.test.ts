import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  acceptedPredicateTypes,
  cosignTag,
  descriptorOf,
  parseSignatureManifest,
  parseSimpleSigning,
  resolvePredicateType,
  signatureManifest,
  simpleSigningPayload,
} from './layout.js';

interface ManifestDoc {
  schemaVersion: number;
  mediaType: string;
  config: { mediaType: string; digest: string; size: number };
  layers: unknown[];
}

function reason(x: unknown): string {
  assert.equal(typeof x, 'string');
  return x as string;
}

const DIGEST = `sha256:${'a1'.repeat(32)}`;

test('tags follow cosign naming: <alg>-<hex>.sig / .att', () => {
  assert.equal(cosignTag(DIGEST, 'sig'), `sha256-${'a1'.repeat(32)}.sig`);
  assert.equal(cosignTag(DIGEST, 'att'), `sha256-${'a1'.repeat(32)}.att`);
  assert.throws(() => cosignTag('latest', 'sig'));
});

test('simple-signing payload bytes are compact JSON in cosign key order', () => {
  assert.equal(
    simpleSigningPayload('registry.example/team/app', DIGEST).toString('utf8'),
    `{"critical":{"identity":{"docker-reference":"registry.example/team/app"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":null}`,
  );
  assert.equal(
    simpleSigningPayload('r/a', DIGEST, { env: 'prod' }).toString('utf8'),
    `{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":{"env":"prod"}}`,
  );
  const parsed = parseSimpleSigning(simpleSigningPayload('r/a', DIGEST));
  assert.ok(typeof parsed !== 'string');
  assert.equal(parsed.critical.image['docker-manifest-digest'], DIGEST);
  assert.match(
    reason(
      parseSimpleSigning(Buffer.from('{"critical":{"image":{"docker-manifest-digest":"x"},"type":"other"}}')),
    ),
    /critical\.type/,
  );
});

test('signature manifest: OCI manifest, simplesigning layer with the signature annotation, config diff_ids', () => {
  const payload = simpleSigningPayload('r/a', DIGEST);
  const layer = descriptorOf('application/vnd.dev.cosign.simplesigning.v1+json', payload, {
    'dev.cosignproject.cosign/signature': 'MEUCIQ==',
  });
  const { manifest, config } = signatureManifest([layer]);
  const m = JSON.parse(manifest.toString('utf8')) as ManifestDoc;
  assert.equal(m.schemaVersion, 2);
  assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(m.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  assert.equal(m.config.digest, `sha256:${createHash('sha256').update(config).digest('hex')}`);
  assert.equal(m.config.size, config.length);
  assert.deepEqual(m.layers, [
    {
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      size: payload.length,
      digest: `sha256:${createHash('sha256').update(payload).digest('hex')}`,
      annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ==' },
    },
  ]);
  const c = JSON.parse(config.toString('utf8')) as { rootfs: unknown; created: string };
  assert.deepEqual(c.rootfs, { type: 'layers', diff_ids: [layer.digest] });
  assert.equal(c.created, '0001-01-01T00:00:00Z');
  const back = parseSignatureManifest(manifest);
  assert.ok(Array.isArray(back));
  assert.deepEqual(back[0], layer);
  assert.equal(parseSignatureManifest(Buffer.from('{}')), 'signature manifest has no "layers" array');
});

test('predicate type shortcuts resolve as cosign names them', () => {
  assert.equal(resolvePredicateType('slsaprovenance'), 'https://slsa.dev/provenance/v0.2');
  assert.equal(resolvePredicateType('slsaprovenance1'), 'https://slsa.dev/provenance/v1');
  assert.equal(resolvePredicateType('spdx'), 'https://spdx.dev/Document');
  assert.equal(resolvePredicateType('cyclonedx'), 'https://cyclonedx.org/bom');
  assert.equal(resolvePredicateType('vuln'), 'https://cosign.sigstore.dev/attestation/vuln/v1');
  assert.equal(resolvePredicateType('custom'), 'https://cosign.sigstore.dev/attestation/v1');
  assert.equal(resolvePredicateType('https://example.com/p/v1'), 'https://example.com/p/v1');
  assert.equal(resolvePredicateType('nonsense'), undefined);
  assert.deepEqual(acceptedPredicateTypes('slsaprovenance'), [
    'https://slsa.dev/provenance/v0.2',
    'https://slsa.dev/provenance/v1',
  ]);
});
