/**
 * Gathering from REAL images (OCI layouts built with test/helpers/build-image.ts): the base-image rule
 * recognises an app image built on an approved base by layer digests and rejects one whose base differs
 * by one layer; secrets are scanned only when a rule needs them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOciLayout, type LayerSpec } from '../../test/helpers/build-image.js';
import { defaultLimits, openImage } from '../image/index.js';
import { evaluatePolicy } from './evaluate.js';
import { assembleInput, gatherImageFacts, resolveRefAgainst } from './gather.js';
import { environmentRules, parsePolicy, type LoadedPolicy } from './load.js';
import type { PolicyResult } from './model.js';

const OS_LAYER: LayerSpec = {
  createdBy: 'ADD rootfs.tar /',
  files: [
    { path: '/etc/', type: 'dir' },
    { path: '/etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
  ],
};
const toolsLayer = (version: string): LayerSpec => ({
  createdBy: 'RUN install tools',
  files: [
    { path: '/usr/', type: 'dir' },
    { path: '/usr/bin/', type: 'dir' },
    { path: '/usr/bin/tool', content: `#!/bin/sh\necho tool ${version}\n`, mode: 0o755 },
  ],
});
// a planted AWS access key id (not a real one)
const APP_LAYER: LayerSpec = {
  createdBy: 'COPY . /app',
  files: [
    { path: '/app/', type: 'dir' },
    { path: '/app/.env', content: 'AWS_ACCESS_KEY_ID=AKIAQ3EGRT5KW7XJ2MPN\n' },
  ],
};

let work: string;
const layout = (name: string): string => `oci-layout:${join(work, name)}:v1`;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-policy-gather-'));
  const config = { config: { User: 'app', Labels: { team: 'payments' } } };
  await buildOciLayout(join(work, 'base'), { tag: 'v1', layers: [OS_LAYER, toolsLayer('1.0')] });
  await buildOciLayout(join(work, 'app'), {
    tag: 'v1',
    layers: [OS_LAYER, toolsLayer('1.0'), APP_LAYER],
    config,
  });
  // the same app on a base whose second layer differs (tools 1.1 instead of 1.0)
  await buildOciLayout(join(work, 'other'), {
    tag: 'v1',
    layers: [OS_LAYER, toolsLayer('1.1'), APP_LAYER],
    config,
  });
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function policyFor(rules: string): Promise<LoadedPolicy> {
  return parsePolicy(
    `apiVersion: corral.dev/v1\nkind: Policy\nenvironments:\n  prod:\n    rules:\n${rules}`,
    join(work, 'policy.yaml'),
  );
}

async function check(ref: string, policy: LoadedPolicy): Promise<PolicyResult> {
  const limits = defaultLimits();
  const img = await openImage(ref, { limits });
  try {
    const rules = environmentRules(policy, 'prod');
    const facts = await gatherImageFacts(img, rules, { resolve: { limits } });
    return await evaluatePolicy(policy, 'prod', assembleInput(facts, 'prod', {}));
  } finally {
    await img.close();
  }
}

describe('base-image on real OCI layouts', () => {
  it('accepts the app built on the approved base (given by image reference) and rejects the one-layer-different base', async () => {
    const policy = await policyFor(
      `      - id: approved-base\n        kind: base-image\n        action: deny\n        allowed: [{ name: acme-base, image: "${layout('base')}" }]\n`,
    );
    const app = await check(layout('app'), policy);
    assert.equal(app.pass, true, app.rules[0]?.message);
    assert.deepEqual(app.rules[0]?.evidence, [{ base: 'acme-base', baseLayers: 2, imageLayers: 3 }]);

    const other = await check(layout('other'), policy);
    assert.equal(other.pass, false);
    const ev = other.rules[0]?.evidence[0] as { matchingLayers: number; firstDifferentLayer: number };
    assert.equal(ev.matchingLayers, 1);
    assert.equal(ev.firstDifferentLayer, 1);
  });

  it('accepts the base given as diff_ids copied from the base image', async () => {
    const base = await openImage(layout('base'), { limits: defaultLimits() });
    const diffIds = base.config.rootfs.diff_ids;
    await base.close();
    assert.equal(diffIds.length, 2);
    const policy = await policyFor(
      `      - id: approved-base\n        kind: base-image\n        action: deny\n        allowed: [{ name: acme-base, diffIds: ${JSON.stringify(diffIds)} }]\n`,
    );
    assert.equal((await check(layout('app'), policy)).pass, true);
    assert.equal((await check(layout('other'), policy)).pass, false);
    // the base itself is "built on" the base; an image with fewer layers is not
    assert.equal((await check(layout('base'), policy)).pass, true);
  });
});

describe('base image references in the policy file', () => {
  it('resolve a relative layout path against the policy directory', async () => {
    assert.equal(resolveRefAgainst('oci-layout:bases/debian:v1', '/p'), 'oci-layout:/p/bases/debian:v1');
    assert.equal(resolveRefAgainst('oci-layout:/abs:v1', '/p'), 'oci-layout:/abs:v1');
    assert.equal(resolveRefAgainst('registry:ghcr.io/acme/base:1', '/p'), 'registry:ghcr.io/acme/base:1');
    const policy = await policyFor(
      '      - id: approved-base\n        kind: base-image\n        action: deny\n        allowed: [{ name: acme-base, image: "oci-layout:base:v1" }]\n',
    );
    const limits = defaultLimits();
    const img = await openImage(layout('app'), { limits });
    try {
      const rules = environmentRules(policy, 'prod');
      const facts = await gatherImageFacts(img, rules, { resolve: { limits }, policyDir: policy.dir });
      assert.equal(facts.baseImages['oci-layout:base:v1']?.length, 2);
      const result = await evaluatePolicy(policy, 'prod', assembleInput(facts, 'prod', {}));
      assert.equal(result.pass, true, result.rules[0]?.message);
    } finally {
      await img.close();
    }
  });
});

describe('gathering only what rules need', () => {
  it('scans for secrets when a secrets rule asks, and not otherwise', async () => {
    const withSecrets = await policyFor('      - { id: no-secrets, kind: secrets, action: deny }\n');
    const r = await check(layout('app'), withSecrets);
    assert.equal(r.pass, false);
    const [finding] = r.rules[0]!.evidence as {
      ruleId: string;
      path: string;
      layerIndex: number;
      redacted: string;
    }[];
    assert.equal(finding?.path, '/app/.env');
    assert.equal(finding.layerIndex, 2);
    assert.ok(!JSON.stringify(r).includes('AKIAQ3EGRT5KW7XJ2MPN'), 'the secret itself must not appear');

    const limits = defaultLimits();
    const img = await openImage(layout('app'), { limits });
    try {
      const userOnly = await policyFor('      - { id: u, kind: user, action: deny }\n');
      const facts = await gatherImageFacts(img, environmentRules(userOnly, 'prod'), { resolve: { limits } });
      assert.deepEqual(facts.secrets, []);
      assert.equal(facts.image.user, 'app');
      assert.deepEqual(facts.image.labels, { team: 'payments' });
      assert.equal(facts.image.layers.length, 3);
    } finally {
      await img.close();
    }
  });
});
