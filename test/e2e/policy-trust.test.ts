/**
 * The `trust` rule end to end against the real TLS + basic-auth registry of the test environment: an
 * image signed with the CI key and attested with SLSA v1 provenance from the organisation's builder
 * passes `corral policy check`; the same check with another key listed, or provenance from a fork,
 * fails with the reason. Signing uses src/attest (the library `corral sign`/`attest` call).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { attestImage, signImage } from '../../src/attest/index.js';
import { buildOciLayout, pushToRegistry } from '../helpers/build-image.js';
import { runCli } from '../helpers/cli.js';
import { registry } from '../helpers/env.js';
import { authRegistryFlags, authRegistryOptions } from './auth-registry.js';

const RUN = Date.now().toString(36);
const BUILDER = 'https://github.com/acme/platform/.github/workflows/build.yml@refs/heads/main';

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-policy-trust-'));
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

function provenance(repository: string): Record<string, unknown> {
  return {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: {
        workflow: { ref: 'refs/heads/main', repository, path: '.github/workflows/release.yml' },
      },
      resolvedDependencies: [
        { uri: `git+${repository}@refs/heads/main`, digest: { gitCommit: 'a'.repeat(40) } },
      ],
    },
    runDetails: { builder: { id: BUILDER }, metadata: { invocationId: 'run-1' } },
  };
}

const policy = (keyFile: string): string => `apiVersion: corral.dev/v1
kind: Policy
environments:
  prod:
    rules:
      - id: built-by-ci
        kind: trust
        action: deny
        signature: { keys: [${keyFile}] }
        provenance:
          builders: ["${BUILDER}"]
          sourceRepositories: ["https://github.com/acme/**"]
`;

interface JsonResult {
  pass: boolean;
  rules: { id: string; pass: boolean; message: string }[];
}

test('trust: signed + attested by the CI key passes; another key or a forked source fails', async (t) => {
  const reg = registry(t);
  if (!reg) return;
  const regOpts = authRegistryOptions(reg);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  await writeFile(join(work, 'ci.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(join(work, 'other.pub'), other.export({ type: 'spki', format: 'pem' }));
  await writeFile(join(work, 'policy.yaml'), policy('ci.pub'));
  await writeFile(join(work, 'policy-other.yaml'), policy('other.pub'));

  const push = async (repo: string, content: string): Promise<string> => {
    const dir = join(work, repo.replace(/\W/g, '-'));
    await buildOciLayout(dir, { tag: 'v1', layers: [{ files: [{ path: '/app.txt', content }] }] });
    await pushToRegistry(dir, 'v1', `${reg.host}/${repo}:v1`, { creds: reg, caFile: reg.caFile });
    return `registry:${reg.host}/${repo}:v1`;
  };
  /** Signs `ref` with the CI key and attests SLSA v1 provenance of a build of `repository` by BUILDER. */
  const signAndAttest = async (ref: string, repository: string): Promise<void> => {
    await signImage(ref, { privateKey, registry: regOpts });
    await attestImage(ref, {
      privateKey,
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: provenance(repository),
      registry: regOpts,
    });
  };
  const check = async (ref: string, file: string): Promise<{ code: number; res: JsonResult }> => {
    const r = await runCli([
      'policy',
      'check',
      ref,
      '--policy',
      join(work, file),
      '--env',
      'prod',
      '-o',
      'json',
      ...authRegistryFlags(reg),
    ]);
    return { code: r.code, res: JSON.parse(r.stdout || '{}') as JsonResult };
  };

  const good = await push(`policy/${RUN}/good`, 'good');
  await signAndAttest(good, 'https://github.com/acme/payments');
  const ok = await check(good, 'policy.yaml');
  assert.equal(ok.code, 0, JSON.stringify(ok.res));
  assert.equal(ok.res.rules[0]?.pass, true);

  const wrongKey = await check(good, 'policy-other.yaml');
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.res.rules[0]?.message ?? '', /no signature from a listed key/);

  const fork = await push(`policy/${RUN}/fork`, 'fork');
  await signAndAttest(fork, 'https://github.com/mallory/payments');
  const forked = await check(fork, 'policy.yaml');
  assert.equal(forked.code, 1);
  assert.match(
    forked.res.rules[0]?.message ?? '',
    /source https:\/\/github\.com\/mallory\/payments is not allowed/,
  );

  const unsigned = await check(await push(`policy/${RUN}/unsigned`, 'unsigned'), 'policy.yaml');
  assert.equal(unsigned.code, 1);
  assert.match(
    unsigned.res.rules[0]?.message ?? '',
    /no signature from a listed key \(.*no signatures found/,
  );
});
