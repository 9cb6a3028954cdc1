import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { dockerHost, registry, requireEnv, testEnv, tokenRegistry } from './env.js';

describe('test environment access', () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
  });
  afterEach(() => {
    process.env = saved;
  });

  const recorder = (): { skip(message?: string): void; skipped: string[] } => {
    const skipped: string[] = [];
    return { skipped, skip: (m) => skipped.push(m ?? '') };
  };

  it('returns a set variable', () => {
    process.env.CORRAL_TEST_DOCKER_HOST = 'unix:///x.sock';
    const t = recorder();
    assert.equal(requireEnv(t, 'CORRAL_TEST_DOCKER_HOST'), 'unix:///x.sock');
    assert.equal(dockerHost(t), 'unix:///x.sock');
    assert.deepEqual(t.skipped, []);
  });

  it('skips outside CI and names the missing variables', () => {
    delete process.env.CI;
    delete process.env.CORRAL_TEST_REGISTRY;
    process.env.CORRAL_TEST_REGISTRY_USER = 'u';
    const t = recorder();
    assert.equal(registry(t), undefined);
    assert.equal(t.skipped.length, 1);
    assert.match(t.skipped[0]!, /CORRAL_TEST_REGISTRY[,\s]/);
    assert.doesNotMatch(t.skipped[0]!, /CORRAL_TEST_REGISTRY_USER/);
  });

  it('throws under CI=true instead of skipping', () => {
    process.env.CI = 'true';
    delete process.env.CORRAL_TEST_REGISTRY_PLAIN;
    const t = recorder();
    assert.throws(() => requireEnv(t, 'CORRAL_TEST_REGISTRY_PLAIN'), /CI=true.*CORRAL_TEST_REGISTRY_PLAIN/);
    assert.deepEqual(t.skipped, []);
  });

  it('treats empty values as missing and builds the token registry view', () => {
    delete process.env.CI;
    process.env.CORRAL_TEST_DOCKER_HOST = '';
    assert.equal(testEnv().CORRAL_TEST_DOCKER_HOST, undefined);
    Object.assign(process.env, {
      CORRAL_TEST_REGISTRY_TOKEN: '127.0.0.1:1',
      CORRAL_TEST_REGISTRY_CA: '/ca.pem',
      CORRAL_TEST_TOKEN_REALM_PORT: '2',
      CORRAL_TEST_TOKEN_KEY: '/k',
      CORRAL_TEST_TOKEN_CERT: '/c',
      CORRAL_TEST_TOKEN_ISSUER: 'i',
      CORRAL_TEST_TOKEN_SERVICE: 's',
      CORRAL_TEST_TOKEN_USER: 'u',
      CORRAL_TEST_TOKEN_PASSWORD: 'p',
    });
    assert.deepEqual(tokenRegistry(recorder()), {
      host: '127.0.0.1:1',
      user: 'u',
      password: 'p',
      caFile: '/ca.pem',
      realm: 'http://127.0.0.1:2/token',
      realmPort: 2,
      keyPath: '/k',
      certPath: '/c',
      issuer: 'i',
      service: 's',
    });
  });
});
