import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../../errors.js';
import { dockerConfigPath, lookupDockerCredentials, normaliseKey } from './docker-config.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

void describe('Docker config.json credentials', () => {
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'corral-dockercfg-'));
    path = join(dir, 'config.json');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (config: unknown): void => writeFileSync(path, JSON.stringify(config));

  void test('matches keys written by docker login, with or without scheme and path', () => {
    write({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:pw') },
        'localhost:5000': { auth: b64('local:pw:with:colons') },
        'http://plain.example': { username: 'plain', password: 'p' },
        'https://Ghcr.IO/v2/': { auth: b64('gh:tok') },
      },
    });
    assert.deepEqual(lookupDockerCredentials('docker.io', { path })?.credentials, {
      kind: 'basic',
      username: 'hub',
      password: 'pw',
    });
    assert.deepEqual(lookupDockerCredentials('localhost:5000', { path })?.credentials, {
      kind: 'basic',
      username: 'local',
      password: 'pw:with:colons',
    });
    assert.deepEqual(lookupDockerCredentials('plain.example', { path })?.credentials, {
      kind: 'basic',
      username: 'plain',
      password: 'p',
    });
    assert.deepEqual(lookupDockerCredentials('ghcr.io', { path })?.credentials, {
      kind: 'basic',
      username: 'gh',
      password: 'tok',
    });
    assert.equal(lookupDockerCredentials('quay.io', { path })?.credentials, undefined);
  });

  void test('identity and registry tokens win over auth', () => {
    write({
      auths: {
        'a.example': { auth: b64('<token>:'), identitytoken: 'refresh' },
        'b.example': { registrytoken: 'bearer' },
      },
    });
    assert.deepEqual(lookupDockerCredentials('a.example', { path })?.credentials, {
      kind: 'identity-token',
      token: 'refresh',
    });
    assert.deepEqual(lookupDockerCredentials('b.example', { path })?.credentials, {
      kind: 'registry-token',
      token: 'bearer',
    });
  });

  void test('credential helpers are reported, not run', () => {
    write({ auths: { 'a.example': {} }, credsStore: 'desktop', credHelpers: { 'b.example': 'ecr-login' } });
    assert.deepEqual(lookupDockerCredentials('a.example', { path }), { path, helper: 'desktop' });
    assert.deepEqual(lookupDockerCredentials('b.example', { path }), { path, helper: 'ecr-login' });
  });

  void test('a missing file is no credentials; a broken one is CONFIG_INVALID', () => {
    assert.equal(lookupDockerCredentials('x', { path: join(dir, 'absent.json') }), undefined);
    writeFileSync(path, '{ not json');
    assert.throws(
      () => lookupDockerCredentials('x', { path }),
      (e: unknown) => isAppError(e, 'CONFIG_INVALID'),
    );
    write({ auths: { x: { auth: b64('no-colon') } } });
    assert.throws(
      () => lookupDockerCredentials('x', { path }),
      (e: unknown) => isAppError(e, 'CONFIG_INVALID'),
    );
  });

  void test('file location: explicit path, then $DOCKER_CONFIG, then ~/.docker', () => {
    assert.equal(dockerConfigPath({ path: '/p/c.json', env: { DOCKER_CONFIG: '/d' } }), '/p/c.json');
    assert.equal(dockerConfigPath({ env: { DOCKER_CONFIG: '/d' } }), join('/d', 'config.json'));
    assert.equal(dockerConfigPath({ env: {}, home: '/home/u' }), join('/home/u', '.docker', 'config.json'));
  });

  void test('normaliseKey', () => {
    assert.equal(normaliseKey('https://Registry.Example:5000/v1/'), 'registry.example:5000');
    assert.equal(normaliseKey('registry.example'), 'registry.example');
  });
});
