/** Input document helpers: SLSA provenance facts, registry repositories, fixture defaults. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FixtureInput, fixtureToInput, provenanceFacts, refRepository } from './input.js';

test('provenanceFacts reads SLSA v1 and v0.2 builder ids and source repositories', () => {
  const v1 = provenanceFacts({
    predicate: {
      buildDefinition: {
        externalParameters: {
          workflow: { repository: 'https://github.com/acme/app', ref: 'refs/heads/main' },
        },
        resolvedDependencies: [
          { uri: 'git+https://github.com/acme/app@refs/heads/main' },
          { uri: 'pkg:npm/left-pad@1.0.0' },
        ],
      },
      runDetails: {
        builder: { id: 'https://github.com/acme/platform/.github/workflows/build.yml@refs/heads/main' },
      },
    },
  });
  assert.deepEqual(v1, {
    builderId: 'https://github.com/acme/platform/.github/workflows/build.yml@refs/heads/main',
    sourceRepositories: ['https://github.com/acme/app'],
  });
  const v02 = provenanceFacts({
    predicate: {
      builder: { id: 'https://gitlab.com/acme/runner' },
      invocation: { configSource: { uri: 'git+https://gitlab.com/acme/app.git@refs/tags/v1' } },
    },
  });
  assert.deepEqual(v02, {
    builderId: 'https://gitlab.com/acme/runner',
    sourceRepositories: ['https://gitlab.com/acme/app.git'],
  });
  assert.deepEqual(provenanceFacts('not a statement'), { sourceRepositories: [] });
  assert.deepEqual(provenanceFacts(null), { sourceRepositories: [] });
});

test('refRepository drops tag and digest, and is undefined for non-registry references', () => {
  assert.equal(refRepository('registry:localhost:5000/acme/app:1.2'), 'localhost:5000/acme/app');
  assert.equal(refRepository('registry:ghcr.io/acme/app@sha256:abc'), 'ghcr.io/acme/app');
  assert.equal(refRepository('oci-layout:/x:v1'), undefined);
});

test('fixtures get defaults and layer indexes; unknown fields are rejected', () => {
  const input = fixtureToInput(
    FixtureInput.parse({ image: { layers: [{ diffId: 'sha256:a' }, { diffId: 'sha256:b' }] } }),
    'dev',
  );
  assert.equal(input.env, 'dev');
  assert.equal(input.image.user, '');
  assert.deepEqual(
    input.image.layers.map((l) => [l.index, l.digest]),
    [
      [0, 'sha256:a'],
      [1, 'sha256:b'],
    ],
  );
  assert.deepEqual(input.findings, []);
  assert.equal(FixtureInput.safeParse({ image: { usr: 'root' } }).success, false);
});
